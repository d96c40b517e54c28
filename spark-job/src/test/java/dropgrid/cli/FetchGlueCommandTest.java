package dropgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dropgrid.glue.Example;
import dropgrid.glue.GlueData;
import dropgrid.glue.GlueManifest;
import dropgrid.glue.GlueTask;
import dropgrid.glue.Split;
import dropgrid.hub.FakeHub;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dropgrid fetch-glue} end to end against a fake Hub on 127.0.0.1. */
class FetchGlueCommandTest {

    private static final String BUILT_IN_PREFIX = "/datasets/nyu-mll/glue/resolve/bcdcba79d07bc864c1c254ccfcedcce55bcc9a8c/";

    @TempDir Path tmp;
    @RegisterExtension final FakeHub hub = new FakeHub();
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void fetchedRteIsReadableByGlueDataAndASecondRunFindsItCached() throws Exception {
        Path manifest = manifestServing("rte", List.of("train", "validation"));
        Path cache = tmp.resolve("cache");

        int code = run("fetch-glue", "--tasks", "rte", "--dir", cache.toString(), "--base-url", hub.baseUrl(),
                "--manifest", manifest.toString());

        assertEquals(0, code, err.toString());
        JsonNode summary = new ObjectMapper().readTree(out.toString());
        assertEquals(List.of("downloaded", "downloaded"), outcomes(summary));
        assertEquals("RTE", summary.get("files").get(0).get("task").asText());
        assertEquals(cache.toAbsolutePath().toString(), summary.get("dir").asText());
        List<Example> dev = GlueData.load(cache, GlueTask.RTE, Split.DEV);
        assertEquals(3, dev.size());
        assertEquals("not_entailment", dev.get(0).label());
        assertTrue(err.toString().contains("rte/validation-00000-of-00001.parquet"), err.toString());

        out.getBuffer().setLength(0);
        assertEquals(0, run("fetch-glue", "--tasks", "RTE", "--dir", cache.toString(), "--base-url", hub.baseUrl(),
                "--manifest", manifest.toString()));
        assertEquals(List.of("cached", "cached"), outcomes(new ObjectMapper().readTree(out.toString())));
        assertEquals(2, hub.requests().size(), "the second run downloads nothing");
    }

    @Test
    void builtInManifestAsksForThePinnedRevisionAndRejectsWrongBytes() throws Exception {
        // Right sizes, wrong content: the built-in SHA-256 must catch it.
        hub.serve(BUILT_IN_PREFIX + "wnli/train-00000-of-00001.parquet", new byte[38835]);
        hub.serve(BUILT_IN_PREFIX + "wnli/validation-00000-of-00001.parquet", new byte[11067]);
        Path cache = tmp.resolve("cache");

        int code = run("fetch-glue", "--tasks", "WNLI", "--dir", cache.toString(), "--base-url", hub.baseUrl());

        assertEquals(1, code);
        assertEquals("", out.toString(), "no JSON when the fetch fails");
        assertTrue(err.toString().contains("dropgrid fetch-glue: checksum mismatch for " + hub.baseUrl()
                + BUILT_IN_PREFIX + "wnli/train-00000-of-00001.parquet: expected 38835 bytes with SHA-256 "
                + "40f4c0c60db68addeda8e9cbe25e6344cd99d5bbb80125535994a9a3141ee0a9"), err.toString());
        try (Stream<Path> left = Files.walk(cache)) {
            assertEquals(List.of(), left.filter(Files::isRegularFile).toList());
        }
    }

    @Test
    void unknownTaskIsAUsageErrorNamingTheAllowedTasks() {
        assertEquals(2, run("fetch-glue", "--tasks", "SQuAD", "--dir", tmp.toString(), "--base-url", hub.baseUrl()));
        assertTrue(err.toString().contains("unknown GLUE task 'SQuAD'; allowed: CoLA, SST-2"), err.toString());
        assertEquals(List.of(), hub.requests());
    }

    @Test
    void builtInManifestCoversTrainAndEveryDevSetOfEveryTask() {
        GlueManifest manifest = GlueManifest.builtIn();
        for (GlueTask task : GlueTask.values()) {
            List<String> paths = manifest.filesOf(List.of(task)).stream().map(GlueManifest.HubFile::path).toList();
            for (Split split : Stream.concat(Stream.of(Split.TRAIN), task.devSplits().stream()).toList()) {
                String expected = task.hfName() + "/" + task.hfSplit(split) + "-00000-of-00001.parquet";
                assertTrue(paths.contains(expected), task + " lacks " + expected + ": " + paths);
            }
        }
        assertEquals(19, manifest.files().size());
    }

    private int run(String... args) {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    /** Serves the fixture's Parquet files of one task and writes a manifest with their real checksums. */
    private Path manifestServing(String task, List<String> splits) throws Exception {
        StringBuilder files = new StringBuilder();
        for (String split : splits) {
            String path = task + "/" + split + "-00000-of-00001.parquet";
            byte[] bytes = firstShard(task, split);
            hub.serve("/datasets/test/glue/resolve/abc123/" + path, bytes);
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            files.append(files.length() == 0 ? "" : ",").append("{\"path\":\"").append(path)
                    .append("\",\"bytes\":").append(bytes.length).append(",\"sha256\":\"").append(sha).append("\"}");
        }
        Path manifest = tmp.resolve("manifest.json");
        Files.writeString(manifest, "{\"repository\":\"test/glue\",\"revision\":\"abc123\",\"note\":\"test\",\"files\":["
                + files + "]}");
        return manifest;
    }

    /** The first shard of a split in the Parquet fixture (RTE train has two; one is enough here). */
    private static byte[] firstShard(String task, String split) throws IOException, URISyntaxException {
        Path hf = Path.of(FetchGlueCommandTest.class.getResource("/glue/hf").toURI());
        try (Stream<Path> shards = Files.list(hf.resolve(task))) {
            Path first = shards.filter(p -> p.getFileName().toString().startsWith(split + "-")).sorted()
                    .findFirst().orElseThrow();
            return Files.readAllBytes(first);
        }
    }

    private static List<String> outcomes(JsonNode summary) {
        return summary.get("files").findValuesAsText("outcome");
    }
}
