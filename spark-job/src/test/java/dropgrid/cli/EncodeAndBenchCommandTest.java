package dropgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class EncodeAndBenchCommandTest {

    static final Path CLS = Path.of("src/test/resources/golden/bert-cls");

    @Test
    void encodePrintsHuggingFacesHiddenStatesForKeptLayers() throws IOException {
        JsonNode golden = null;
        for (JsonNode c : new ObjectMapper().readTree(CLS.resolve("goldens.json").toFile()).get("cases")) {
            if (c.get("name").asText().equals("pairs") && c.get("keep").toString().equals("[1,2,3]")) {
                golden = c;
            }
        }
        // Row 1 of the "pairs" batch has no padding, so it equals an unbatched run.
        String ids = join(golden.get("input_ids").get(1));
        String types = join(golden.get("token_type_ids").get(1));
        var r = FetchModelCommandTest.run("encode", "--model", CLS.toString(), "--keep-layers", "1,2,3",
                "--input-ids", ids, "--token-type-ids", types);
        assertEquals(0, r.exit(), r.err());
        assertEquals("[1,2,3]", r.json().get("kept_layers").toString());
        assertEquals("[" + ids + "]", r.json().get("input_ids").toString());
        JsonNode hidden = r.json().get("last_hidden_state");
        JsonNode expected = golden.get("last_hidden_state").get(1);
        assertEquals(expected.size(), hidden.size());
        for (int t = 0; t < expected.size(); t++) {
            for (int e = 0; e < expected.get(t).size(); e++) {
                assertEquals(expected.get(t).get(e).asDouble(), hidden.get(t).get(e).asDouble(), 1e-5, "token " + t);
            }
        }
        for (int e = 0; e < hidden.get(0).size(); e++) {
            assertEquals(golden.get("pooler_output").get(1).get(e).asDouble(), r.json().get("pooled").get(e).asDouble(), 1e-5);
        }
    }

    @Test
    void encodeTokenizesAPairWithTheModelsVocabularyLikeExplicitIds() throws IOException {
        List<String> vocab = Files.readAllLines(CLS.resolve("vocab.txt"));
        long[] ids = Stream.of("[CLS]", "the", "cat", "sat", "[SEP]", "a", "dog", "[SEP]")
                .mapToLong(vocab::indexOf).toArray();
        var text = FetchModelCommandTest.run("encode", "--model", CLS.toString(), "--keep-layers", "0,3",
                "--text-a", "The cat sat", "--text-b", "a dog");
        assertEquals(0, text.exit(), text.err());
        assertEquals(Arrays.toString(ids).replace(" ", ""), text.json().get("input_ids").toString());
        assertEquals("[0,0,0,0,0,1,1,1]", text.json().get("token_type_ids").toString());
        var explicit = FetchModelCommandTest.run("encode", "--model", CLS.toString(), "--keep-layers", "0,3",
                "--input-ids", Arrays.toString(ids).replaceAll("[\\[\\] ]", ""), "--token-type-ids", "0,0,0,0,0,1,1,1");
        assertEquals(explicit.json().get("last_hidden_state"), text.json().get("last_hidden_state"));
    }

    @Test
    void encodeWantsTextOrIdsNotBoth() {
        var r = FetchModelCommandTest.run("encode", "--model", CLS.toString(), "--text-a", "the cat", "--input-ids", "2,3");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("mutually exclusive"), r.err());
    }

    @Test
    void encodeRejectsTypeIdsOfAnotherLength() {
        var r = FetchModelCommandTest.run("encode", "--model", CLS.toString(), "--input-ids", "2,5,3", "--token-type-ids", "0,0");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--token-type-ids has 2 values, --input-ids 3"), r.err());
    }

    @Test
    void benchForwardTimesTheFullAndTheDroppedModelInOneRun() {
        var r = FetchModelCommandTest.run("bench", "forward", "--model", CLS.toString(), "--batch", "2", "--tokens", "8",
                "--repeats", "1");
        assertEquals(0, r.exit(), r.err());
        JsonNode runs = r.json().get("runs");
        assertEquals("[0,1,2,3]", runs.get(0).get("kept_layers").toString());
        assertEquals("[0,1]", runs.get(1).get("kept_layers").toString());
        assertEquals(4, r.json().get("depth").asInt());
        assertEquals(runs.get(1).get("forward_seconds_median").asDouble() / runs.get(0).get("forward_seconds_median").asDouble(),
                r.json().get("forward_ratio").asDouble(), 1e-9);
        assertTrue(runs.get(0).get("params_total").asLong() > runs.get(1).get("params_total").asLong());
    }

    private static String join(JsonNode row) {
        StringBuilder s = new StringBuilder();
        row.forEach(v -> s.append(s.length() == 0 ? "" : ",").append(v.asLong()));
        return s.toString();
    }
}
