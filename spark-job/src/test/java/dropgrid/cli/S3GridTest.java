package dropgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dropgrid.job.ResultFiles;
import dropgrid.job.ResultRow;
import dropgrid.job.ScoringFakeRunner;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grid against a real S3-compatible server (moto, started here on 127.0.0.1): spec, model and
 * GLUE read from s3a://, cell files and results written there, credentials only in the environment
 * and never in logs or results.
 */
class S3GridTest {

    static final String BUCKET = "dropgrid-test";
    static final String ACCESS_KEY = "AKIADROPGRIDTEST0001";
    static final String SECRET = "dropgrid-test-secret-7f3a9c0e51b24d68";
    static final Path GLUE = Path.of(System.getProperty("dropgrid.glueDir")).toAbsolutePath().normalize();

    static Process moto;
    static int port;

    @TempDir static Path dir;

    @BeforeAll
    static void startS3() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        moto = new ProcessBuilder(System.getProperty("dropgrid.python", "python3"), "src/test/python/moto_s3_server.py", "-H",
                "127.0.0.1", "-p", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(dir.resolve("moto.log").toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/" + BUCKET))
                        .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    break;
                }
                throw new IllegalStateException("creating the bucket answered " + r.statusCode() + ": " + r.body());
            } catch (IOException notYetUp) {
                if (!moto.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("moto server did not start:\n"
                            + Files.readString(dir.resolve("moto.log")), notYetUp);
                }
                Thread.sleep(200);
            }
        }
    }

    @AfterAll
    static void stopS3() throws InterruptedException {
        moto.destroy();
        moto.waitFor();
    }

    static String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    static Map<String, String> s3aSettings() {
        return Map.of("fs.s3a.endpoint", endpoint(), "fs.s3a.path.style.access", "true",
                "fs.s3a.connection.ssl.enabled", "false", "fs.s3a.endpoint.region", "us-east-1",
                "fs.s3a.attempts.maximum", "2", "fs.s3a.retry.limit", "2");
    }

    static Configuration conf() {
        Configuration c = new Configuration();
        s3aSettings().forEach(c::set);
        c.set("fs.s3a.access.key", ACCESS_KEY);
        c.set("fs.s3a.secret.key", SECRET);
        return c;
    }

    @Test
    void gridReadsAndWritesS3WithoutLeakingTheSecret() throws Exception {
        Configuration conf = conf();
        FileSystem s3 = FileSystem.get(URI.create("s3a://" + BUCKET + "/"), conf);
        for (String task : List.of("RTE", "MRPC")) {
            for (String file : List.of("train.tsv", "dev.tsv")) {
                s3.copyFromLocalFile(new org.apache.hadoop.fs.Path(GLUE.resolve(task).resolve(file).toUri()),
                        new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/glue/" + task + "/" + file));
            }
        }
        s3.copyFromLocalFile(new org.apache.hadoop.fs.Path(
                Path.of("src/test/resources/grid/models/tiny-bert/config.json").toAbsolutePath().toUri()),
                new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/models/tiny-bert/config.json"));
        try (var out = s3.create(new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/specs/smoke.yaml"))) {
            out.write(("""
                    name: smoke-s3
                    output: s3a://%1$s/out
                    glue_dir: s3a://%1$s/glue
                    models:
                      - {id: tiny-bert, architecture: bert, source: s3a://%1$s/models/tiny-bert, layers: 4}
                    strategies: [top, bottom]
                    drop: [1, 2]
                    tasks: [RTE, MRPC]
                    seeds: [7]
                    limits: {max_train_examples: 16, max_eval_examples: 8}
                    """).formatted(BUCKET).getBytes(StandardCharsets.UTF_8));
        }

        List<String> args = new ArrayList<>(List.of("--master", "local[2]", "--conf", "spark.ui.enabled=false"));
        s3aSettings().forEach((k, v) -> args.addAll(List.of("--conf", "spark.hadoop." + k + "=" + v)));
        args.addAll(List.of("--class", "dropgrid.cli.Main", "spark-internal", "run", "s3a://" + BUCKET + "/specs/smoke.yaml",
                "--runner", ScoringFakeRunner.class.getName()));
        Path log = dir.resolve("submit.log");
        Process p = ChildJvm.start(List.of(), "org.apache.spark.deploy.SparkSubmit", args,
                Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET), log);
        assertEquals(0, p.waitFor(), Files.readString(log));
        String output = Files.readString(log);
        JsonNode summary = JsonOutput.MAPPER.readTree(output.lines().filter(l -> l.startsWith("{\"run_name\""))
                .findFirst().orElseThrow(() -> new AssertionError("no summary line")));
        assertEquals(10, summary.get("ok").asInt());
        assertEquals(10, summary.get("rows").asInt());
        assertFalse(output.contains(SECRET), "the secret appears in the driver's output");

        ResultFiles files = new ResultFiles("s3a://" + BUCKET + "/out", conf);
        Map<String, ResultRow> rows = files.latest();
        assertEquals(10, rows.size());
        // The fake runner read config.json and train.tsv from the executor's local copies of the S3 inputs.
        rows.values().forEach(r -> assertEquals(4, (int) r.pretrainedDepth()));
        rows.values().forEach(r -> assertEquals("s3a://" + BUCKET + "/models/tiny-bert", r.modelSource()));

        int parquetFiles = 0;
        RemoteIterator<LocatedFileStatus> all = s3.listFiles(new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/out"), true);
        while (all.hasNext()) {
            LocatedFileStatus f = all.next();
            parquetFiles += f.getPath().getName().endsWith(".parquet") ? 1 : 0;
            try (InputStream in = s3.open(f.getPath())) {
                assertFalse(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).contains(SECRET),
                        "the secret appears in " + f.getPath());
            }
        }
        assertEquals(1, parquetFiles);
    }
}
