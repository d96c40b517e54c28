package dropgrid.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Model downloads from a fake Hub on 127.0.0.1 serving the tiny smoke models. */
class HubModelsTest {

    static final Path SMOKE = Path.of("src/test/resources/smoke");
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    static final String REPO = "test-org/tiny-roberta";

    @TempDir Path cache;
    @RegisterExtension final FakeHub hub = new FakeHub();
    @RegisterExtension final FakeHub storage = new FakeHub();

    @BeforeEach
    void serve() throws IOException {
        hub.serveModel(REPO, COMMIT, SMOKE.resolve("roberta"), Set.of("model.safetensors"), storage);
    }

    @Test
    void fetchesEveryFileVerifiedRecordsWhatWasCheckedAndIsThenCached() throws IOException {
        HubModels.Fetched first = fetch(new HubSource(REPO, COMMIT), client(null));

        Path dir = HubModels.defaultDir(cache, REPO, COMMIT);
        assertEquals(dir.toAbsolutePath().toString(), first.dir());
        assertEquals(COMMIT, first.commit());
        assertFalse(first.cached());
        for (String file : List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json")) {
            assertEquals(-1L, Files.mismatch(SMOKE.resolve("roberta").resolve(file), dir.resolve(file)), file);
        }
        assertEquals(List.of("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"),
                first.files().stream().map(HubModels.FetchedFile::path).toList());
        HubModels.FetchedFile weights = first.files().get(1);
        assertEquals("SHA-256 " + Checksum.compute(Checksum.Algorithm.SHA256, dir.resolve("model.safetensors")),
                weights.checksum());
        assertEquals("hub", weights.checkedAgainst());
        assertTrue(first.files().get(0).checksum().startsWith("Git blob SHA-1 "), first.files().get(0).toString());
        JsonNode source = new ObjectMapper().readTree(dir.resolve(HubModels.SOURCE_FILE).toFile());
        assertEquals(COMMIT, source.get("commit").asText());
        assertEquals(4, source.get("files").size());
        try (Stream<Path> left = Files.list(dir.getParent())) {
            assertEquals(List.of(COMMIT, COMMIT + ".lock"), left.map(p -> p.getFileName().toString()).sorted().toList());
        }

        int requests = hub.requests().size();
        HubModels.Fetched second = fetch(new HubSource(REPO, COMMIT), client(null));
        assertTrue(second.cached());
        assertEquals(requests, hub.requests().size(), "a complete commit needs no network");
    }

    @Test
    void aBranchIsResolvedToItsCommitThroughTheRevisionEndpoint() throws IOException {
        HubModels.Fetched fetched = fetch(new HubSource(REPO, null), client(null));
        assertEquals(COMMIT, fetched.commit());
        assertEquals(HubModels.defaultDir(cache, REPO, COMMIT).toAbsolutePath().toString(), fetched.dir());
        assertEquals("/api/models/" + REPO + "/revision/main", hub.requests().get(0).path());
    }

    @Test
    void aDirectoryHoldingAnotherCommitIsNotTakenForTheNewOne(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("roberta");
        HubModels.fetch(new HubSource(REPO, null), client(null), cache, target, HubModels.SILENT);
        String moved = "1111111111111111111111111111111111111111";
        hub.serveModel(REPO, moved, SMOKE.resolve("roberta"), Set.of("model.safetensors"), storage);
        var e = assertThrows(IllegalArgumentException.class,
                () -> HubModels.fetch(new HubSource(REPO, null), client(null), cache, target, HubModels.SILENT));
        assertEquals(target + " already holds " + REPO + "@" + COMMIT + ", not " + REPO + "@" + moved
                + "; give another directory or remove that one", e.getMessage());
    }

    @Test
    void aConnectionCutMidFileIsResumedWithARangeRequest() throws IOException {
        storage.dropFirstAnswerAfter(5_000);
        HubModels.Fetched fetched = fetch(new HubSource(REPO, COMMIT), client(null));
        assertEquals("resumed", fetched.files().get(1).outcome());
        Path dir = Path.of(fetched.dir());
        assertEquals(-1L, Files.mismatch(SMOKE.resolve("roberta/model.safetensors"), dir.resolve("model.safetensors")));
        List<FakeHub.Request> blobs = storage.requests();
        assertEquals(2, blobs.size(), blobs.toString());
        assertTrue(blobs.get(1).range() != null && blobs.get(1).range().startsWith("bytes="), blobs.toString());
    }

    @Test
    void bytesThatDoNotMatchTheListedChecksumLeaveNothingBehind() throws IOException {
        byte[] bad = Files.readAllBytes(SMOKE.resolve("roberta/model.safetensors"));
        bad[bad.length / 2] ^= 1;
        String sha256 = Checksum.compute(Checksum.Algorithm.SHA256, SMOKE.resolve("roberta/model.safetensors"));
        storage.serve("/lfs/" + REPO + "/" + sha256, bad);

        var e = assertThrows(IllegalStateException.class, () -> fetch(new HubSource(REPO, COMMIT), client(null)));

        assertTrue(e.getMessage().startsWith("checksum mismatch for " + hub.baseUrl() + "/" + REPO + "/resolve/" + COMMIT
                + "/model.safetensors: expected " + bad.length + " bytes with SHA-256 " + sha256), e.getMessage());
        assertFalse(Files.exists(HubModels.defaultDir(cache, REPO, COMMIT)), "no model directory");
        try (Stream<Path> files = Files.walk(cache)) {
            List<Path> left = files.filter(Files::isRegularFile).toList();
            assertTrue(left.stream().noneMatch(p -> p.toString().endsWith(".part")), left.toString());
            for (Path p : left) {
                assertFalse(java.util.Arrays.equals(bad, Files.readAllBytes(p)), p + " holds the bad bytes");
            }
        }
    }

    @Test
    void aGatedRepositoryWithoutATokenNamesHfTokenAndTheTokenIsSentButNeverWritten() throws IOException {
        hub.requireToken("hf_test_secret");

        var e = assertThrows(IllegalArgumentException.class, () -> fetch(new HubSource(REPO, COMMIT), client(null)));
        assertTrue(e.getMessage().contains(REPO + " is gated") && e.getMessage().contains("HF_TOKEN is not set"),
                e.getMessage());

        HubModels.Fetched fetched = fetch(new HubSource(REPO, COMMIT), client("hf_test_secret"));
        assertFalse(fetched.cached());
        assertTrue(hub.requests().stream().skip(1).allMatch(r -> "Bearer hf_test_secret".equals(r.authorization())));
        assertTrue(storage.requests().stream().allMatch(r -> r.authorization() == null), "token sent to storage");
        try (Stream<Path> files = Files.walk(cache)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(p, java.nio.charset.StandardCharsets.ISO_8859_1).contains("hf_test_secret"),
                        p + " holds the token");
            }
        }
    }

    @Test
    void anUnknownRevisionNamesTheRepositoryAndTheRevision() {
        String path = "/api/models/" + REPO + "/revision/v9.9";
        hub.header(path, "X-Error-Code", "RevisionNotFound");
        var e = assertThrows(IllegalArgumentException.class, () -> fetch(new HubSource(REPO, "v9.9"), client(null)));
        assertTrue(e.getMessage().startsWith("revision 'v9.9' of " + REPO + " not found at " + hub.baseUrl()),
                e.getMessage());

        var plain = assertThrows(IllegalArgumentException.class,
                () -> fetch(new HubSource("test-org/nothing", COMMIT), client(null)));
        assertTrue(plain.getMessage().startsWith("test-org/nothing@" + COMMIT + " not found at " + hub.baseUrl()
                + " (HTTP 404)"), plain.getMessage());
    }

    @Test
    void anUnreachableHubSaysSoAndHowToGoOn() throws IOException {
        FakeHub gone = new FakeHub();
        String endpoint = gone.baseUrl();
        gone.close();
        var e = assertThrows(IOException.class, () -> HubModels.fetch(new HubSource(REPO, COMMIT),
                new HubClient(endpoint, null), cache, null, HubModels.SILENT));
        assertTrue(e.getMessage().startsWith("cannot reach the Hub at " + endpoint + " (ConnectException")
                && e.getMessage().contains("set HF_ENDPOINT to a reachable mirror"), e.getMessage());
    }

    @Test
    void aRepositoryWithOnlyPytorchModelBinIsFetchedAndReadable() throws IOException {
        hub.serveModel("test-org/legacy-xlnet", COMMIT, Path.of("src/test/resources/torch-bin/legacy"),
                Set.of("pytorch_model.bin"), storage);
        HubModels.Fetched fetched = fetch(new HubSource("test-org/legacy-xlnet", COMMIT), client(null));
        assertEquals(List.of("config.json", "pytorch_model.bin"),
                fetched.files().stream().map(HubModels.FetchedFile::path).toList());
        try (var checkpoint = dropgrid.model.PretrainedModels.read(Path.of(fetched.dir()))) {
            assertEquals(4, checkpoint.depth());
        }
    }

    @Test
    void aRepositoryWithoutReadableWeightsIsRefusedWithItsFiles(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("config.json"), "{}");
        Files.writeString(dir.resolve("model-00001-of-00002.safetensors"), "x");
        Files.writeString(dir.resolve("model.safetensors.index.json"), "{}");
        hub.serveModel("test-org/sharded", COMMIT, dir, Set.of(), storage);
        var e = assertThrows(IllegalArgumentException.class,
                () -> fetch(new HubSource("test-org/sharded", COMMIT), client(null)));
        assertTrue(e.getMessage().contains("has neither model.safetensors nor pytorch_model.bin; sharded checkpoints"),
                e.getMessage());
    }

    @Test
    void theManifestsPinIsCheckedAgainstTheHubsListingBeforeAnyDownload() throws IOException {
        ModelManifest.Entry roberta = ModelManifest.builtIn().byName("roberta-base").orElseThrow();
        // The tiny RoBERTa served under the real repository and commit: its weights are not the pinned ones.
        hub.serveModel(roberta.repository(), roberta.revision(), SMOKE.resolve("roberta"), Set.of("model.safetensors"),
                storage);
        var e = assertThrows(IllegalStateException.class, () -> fetch(roberta.source(), client(null)));
        long tiny = Files.size(SMOKE.resolve("roberta/model.safetensors"));
        assertEquals("the model manifest pins model.safetensors of " + roberta.repository() + "@" + roberta.revision()
                + " at 498818054 bytes, the Hub lists " + tiny, e.getMessage());
        assertEquals(List.of("/api/models/" + roberta.repository() + "/revision/" + roberta.revision()),
                hub.requests().stream().map(FakeHub.Request::path).toList(), "nothing was downloaded");
        assertEquals(List.of(), storage.requests());
    }

    private HubClient client(String token) {
        return new HubClient(hub.baseUrl(), token);
    }

    private HubModels.Fetched fetch(HubSource source, HubClient client) throws IOException {
        return HubModels.fetch(source, client, cache, null, HubModels.SILENT);
    }
}
