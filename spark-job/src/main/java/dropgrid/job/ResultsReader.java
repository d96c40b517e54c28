package dropgrid.job;

import dropgrid.report.ReportRow;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads a results Parquet dataset ({@code docs/results-schema.md}) into the report's projection of
 * its rows ({@link ReportRow}), from a local directory or an {@code s3a://} prefix. One row per cell is
 * small data: it is collected to the driver.
 */
public final class ResultsReader {

    /** The columns the report's projection reads; a dataset without one of them cannot be reported. */
    static final List<String> REPORT_COLUMNS = List.of("cell_id", "model_id", "architecture", "task", "strategy",
            "drop", "drop_stage", "pretrained_depth", "layer_scores", "seed", "limit_max_train_examples",
            "limit_max_steps", "headline", "metric_accuracy", "metric_pearson", "params_total", "finetune_seconds",
            "eval_seconds", "status", "failure_reason", "drift_cls", "drift_tokens", "probe_scores");

    static {
        REPORT_COLUMNS.forEach(ResultColumns::named);
    }

    private ResultsReader() {}

    /**
     * Reads with the active Spark session, or a local one that is stopped afterwards. A master set by
     * {@code spark-submit} wins; run by hand, the reader uses {@code local[*]}.
     */
    public static List<ReportRow> read(String path) {
        requireDataset(path);
        if (SparkSession.getActiveSession().isDefined()) {
            return read(SparkSession.getActiveSession().get(), path);
        }
        SparkConf conf = new SparkConf().setAppName("dropgrid-report");
        conf.setIfMissing("spark.master", "local[*]");
        conf.setIfMissing("spark.ui.enabled", "false");
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        try {
            return read(spark, path);
        } finally {
            spark.stop();
        }
    }

    /** Fails, before Spark starts, for a path that holds no results dataset, saying what it holds instead. */
    private static void requireDataset(String path) {
        try {
            Path dir = new Path(path);
            FileSystem fs = dir.getFileSystem(HadoopConf.fromSystemProperties());
            if (!fs.exists(dir)) {
                throw new IllegalArgumentException("results " + path + " does not exist; give the results/"
                        + " directory of a run's output (OUTPUT/results)");
            }
            if (fs.getFileStatus(dir).isDirectory() && fs.exists(new Path(dir, "results"))
                    && fs.exists(new Path(dir, "cells"))) {
                throw new IllegalArgumentException(path + " is a run's output, not its results; give "
                        + new Path(dir, "results"));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read results " + path + ": " + e.getMessage(), e);
        }
    }

    public static List<ReportRow> read(SparkSession spark, String path) {
        Dataset<Row> results;
        try {
            results = spark.read().parquet(path);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot read results Parquet at " + path + ": " + e.getMessage(), e);
        }
        Set<String> missing = new TreeSet<>(REPORT_COLUMNS);
        Arrays.asList(results.columns()).forEach(missing::remove);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("results at " + path + " lack column(s) " + missing
                    + " (see docs/results-schema.md)");
        }
        List<ReportRow> rows = new ArrayList<>();
        for (Row row : results.collectAsList()) {
            ResultRow r;
            try {
                r = ResultTable.fromRow(row);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("results at " + path + ": " + e.getMessage(), e);
            }
            rows.add(project(r, path));
        }
        return rows;
    }

    /** The report's view of a row: unknown numbers become NaN, never 0. */
    static ReportRow project(ResultRow r, String path) {
        String at = "results at " + path + ", cell " + r.cellId() + ": column ";
        return new ReportRow(r.cellId(), r.modelId(), r.architecture(), r.task(), r.strategy(),
                required(r.drop(), at + "drop"), r.dropStage() == null ? null : r.dropStage().id(),
                r.pretrainedDepth() == null ? 0 : r.pretrainedDepth(), nanForNull(r.layerScores()),
                required(r.seed(), at + "seed"), required(r.limitMaxTrainExamples(), at + "limit_max_train_examples"),
                required(r.limitMaxSteps(), at + "limit_max_steps"), number(r.headline()),
                number(r.metricAccuracy()), number(r.metricPearson()), number(r.paramsTotal()),
                number(r.finetuneSeconds()), number(r.evalSeconds()), r.status() == null ? null : r.status().id(),
                r.failureReason(), nanForNull(r.driftCls()), nanForNull(r.driftTokens()), nanForNull(r.probeScores()));
    }

    private static <T extends Number> T required(T value, String column) {
        if (value == null) {
            throw new IllegalArgumentException(column + " is null; it must hold an integer");
        }
        return value;
    }

    private static double number(Number v) {
        return v == null ? Double.NaN : v.doubleValue();
    }

    private static List<Double> nanForNull(List<Double> values) {
        return values.stream().map(v -> v == null ? Double.NaN : v).toList();
    }
}
