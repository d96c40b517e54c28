package dropgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dropgrid.hub.FakeHub;
import dropgrid.hub.HubModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code fetch-model} and {@code encode} on models from a fake Hub on 127.0.0.1 serving the tiny smoke
 * models (make_smoke_models.py); the encodings are checked against what Hugging Face gives for the same
 * pair (make_hub_goldens.py).
 */
class HubModelCommandsTest {

    static final Path SMOKE = Path.of("src/test/resources/smoke");
    static final Path GOLDENS = Path.of("src/test/resources/hub/encode-goldens.json");
    static final String COMMIT = "89abcdef0123456789abcdef0123456789abcdef";

    @TempDir Path tmp;
    @RegisterExtension final FakeHub hub = new FakeHub();
    @RegisterExtension final FakeHub storage = new FakeHub();

    @BeforeEach
    void serve() throws IOException {
        for (String arch : List.of("bert", "distilbert", "roberta", "xlnet", "albert")) {
            hub.serveModel("test-org/tiny-" + arch, COMMIT, SMOKE.resolve(arch), Set.of("model.safetensors"), storage);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"bert", "distilbert", "roberta", "xlnet", "albert"})
    void aFetchedModelEncodesAPairAsHuggingFaceDoes(String arch) throws IOException {
        Path dir = tmp.resolve("models/" + arch);
        var fetched = FetchModelCommandTest.run("fetch-model", "hf:test-org/tiny-" + arch + "@" + COMMIT,
                "--endpoint", hub.baseUrl(), "--dir", dir.toString());
        assertEquals(0, fetched.exit(), fetched.err());
        assertEquals(COMMIT, fetched.json().get("commit").asText());
        assertEquals(dir.toAbsolutePath().toString(), fetched.json().get("dir").asText());
        assertTrue(fetched.err().contains("model.safetensors") && fetched.err().contains("downloaded"), fetched.err());

        JsonNode golden = new ObjectMapper().readTree(GOLDENS.toFile());
        JsonNode expected = golden.get("models").get(arch);
        var encoded = FetchModelCommandTest.run("encode", "--model", dir.toString(), "--text-a",
                golden.get("text_a").asText(), "--text-b", golden.get("text_b").asText());
        assertEquals(0, encoded.exit(), encoded.err());
        assertEquals(expected.get("input_ids"), encoded.json().get("input_ids"));
        assertEquals(expected.get("token_type_ids"), encoded.json().get("token_type_ids"));
        double hidden = maxAbsDiff(expected.get("last_hidden_state"), encoded.json().get("last_hidden_state"));
        assertTrue(hidden < 1e-5, arch + " last hidden state differs from HF by " + hidden);
        if (expected.get("pooled").isNull()) {
            assertTrue(encoded.json().get("pooled").isNull(), encoded.json().get("pooled").toString());
        } else {
            double pooled = maxAbsDiff(expected.get("pooled"), encoded.json().get("pooled"));
            assertTrue(pooled < 1e-5, arch + " pooled output differs from HF by " + pooled);
        }
    }

    @Test
    void aSecondFetchIsCachedAndDownloadsNothing() {
        Path dir = tmp.resolve("models/roberta");
        String source = "hf:test-org/tiny-roberta@" + COMMIT;
        assertEquals(0, FetchModelCommandTest.run("fetch-model", source, "--endpoint", hub.baseUrl(), "--dir",
                dir.toString()).exit());
        int requests = hub.requests().size();
        var again = FetchModelCommandTest.run("fetch-model", source, "--endpoint", hub.baseUrl(), "--dir", dir.toString());
        assertEquals(0, again.exit(), again.err());
        assertTrue(again.json().get("cached").asBoolean());
        assertEquals(requests, hub.requests().size());
    }

    @Test
    void aMissingRepositoryIsBadInputNamingItAndTheRevision() {
        var r = FetchModelCommandTest.run("fetch-model", "hf:test-org/nothing@main", "--endpoint", hub.baseUrl(),
                "--dir", tmp.resolve("x").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("test-org/nothing@main not found at " + hub.baseUrl()), r.err());
    }

    /**
     * {@code encode --model hf:...} in a JVM whose environment points {@code HF_ENDPOINT} at the fake Hub
     * and {@code DROPGRID_HOME} at a fresh cache: the same resolution a cell uses, fetch included.
     */
    @Test
    void encodeTakesAHubSourceAndFetchesItIntoTheModelCache() throws Exception {
        JsonNode golden = new ObjectMapper().readTree(GOLDENS.toFile());
        Path log = tmp.resolve("encode.log");
        Process child = ChildJvm.start(List.of(), "dropgrid.cli.Main",
                List.of("encode", "--model", "hf:test-org/tiny-xlnet@" + COMMIT, "--text-a",
                        golden.get("text_a").asText(), "--text-b", golden.get("text_b").asText()),
                Map.of("HF_ENDPOINT", hub.baseUrl(), "DROPGRID_HOME", tmp.resolve("home").toString()), log);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "encode did not finish");
        String output = Files.readString(log);
        assertEquals(0, child.exitValue(), output);
        JsonNode json = new ObjectMapper().readTree(output.lines().filter(l -> l.startsWith("{")).findFirst()
                .orElseThrow(() -> new AssertionError("no JSON in " + output)));
        double diff = maxAbsDiff(golden.get("models").get("xlnet").get("last_hidden_state"),
                json.get("last_hidden_state"));
        assertTrue(diff < 1e-5, "XLNet last hidden state differs from HF by " + diff);
        assertTrue(HubModels.isComplete(HubModels.defaultDir(tmp.resolve("home/models"), "test-org/tiny-xlnet",
                COMMIT)), output);
    }

    private static double maxAbsDiff(JsonNode expected, JsonNode actual) {
        if (expected.isNumber()) {
            return Math.abs(expected.asDouble() - actual.asDouble());
        }
        assertEquals(expected.size(), actual.size(), "shape");
        double max = 0;
        for (int i = 0; i < expected.size(); i++) {
            max = Math.max(max, maxAbsDiff(expected.get(i), actual.get(i)));
        }
        return max;
    }
}
