package dropgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dropgrid.job.GridStatus;
import dropgrid.job.OutputLock;
import dropgrid.job.ResultFiles;
import dropgrid.job.ResultRow;
import dropgrid.job.ScoringFakeRunner;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
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
    static final String ACCESS_KEY = MotoS3.ACCESS_KEY;
    static final String SECRET = MotoS3.SECRET;
    static final Path GLUE = Path.of(System.getProperty("dropgrid.glueDir")).toAbsolutePath().normalize();

    static MotoS3 moto;

    @TempDir static Path dir;

    @BeforeAll
    static void startS3() throws Exception {
        moto = new MotoS3(dir, BUCKET, "", 2);
    }

    @AfterAll
    static void stopS3() throws InterruptedException {
        moto.close();
    }

    static Map<String, String> s3aSettings() {
        return moto.s3aSettings();
    }

    static Configuration conf() {
        return moto.conf();
    }

    /** GLUE's RTE and MRPC, the tiny model's config and a 10-cell spec writing to {@code s3a://<bucket>/out}. */
    static void upload(FileSystem s3, String bucket, String seeds) throws IOException {
        for (String task : List.of("RTE", "MRPC")) {
            for (String file : List.of("train.tsv", "dev.tsv")) {
                s3.copyFromLocalFile(new org.apache.hadoop.fs.Path(GLUE.resolve(task).resolve(file).toUri()),
                        new org.apache.hadoop.fs.Path("s3a://" + bucket + "/glue/" + task + "/" + file));
            }
        }
        s3.copyFromLocalFile(new org.apache.hadoop.fs.Path(
                Path.of("src/test/resources/grid/models/tiny-bert/config.json").toAbsolutePath().toUri()),
                new org.apache.hadoop.fs.Path("s3a://" + bucket + "/models/tiny-bert/config.json"));
        try (var out = s3.create(new org.apache.hadoop.fs.Path("s3a://" + bucket + "/specs/smoke.yaml"))) {
            out.write(("""
                    name: smoke-s3
                    output: s3a://%1$s/out
                    glue_dir: s3a://%1$s/glue
                    models:
                      - {id: tiny-bert, architecture: bert, source: s3a://%1$s/models/tiny-bert, layers: 4}
                    strategies: [top, bottom]
                    drop: [1, 2]
                    tasks: [RTE, MRPC]
                    seeds: %2$s
                    limits: {max_train_examples: 16, max_eval_examples: 8}
                    """).formatted(bucket, seeds).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void gridReadsAndWritesS3WithoutLeakingTheSecret() throws Exception {
        Configuration conf = conf();
        FileSystem s3 = FileSystem.get(URI.create("s3a://" + BUCKET + "/"), conf);
        upload(s3, BUCKET, "[7]");

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

        // Another shell's view of the same output, read from S3.
        GridStatus status = GridStatus.read("s3a://" + BUCKET + "/out", conf);
        assertEquals(10, status.run().toRun());
        assertEquals(10, status.run().ok());
        assertEquals(10, status.cells().size());
        assertEquals(null, status.driver());
    }

    @Test
    void aLeaseOnS3NamesItsHolderAndIsTakenOverOnlyOnceItsHeartbeatIsStale() throws Exception {
        String output = "s3a://" + BUCKET + "/leased";
        System.setProperty("dropgrid.lock.settleMillis", "100");
        try (OutputLock first = OutputLock.acquire(output, conf(), "run first")) {
            OutputLock.BusyException busy = assertThrows(OutputLock.BusyException.class,
                    () -> OutputLock.acquire(output, conf(), "run second"));
            assertTrue(busy.getMessage().startsWith(output + " is in use by dropgrid run first (pid "
                    + ProcessHandle.current().pid()), busy.getMessage());
            assertEquals("run first", OutputLock.holder(output, conf()).command());

            // A driver that stopped beating (killed, partitioned) loses the lease once it is stale.
            System.setProperty("dropgrid.lock.staleSeconds", "1");
            Thread.sleep(1500);
            try (OutputLock second = OutputLock.acquire(output, conf(), "run second")) {
                assertEquals("run second", OutputLock.holder(output, conf()).command());
            }
        } finally {
            System.clearProperty("dropgrid.lock.staleSeconds");
            System.clearProperty("dropgrid.lock.settleMillis");
        }
        assertEquals(null, OutputLock.holder(output, conf()));
    }
}
