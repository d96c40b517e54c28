package dropgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dropgrid.job.ResultFiles;
import dropgrid.job.ResultRow;
import dropgrid.job.ScoringFakeRunner;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The grid against an S3 that misbehaves as S3 does under load: moto answering a seeded share of
 * requests with 503 SlowDown, closing the connection without an answer, or answering a second late.
 * Every cell must end up committed exactly once and ok, the results dataset complete, no cell file set
 * aside. The quick size runs in CI; {@code -Ddropgrid.faults.full=true} runs four seeds (40 cells) at
 * twice the fault rate. Counts go to {@code target/fault-campaigns/s3.txt}.
 */
class S3FaultsTest {

    static final String BUCKET = "dropgrid-faults";

    @TempDir Path dir;

    @Test
    void aGridOnAnUnreliableS3CompletesWithNothingLost() throws Exception {
        boolean full = Boolean.getBoolean("dropgrid.faults.full");
        String faults = full ? "503=0.16,drop=0.06,slow=0.06" : "503=0.08,drop=0.03,slow=0.03";
        String seeds = full ? "[7, 8, 9, 10]" : "[7]";
        int cells = full ? 40 : 10;
        try (MotoS3 s3 = new MotoS3(dir, BUCKET, faults, 20)) {
            Configuration conf = s3.conf();
            FileSystem fs = FileSystem.newInstance(URI.create("s3a://" + BUCKET + "/"), conf);
            S3GridTest.upload(fs, BUCKET, seeds);
            Map<String, Long> atStart = s3.injected();

            List<String> args = new ArrayList<>(List.of("--master", "local[2,4]", "--conf", "spark.ui.enabled=false"));
            s3.s3aSettings().forEach((k, v) -> args.addAll(List.of("--conf", "spark.hadoop." + k + "=" + v)));
            args.addAll(List.of("--class", "dropgrid.cli.Main", "spark-internal", "run",
                    "s3a://" + BUCKET + "/specs/smoke.yaml", "--runner", ScoringFakeRunner.class.getName()));
            Path log = dir.resolve("submit.log");
            Process p = ChildJvm.start(List.of(), "org.apache.spark.deploy.SparkSubmit", args,
                    Map.of("AWS_ACCESS_KEY_ID", MotoS3.ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", MotoS3.SECRET), log);
            int exit = p.waitFor();
            String output = Files.readString(log);
            assertEquals(0, exit, output);
            JsonNode summary = JsonOutput.MAPPER.readTree(output.lines().filter(l -> l.startsWith("{\"run_name\""))
                    .findFirst().orElseThrow(() -> new AssertionError("no summary line in\n" + output)));
            Map<String, Long> during = s3.injected();

            ResultFiles files = new ResultFiles("s3a://" + BUCKET + "/out", conf);
            ResultFiles.Committed committed = files.read(false);
            Map<String, ResultRow> latest = files.latest();
            long ok = latest.values().stream().filter(ResultRow::ok).count();
            String counts = "faults injected during the run " + minus(during, atStart) + " (set-up " + atStart
                    + "); cells " + cells + ": ran " + summary.get("ran") + ", ok " + summary.get("ok") + ", failed "
                    + summary.get("failed") + "; committed files " + committed.rows().size() + ", distinct cells "
                    + latest.size() + ", ok " + ok + ", set aside " + committed.setAside().size() + "; result rows "
                    + summary.get("rows");
            Path record = Path.of("target", "fault-campaigns", "s3.txt");
            Files.createDirectories(record.getParent());
            Files.writeString(record, (full ? "full: " : "quick: ") + counts + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);

            assertTrue(during.values().stream().mapToLong(Long::longValue).sum()
                    > atStart.values().stream().mapToLong(Long::longValue).sum(), "no fault was injected: " + counts);
            assertEquals(cells, summary.get("ok").asInt(), counts);
            assertEquals(cells, summary.get("rows").asInt(), counts);
            assertEquals(cells, latest.size(), counts);
            assertEquals(cells, ok, counts);
            assertEquals(0, committed.setAside().size(), counts);
        }
    }

    private static Map<String, Long> minus(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> d = new java.util.TreeMap<>();
        a.forEach((k, v) -> d.put(k, v - b.getOrDefault(k, 0L)));
        return d;
    }
}
