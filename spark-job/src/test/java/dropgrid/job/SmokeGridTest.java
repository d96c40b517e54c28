package dropgrid.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dropgrid.experiment.ExperimentSpec;
import dropgrid.experiment.Grid;
import dropgrid.experiment.SpecReader;
import dropgrid.train.FineTuneCellRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped smoke spec end to end: every architecture's smoke model (make_smoke_models.py) is dropped,
 * fine-tuned on real GLUE text and scored by the real {@link FineTuneCellRunner} on Spark local[2].
 */
class SmokeGridTest {

    static final Path SPEC = Path.of("../experiment-specs/smoke.yaml");
    static final String GLUE = Path.of(System.getProperty("dropgrid.glueDir")).toAbsolutePath().normalize().toString();

    /** Kept layers of a 4-layer model, by strategy and K, written out from the strategies' definitions. */
    static final Map<String, List<Integer>> KEPT = Map.of(
            "none/0", List.of(0, 1, 2, 3),
            "top/1", List.of(0, 1, 2),
            "top/2", List.of(0, 1),
            "bottom/1", List.of(1, 2, 3),
            "bottom/2", List.of(2, 3));

    static final Map<String, String> ARCHITECTURES = Map.of(
            "bert-smoke", "bert", "distilbert-smoke", "distilbert", "roberta-smoke", "roberta", "xlnet-smoke", "xlnet");

    @TempDir Path dir;

    @Test
    void smokeSpecRunsEveryArchitectureOnRealGlue() throws IOException {
        Grid grid = SpecReader.load(SPEC.toString(), new Configuration(), Map.of(),
                new SpecReader.Overrides(dir.resolve("out").toString(), GLUE));
        // Counted from the spec's own lists, not from Grid's expansion: per model, task and seed one cell per
        // strategy and K plus one baseline. Written out: 4 x 2 x 1 x (2 x 2 + 1) = 40.
        ExperimentSpec spec = SpecReader.parse(Files.readString(SPEC), SPEC.toString());
        int expected = spec.models().size() * spec.tasks().size() * spec.seeds().size()
                * (spec.strategies().size() * spec.drop().size() + 1);
        assertEquals(40, expected);

        SparkSession spark = SparkSession.builder().master("local[2]").appName("SmokeGridTest")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.shuffle.partitions", "2")
                .getOrCreate();
        List<Row> rows;
        Map<String, String> schema = new LinkedHashMap<>();
        try {
            GridJob.Summary s = GridJob.run(spark, grid,
                    new GridJob.Options(null, false, false, FineTuneCellRunner.class.getName()));
            assertEquals(expected, s.ran());
            assertEquals(expected, s.ok(), "failed cells: " + s.failed());
            var results = spark.read().parquet(GridJob.resultsDir(grid.output()));
            for (StructField f : results.schema().fields()) {
                schema.put(f.name(), f.dataType().simpleString());
            }
            rows = results.collectAsList();
        } finally {
            spark.stop();
        }
        assertEquals(SchemaDoc.columns(), schema);
        assertEquals(expected, rows.size());
        assertEquals(expected, rows.stream().map(r -> r.<String>getAs("cell_id")).distinct().count());

        Map<String, Double> baselines = new HashMap<>();
        for (Row r : rows) {
            if (r.<Integer>getAs("drop") == 0) {
                baselines.put(r.getAs("model_id") + "/" + r.getAs("task"), r.getAs("headline"));
            }
        }
        assertEquals(8, baselines.size());
        for (Row r : rows) {
            String label = r.getAs("model_id") + "/" + r.getAs("task") + "/" + r.getAs("strategy") + "/"
                    + r.getAs("drop");
            assertEquals("ok", r.getAs("status"), label + ": " + r.getAs("failure_reason"));
            assertEquals("", r.getAs("failure_reason"), label);
            assertEquals(ARCHITECTURES.get(r.<String>getAs("model_id")), r.getAs("architecture"), label);
            assertEquals(4, (int) r.<Integer>getAs("pretrained_depth"), label);
            assertEquals(KEPT.get(r.getAs("strategy") + "/" + r.getAs("drop")),
                    r.getList(r.fieldIndex("kept_layers")), label);
            // 32 train examples in batches of 8 is 4 steps, which is also max_steps.
            assertEquals(32, (int) r.<Integer>getAs("train_examples"), label);
            assertEquals(4, (int) r.<Integer>getAs("train_steps"), label);
            // max_seq_length 64 fits every smoke model's 130 positions (RoBERTa's 132 rows less pad id + 1).
            assertEquals(64, (int) r.<Integer>getAs("seq_length"), label);
            assertEquals(32, (int) r.<Integer>getAs("eval_examples"), label);

            double headline = r.getAs("headline");
            assertTrue(Double.isFinite(headline) && headline >= 0 && headline <= 100, label + ": " + headline);
            String metric = r.getAs("task").equals("RTE") ? "metric_accuracy" : "metric_f1";
            assertEquals(100 * r.<Double>getAs(metric), headline, 1e-9, label);
            double baseline = baselines.get(r.getAs("model_id") + "/" + r.getAs("task"));
            assertEquals(baseline, r.<Double>getAs("baseline_headline"), 1e-12, label);
            assertEquals(headline - baseline, r.<Double>getAs("delta_headline"), 1e-9, label);
        }
        for (String architecture : ARCHITECTURES.values()) {
            assertEquals(10, rows.stream().filter(r -> architecture.equals(r.getAs("architecture"))).count(),
                    architecture);
        }

        // BERT, counted from smoke/bert/config.json (vocab 4000, hidden 32, 130 positions, 2 types, FFN 64):
        // embeddings 132,288 + 8,544 per layer + pooler 1,056 + 2-class head 66.
        Map<String, Long> bertParams = new HashMap<>();
        rows.stream().filter(r -> r.getAs("model_id").equals("bert-smoke") && r.getAs("task").equals("RTE"))
                .forEach(r -> bertParams.put(r.getAs("strategy") + "/" + r.getAs("drop"),
                        r.<Long>getAs("params_total")));
        assertEquals(Map.of("none/0", 167_586L, "top/1", 159_042L, "top/2", 150_498L, "bottom/1", 159_042L,
                "bottom/2", 150_498L), bertParams);
    }
}
