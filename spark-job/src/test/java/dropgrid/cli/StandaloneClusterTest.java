package dropgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped smoke grid on a real cluster: a Spark standalone master and two workers, each a JVM of its
 * own (executors too), the driver started by spark-submit, and {@code kill -9} at the worst moments.
 * What a user needs: every cell exactly once in {@code results/} when a worker dies mid-grid, and a rerun
 * after the driver died that recomputes no committed cell. The counts go to
 * {@code target/fault-campaigns/cluster.txt}.
 */
class StandaloneClusterTest {

    static final String SMOKE = Path.of("../experiment-specs/smoke.yaml").toAbsolutePath().normalize().toString();
    static final String GLUE = Path.of(System.getProperty("dropgrid.glueDir")).toAbsolutePath().normalize().toString();
    static final int CELLS = 40;

    @TempDir static Path dir;
    static LocalCluster cluster;

    @BeforeAll
    static void startCluster() throws Exception {
        cluster = new LocalCluster(dir, 2);
    }

    @AfterAll
    static void stopCluster() throws InterruptedException {
        cluster.close();
    }

    static Process submit(String output, Path log) throws IOException {
        List<String> args = new ArrayList<>(cluster.submitConf());
        args.addAll(List.of("--class", "dropgrid.cli.Main", "spark-internal", "run", SMOKE, "--glue-dir", GLUE,
                "--output", output));
        return ChildJvm.start(List.of(), "org.apache.spark.deploy.SparkSubmit", args, Map.of(), log);
    }

    /** Committed cell files per cell id, from their names. */
    static Map<String, Integer> filesPerCell(String output) throws IOException {
        Map<String, Integer> files = new TreeMap<>();
        Path cells = Path.of(output, "cells");
        if (!Files.isDirectory(cells)) {
            return files;
        }
        try (Stream<Path> s = Files.list(cells)) {
            s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json") && !n.startsWith("_"))
                    .forEach(n -> files.merge(n.substring(0, 16), 1, Integer::sum));
        }
        return files;
    }

    static void awaitCommitted(String output, int cells, Process driver, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (filesPerCell(output).size() < cells) {
            assertTrue(driver.isAlive(), "the driver ended before " + cells + " cells were committed:\n"
                    + Files.readString(log));
            assertTrue(System.nanoTime() < deadline, "no " + cells + " committed cells in 10 minutes");
            Thread.sleep(100);
        }
    }

    static JsonNode summary(Path log) throws IOException {
        String line = Files.readAllLines(log).stream().filter(l -> l.startsWith("{\"run_name\"")).findFirst()
                .orElseThrow(() -> new AssertionError("no summary line in\n" + log));
        return JsonOutput.MAPPER.readTree(line);
    }

    /** Rows and distinct cell ids of {@code output/results}, and how many rows are ok. */
    static long[] results(String output) {
        SparkSession spark = SparkSession.builder().master("local[1]").appName("cluster-results")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            Dataset<Row> rows = spark.read().parquet(output + "/results");
            return new long[] {rows.count(), rows.select("cell_id").distinct().count(),
                rows.filter("status = 'ok'").count()};
        } finally {
            spark.stop();
        }
    }

    static void record(String line) throws IOException {
        Path file = Path.of("target", "fault-campaigns", "cluster.txt");
        Files.createDirectories(file.getParent());
        Files.writeString(file, line + "\n", java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    @Test
    void aWorkerKilledMidGridLeavesEveryCellExactlyOnceInTheResults() throws Exception {
        String output = dir.resolve("worker-killed").toString();
        Path log = dir.resolve("worker-killed.log");
        Process driver = submit(output, log);
        awaitCommitted(output, 8, driver, log);
        int committedAtKill = filesPerCell(output).size();
        cluster.killWorker(cluster.workers().get(0));
        assertEquals(0, driver.waitFor(10, TimeUnit.MINUTES) ? driver.exitValue() : -1, Files.readString(log));

        JsonNode s = summary(log);
        long[] results = results(output);
        Map<String, Integer> files = filesPerCell(output);
        int twice = (int) files.values().stream().filter(n -> n > 1).count();
        record("worker kill -9 after " + committedAtKill + " committed cells: run exit 0, ran " + s.get("ran")
                + ", ok " + s.get("ok") + ", failed " + s.get("failed") + "; results/ " + results[0] + " rows, "
                + results[1] + " distinct cells, " + results[2] + " ok; cell files " + files.values().stream()
                .mapToInt(Integer::intValue).sum() + " for " + files.size() + " cells (" + twice
                + " cells committed twice: their task was retried on the surviving worker)");
        assertEquals(CELLS, results[0]);
        assertEquals(CELLS, results[1]);
        assertEquals(CELLS, results[2]);
        assertEquals(CELLS, files.size());

        cluster.addWorker();
        cluster.awaitWorkers(2);
    }

    @Test
    void aRerunAfterTheDriverIsKilledRecomputesNoCommittedCell() throws Exception {
        String output = dir.resolve("driver-killed").toString();
        Path log = dir.resolve("driver-killed.log");
        Process driver = submit(output, log);
        awaitCommitted(output, 8, driver, log);
        driver.toHandle().destroyForcibly();
        driver.waitFor(30, TimeUnit.SECONDS);
        int atKill = filesPerCell(output).size();
        // The master stops the killed application's executors; one may still commit the cell it was on, so the
        // committed cells are counted once every executor JVM is gone.
        cluster.awaitNoApplication();
        cluster.awaitNoExecutors();
        Map<String, Integer> before = filesPerCell(output);

        Path rerunLog = dir.resolve("driver-killed-rerun.log");
        Process rerun = submit(output, rerunLog);
        assertEquals(0, rerun.waitFor(10, TimeUnit.MINUTES) ? rerun.exitValue() : -1, Files.readString(rerunLog));
        JsonNode s = summary(rerunLog);
        Map<String, Integer> after = filesPerCell(output);
        long recomputed = before.keySet().stream().filter(id -> !after.get(id).equals(before.get(id))).count();
        record("driver kill -9 after " + atKill + " committed cells (" + before.size() + " once its executors had"
                + " stopped): rerun exit 0, skipped " + s.get("skipped")
                + ", ran " + s.get("ran") + ", recomputed committed cells " + recomputed + "; " + after.size()
                + " cells committed in all");
        assertEquals(before.size(), s.get("skipped").asInt());
        assertEquals(CELLS - before.size(), s.get("ran").asInt());
        assertEquals(0, recomputed);
        assertEquals(CELLS, after.size());
        assertEquals(CELLS, s.get("rows").asInt());
    }
}
