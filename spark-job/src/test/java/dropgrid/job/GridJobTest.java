package dropgrid.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dropgrid.experiment.Grid;
import dropgrid.experiment.SpecReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The grid on Spark local[2] with fake runners: rows, schema, baselines, failures, resumption. */
class GridJobTest {

    static final Path SPEC = Path.of("src/test/resources/grid/smoke-grid.yaml");
    static final String GLUE = Path.of(System.getProperty("dropgrid.glueDir")).toAbsolutePath().normalize().toString();

    static SparkSession spark;

    @TempDir Path dir;

    @BeforeAll
    static void startSpark() {
        spark = SparkSession.builder().master("local[2]").appName("GridJobTest")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    Grid grid() {
        return SpecReader.load(SPEC.toString(), new Configuration(),
                Map.of("GLUE_DIR", GLUE, "OUTPUT", dir.resolve("out").toString()), SpecReader.Overrides.NONE);
    }

    static GridJob.Options runner(Class<?> runner) {
        return new GridJob.Options(null, false, false, runner.getName());
    }

    Dataset<Row> results(Grid grid) {
        return spark.read().parquet(GridJob.resultsDir(grid.output()));
    }

    static Map<String, Row> byLabel(Dataset<Row> results) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (Row r : results.collectAsList()) {
            String label = r.<String>getAs("task") + "/" + r.<String>getAs("strategy") + "/" + r.<Integer>getAs("drop");
            rows.put(label, r);
        }
        return rows;
    }

    List<Path> cellFiles(Grid grid) throws IOException {
        try (Stream<Path> files = Files.list(Path.of(grid.output(), "cells"))) {
            return files.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    @Test
    void smokeGridWritesOneRowPerCellWithKeptLayersAndBaselines() {
        Grid grid = grid();
        GridJob.Summary s = GridJob.run(spark, grid, runner(ScoringFakeRunner.class));
        // 2 strategies x 2 K x 2 tasks + one baseline per task.
        assertEquals(10, grid.cells().size());
        assertEquals(new GridJob.Summary("smoke-test", grid.output(), 10, 0, 10, 10, 0, 10,
                GridJob.resultsDir(grid.output()), s.seconds()), s);

        Dataset<Row> results = results(grid);
        assertEquals(10, results.count());
        assertEquals(10, results.select("cell_id").distinct().count());
        Map<String, Row> rows = byLabel(results);
        // The fake keeps layers by the static rule on the 4-layer model.
        assertEquals(List.of(0, 1, 2, 3), rows.get("RTE/none/0").getList(rows.get("RTE/none/0").fieldIndex("kept_layers")));
        assertEquals(List.of(0, 1, 2), rows.get("RTE/top/1").getList(rows.get("RTE/top/1").fieldIndex("kept_layers")));
        assertEquals(List.of(2, 3), rows.get("MRPC/bottom/2").getList(rows.get("MRPC/bottom/2").fieldIndex("kept_layers")));
        // RTE headline = accuracy x 100 = 50 + 2 x kept; MRPC headline = F1 x 100 = 60 + 2 x kept.
        assertEquals(58.0, rows.get("RTE/none/0").<Double>getAs("headline"), 1e-9);
        assertEquals(58.0, rows.get("RTE/none/0").<Double>getAs("baseline_headline"), 1e-9);
        assertEquals(0.0, rows.get("RTE/none/0").<Double>getAs("delta_headline"), 1e-9);
        assertEquals(56.0, rows.get("RTE/top/1").<Double>getAs("headline"), 1e-9);
        assertEquals(-2.0, rows.get("RTE/top/1").<Double>getAs("delta_headline"), 1e-9);
        assertEquals(68.0, rows.get("MRPC/bottom/2").<Double>getAs("baseline_headline"), 1e-9);
        assertEquals(64.0, rows.get("MRPC/bottom/2").<Double>getAs("headline"), 1e-9);
        assertEquals(-4.0, rows.get("MRPC/bottom/2").<Double>getAs("delta_headline"), 1e-9);
        assertEquals(0.54, rows.get("MRPC/bottom/2").<Double>getAs("metric_accuracy"), 1e-12);
        assertNull(rows.get("MRPC/bottom/2").getAs("metric_mcc"));
        Row top = rows.get("RTE/top/1");
        assertEquals("ok", top.getAs("status"));
        assertEquals("pretrained", top.getAs("drop_stage"));
        assertEquals(4, (int) top.<Integer>getAs("pretrained_depth"));
        assertEquals(16, (int) top.<Integer>getAs("train_examples"));
        assertEquals(grid.specHash(), top.getAs("spec_hash"));
        assertEquals("{}", top.getAs("strategy_options"));
        assertEquals("cpu()", top.getAs("device"));
        assertEquals(7L, (long) top.<Long>getAs("seed"));
        assertEquals(1, (int) top.<Integer>getAs("hp_epochs"));
        assertEquals("fp32", top.getAs("precision"));
        assertEquals(16, (int) top.<Integer>getAs("limit_max_train_examples"));
    }

    @Test
    void resultsSchemaIsTheDocumentedOne() {
        Grid grid = grid();
        GridJob.run(spark, grid, runner(ScoringFakeRunner.class));
        Map<String, String> written = new LinkedHashMap<>();
        for (StructField f : results(grid).schema().fields()) {
            written.put(f.name(), f.dataType().simpleString());
        }
        assertEquals(SchemaDoc.columns(), written);
        assertEquals(66, written.size());
    }

    @Test
    void throwingRunnerGivesAFailedRowAndTheGridGoesOn() throws IOException {
        Grid grid = grid();
        GridJob.Summary s = GridJob.run(spark, grid, runner(ThrowingFakeRunner.class));
        assertEquals(9, s.ok());
        assertEquals(1, s.failed());
        Map<String, Row> rows = byLabel(results(grid));
        Row failed = rows.get("MRPC/bottom/2");
        assertEquals("failed", failed.getAs("status"));
        assertEquals("java.lang.IllegalStateException: forced failure of bottom K=2 on MRPC", failed.getAs("failure_reason"));
        assertNull(failed.getAs("headline"));
        assertNull(failed.getAs("delta_headline"));
        assertNull(failed.getAs("pretrained_depth"));
        assertEquals(68.0, failed.<Double>getAs("baseline_headline"), 1e-9);
        assertEquals(9, rows.values().stream().filter(r -> r.getAs("status").equals("ok")).count());
        rows.values().stream().filter(r -> r.getAs("status").equals("ok"))
                .forEach(r -> assertEquals("", r.getAs("failure_reason")));

        // A plain rerun keeps the failed result; --rerun-failed reruns just that cell.
        assertEquals(0, GridJob.run(spark, grid, runner(ScoringFakeRunner.class)).ran());
        GridJob.Summary rerun = GridJob.run(spark, grid, new GridJob.Options(null, true, false,
                ScoringFakeRunner.class.getName()));
        assertEquals(1, rerun.ran());
        assertEquals(1, rerun.ok());
        assertEquals(11, cellFiles(grid).size());
        Dataset<Row> results = results(grid);
        assertEquals(10, results.count());
        assertEquals(10, results.filter("status = 'ok'").count());
        assertEquals(-4.0, byLabel(results).get("MRPC/bottom/2").<Double>getAs("delta_headline"), 1e-9);
    }

    @Test
    void resumeRecomputesExactlyTheDeletedCells() throws IOException {
        Grid grid = grid();
        GridJob.run(spark, grid, runner(ScoringFakeRunner.class));
        List<String> before = comparable(results(grid));
        List<Path> files = cellFiles(grid);
        assertEquals(10, files.size());
        for (int i = 0; i < files.size(); i += 2) {
            Files.delete(files.get(i));
        }
        GridJob.Summary s = GridJob.run(spark, grid, runner(ScoringFakeRunner.class));
        assertEquals(5, s.skipped());
        assertEquals(5, s.ran());
        assertEquals(10, cellFiles(grid).size());
        assertEquals(before, comparable(results(grid)));
        // Nothing left to do: a third run runs nothing and changes nothing.
        assertEquals(0, GridJob.run(spark, grid, runner(ScoringFakeRunner.class)).ran());
        assertEquals(before, comparable(results(grid)));
    }

    @Test
    void forceRerunsEveryCellAndKeepsOneRowEach() throws IOException {
        Grid grid = grid();
        GridJob.run(spark, grid, runner(ScoringFakeRunner.class));
        GridJob.Summary s = GridJob.run(spark, grid, new GridJob.Options(null, false, true, ScoringFakeRunner.class.getName()));
        assertEquals(10, s.ran());
        assertEquals(20, cellFiles(grid).size());
        assertEquals(10, results(grid).count());
    }

    @Test
    void missingRunnerClassFailsBeforeAnyCellRuns() {
        Grid grid = grid();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> GridJob.run(spark, grid, new GridJob.Options(null, false, false, "dropgrid.train.NoSuchRunner")));
        assertTrue(e.getMessage().startsWith("runner class 'dropgrid.train.NoSuchRunner' is not on the classpath"),
                e.getMessage());
        assertTrue(Files.notExists(Path.of(grid.output(), "cells")));
    }

    /** Rows as text without the wall-clock columns, sorted by cell id. */
    static List<String> comparable(Dataset<Row> results) {
        List<String> rows = new ArrayList<>();
        for (Row r : results.drop("started_at", "finished_at").orderBy("cell_id").collectAsList()) {
            rows.add(Arrays.toString(((org.apache.spark.sql.catalyst.expressions.GenericRow) r).values()));
        }
        return rows;
    }
}
