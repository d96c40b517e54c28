package dropgrid.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dropgrid.cli.Main;
import dropgrid.report.ReportFixture;
import dropgrid.report.ReportRow;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Writes the report fixture as a results Parquet dataset with the schema of {@code docs/results-schema.md},
 * reads it back through {@link ResultsReader} and renders the report through {@code dropgrid report}.
 * The dataset stays in {@code target/report-it/results} so the notebooks can be run against it.
 */
class ResultsReaderTest {

    /** docs/results-schema.md, column by column. */
    static final StructType SCHEMA = new StructType(new StructField[] {
        field("run_name", DataTypes.StringType), field("cell_id", DataTypes.StringType),
        field("spec_hash", DataTypes.StringType), field("model_id", DataTypes.StringType),
        field("architecture", DataTypes.StringType), field("model_source", DataTypes.StringType),
        field("task", DataTypes.StringType), field("strategy", DataTypes.StringType),
        field("drop", DataTypes.IntegerType), field("drop_stage", DataTypes.StringType),
        field("freeze_dropped", DataTypes.BooleanType), field("pretrained_depth", DataTypes.IntegerType),
        field("kept_layers", DataTypes.createArrayType(DataTypes.IntegerType)),
        field("layer_scores", DataTypes.createArrayType(DataTypes.DoubleType)),
        field("drift_cls", DataTypes.createArrayType(DataTypes.DoubleType)),
        field("drift_tokens", DataTypes.createArrayType(DataTypes.DoubleType)),
        field("probe_scores", DataTypes.createArrayType(DataTypes.DoubleType)),
        field("strategy_options", DataTypes.StringType), field("seed", DataTypes.LongType),
        field("hp_learning_rate", DataTypes.DoubleType), field("hp_batch_size", DataTypes.IntegerType),
        field("hp_epochs", DataTypes.IntegerType), field("hp_max_seq_length", DataTypes.IntegerType),
        field("hp_warmup_ratio", DataTypes.DoubleType), field("hp_linear_decay", DataTypes.BooleanType),
        field("hp_weight_decay", DataTypes.DoubleType), field("hp_max_grad_norm", DataTypes.DoubleType),
        field("hp_dropout", DataTypes.DoubleType), field("hp_dynamic_padding", DataTypes.BooleanType),
        field("hp_length_grouping", DataTypes.BooleanType), field("limit_max_train_examples", DataTypes.IntegerType),
        field("limit_max_eval_examples", DataTypes.IntegerType), field("limit_max_steps", DataTypes.IntegerType),
        field("metric_accuracy", DataTypes.DoubleType), field("metric_accuracy_mismatched", DataTypes.DoubleType),
        field("metric_f1", DataTypes.DoubleType), field("metric_mcc", DataTypes.DoubleType),
        field("metric_pearson", DataTypes.DoubleType), field("metric_spearman", DataTypes.DoubleType),
        field("headline", DataTypes.DoubleType), field("baseline_headline", DataTypes.DoubleType),
        field("delta_headline", DataTypes.DoubleType), field("params_total", DataTypes.LongType),
        field("params_encoder", DataTypes.LongType), field("train_examples", DataTypes.IntegerType),
        field("train_steps", DataTypes.IntegerType), field("seq_length", DataTypes.IntegerType),
        field("eval_examples", DataTypes.IntegerType),
        field("finetune_seconds", DataTypes.DoubleType), field("eval_seconds", DataTypes.DoubleType),
        field("select_seconds", DataTypes.DoubleType), field("train_tokens_per_second", DataTypes.DoubleType),
        field("eval_examples_per_second", DataTypes.DoubleType), field("peak_heap_bytes", DataTypes.LongType),
        field("peak_rss_bytes", DataTypes.LongType), field("device", DataTypes.StringType),
        field("host", DataTypes.StringType), field("status", DataTypes.StringType),
        field("failure_reason", DataTypes.StringType), field("started_at", DataTypes.TimestampType),
        field("finished_at", DataTypes.TimestampType), field("dropgrid_version", DataTypes.StringType)});

    static final Path DIR = Path.of("target", "report-it");
    static SparkSession spark;

    private static StructField field(String name, DataType type) {
        return DataTypes.createStructField(name, type, true);
    }

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[1]").appName("results-reader-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "1").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** A row as the grid writes it: unknown numbers null, accuracy and Pearson in their metric columns. */
    static Row toRow(ReportRow r) {
        Double headline = Double.isNaN(r.headline()) ? null : r.headline();
        Timestamp at = Timestamp.from(Instant.parse("2026-11-24T12:00:00Z"));
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < r.pretrainedDepth() - r.drop(); i++) {
            kept.add(i);
        }
        return RowFactory.create("fixture", r.cellId(), "0123456789abcdef", r.modelId(), r.architecture(), "/models/" + r.modelId(),
                r.task(), r.strategy(), r.drop(), r.dropStage(), "finetuned".equals(r.dropStage()), r.pretrainedDepth(), kept,
                r.layerScores(), r.driftCls(), r.driftTokens(), r.probeScores(), "{}", r.seed(),
                2e-5, 32, 3, 128, 0.1, true, 0.01, 1.0, 0.1, true, false, r.limitMaxTrainExamples(), 0, r.limitMaxSteps(),
                nullable(r.accuracy()), null, null, null, nullable(r.pearson()), null, headline, null, null,
                Double.isNaN(r.paramsTotal()) ? null : (long) r.paramsTotal(), null, 100, 10, 128, 50,
                nullable(r.finetuneSeconds()), nullable(r.evalSeconds()), 0.0, null, null, 1L << 30, 2L << 30, "cpu()",
                "localhost", r.status(), r.failureReason(), at, at, "0.1.0");
    }

    private static Double nullable(double value) {
        return Double.isNaN(value) ? null : value;
    }

    static String writeFixture(Path dir, StructType schema, List<Row> rows) {
        String path = dir.toAbsolutePath().toString();
        spark.createDataFrame(rows, schema).coalesce(1).write().mode(SaveMode.Overwrite).parquet(path);
        return path;
    }

    @Test
    void parquetWrittenWithTheDocumentedSchemaReadsBackAsTheSameRows() {
        List<ReportRow> fixture = ReportFixture.rows();
        String path = writeFixture(DIR.resolve("results"), SCHEMA, fixture.stream().map(ResultsReaderTest::toRow).toList());
        List<ReportRow> read = new ArrayList<>(ResultsReader.read(path));
        // The failed row's stale headline is kept as written: the report, not the reader, refuses to average it.
        Comparator<ReportRow> byId = Comparator.comparing(ReportRow::cellId);
        read.sort(byId);
        List<ReportRow> expected = new ArrayList<>(fixture);
        expected.sort(byId);
        assertEquals(expected, read);
    }

    @Test
    void reportCommandWritesTablesFiguresAndPrintsJsonSummary() throws Exception {
        List<ReportRow> fixture = ReportFixture.rows();
        String path = writeFixture(DIR.resolve("results"), SCHEMA, fixture.stream().map(ResultsReaderTest::toRow).toList());
        Path out = DIR.resolve("report");
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(stdout)).setErr(new PrintWriter(stderr))
                .execute("report", path, "--out", out.toString());
        assertEquals(0, exit, stderr.toString());
        JsonNode summary = new ObjectMapper().readTree(stdout.toString());
        assertEquals(fixture.size(), summary.get("rows").asInt());
        assertEquals(1, summary.get("failed").asInt());
        assertEquals("00000000deadbeef", summary.get("failed_cells").get(0).get("cell_id").asText());
        assertEquals("xlnet / RTE", summary.get("missing_baselines").get(0).asText());

        for (String csv : List.of("strategy-by-k", "task-wise", "paper-strategy-by-k", "paper-task-wise", "seed-statistics",
                "layers-needed", "cost", "drop-after-finetune", "contribution-scores", "paper-check", "failed-cells")) {
            assertTrue(Files.size(out.resolve(csv + ".csv")) > 50, csv);
        }
        // The fixture measured no per-layer analyses: the table is its header.
        assertTrue(Files.readString(out.resolve("layer-analyses.csv")).startsWith("model,task,strategy,drop stage,K,seeds,measure"));
        assertTrue(Files.readString(out.resolve("report.md")).contains("| bert | top | pretrained | 6 | 6 | 74.25 | -3.25 | ✓ |"));
        String html = Files.readString(out.resolve("report.html"));
        Matcher images = Pattern.compile("<img src=\"(figures/[^\"]+\\.png)\"").matcher(html);
        List<String> pngs = new ArrayList<>();
        while (images.find()) {
            pngs.add(images.group(1));
        }
        // delta per model (2) + bert beside the paper + score per model and task (bert 3, xlnet 1) + bert similarity
        assertEquals(8, pngs.size(), pngs.toString());
        for (String png : pngs) {
            BufferedImage image = ImageIO.read(out.resolve(png).toFile());
            assertNotNull(image, png);
            assertTrue(image.getWidth() >= 960 && image.getHeight() >= 540, png + " " + image.getWidth() + "x" + image.getHeight());
            String svg = Files.readString(out.resolve(png.replace(".png", ".svg")));
            assertTrue(svg.startsWith("<?xml") && svg.contains("<svg"), png);
        }
        try (Stream<Path> files = Files.list(out.resolve("figures"))) {
            assertEquals(16, files.count());
        }
        assertEquals(summary.get("files").size(), 16 + 2 + 12);
    }

    @Test
    void resultsWithoutAHeadlineColumnAreRejectedNamingTheColumn() {
        List<StructField> fields = new ArrayList<>(List.of(SCHEMA.fields()));
        int headline = SCHEMA.fieldIndex("headline");
        fields.remove(headline);
        List<Row> rows = new ArrayList<>();
        for (ReportRow r : ReportFixture.rows().subList(0, 2)) {
            Row full = toRow(r);
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < full.size(); i++) {
                values.add(full.get(i));
            }
            values.remove(headline);
            rows.add(RowFactory.create(values.toArray()));
        }
        String path = writeFixture(DIR.resolve("no-headline"), new StructType(fields.toArray(StructField[]::new)), rows);
        StringWriter stderr = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(new StringWriter())).setErr(new PrintWriter(stderr))
                .execute("report", path, "--out", DIR.resolve("no-headline-report").toString());
        assertEquals(2, exit);
        assertTrue(stderr.toString().contains("lack column(s) [headline]"), stderr.toString());
    }
}
