package dropgrid.job;

import dropgrid.report.ResultRow;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads a results Parquet dataset ({@code docs/results-schema.md}) into {@link ResultRow}s for the
 * report, from a local directory or an {@code s3a://} prefix. One row per cell is small data: it is
 * collected to the driver.
 */
public final class ResultsReader {

    static final List<String> REQUIRED_COLUMNS = List.of("cell_id", "model_id", "architecture", "task", "strategy",
            "drop", "drop_stage", "pretrained_depth", "layer_scores", "seed", "limit_max_train_examples",
            "limit_max_steps", "headline", "metric_accuracy", "metric_pearson", "params_total", "finetune_seconds",
            "eval_seconds", "status", "failure_reason");

    private ResultsReader() {}

    /**
     * Reads with the active Spark session, or a local one that is stopped afterwards. A master set by
     * {@code spark-submit} wins; run by hand, the reader uses {@code local[*]}.
     */
    public static List<ResultRow> read(String path) {
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

    public static List<ResultRow> read(SparkSession spark, String path) {
        Dataset<Row> results;
        try {
            results = spark.read().parquet(path);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot read results Parquet at " + path + ": " + e.getMessage(), e);
        }
        Set<String> missing = new TreeSet<>(REQUIRED_COLUMNS);
        Arrays.asList(results.columns()).forEach(missing::remove);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("results at " + path + " lack column(s) " + missing
                    + " (see docs/results-schema.md)");
        }
        List<ResultRow> rows = new ArrayList<>();
        for (Row row : results.select(REQUIRED_COLUMNS.get(0), REQUIRED_COLUMNS.subList(1, REQUIRED_COLUMNS.size())
                .toArray(String[]::new)).collectAsList()) {
            rows.add(toResultRow(row, path));
        }
        return rows;
    }

    static ResultRow toResultRow(Row row, String path) {
        String cellId = row.getAs("cell_id");
        return new ResultRow(cellId, row.getAs("model_id"), row.getAs("architecture"), row.getAs("task"),
                row.getAs("strategy"), integer(row, "drop", cellId, path), row.getAs("drop_stage"),
                row.isNullAt(row.fieldIndex("pretrained_depth")) ? 0 : integer(row, "pretrained_depth", cellId, path),
                doubles(row, "layer_scores"), ((Number) row.getAs("seed")).longValue(),
                integer(row, "limit_max_train_examples", cellId, path), integer(row, "limit_max_steps", cellId, path),
                number(row, "headline"), number(row, "metric_accuracy"), number(row, "metric_pearson"),
                number(row, "params_total"), number(row, "finetune_seconds"),
                number(row, "eval_seconds"), row.getAs("status"), row.getAs("failure_reason"));
    }

    private static int integer(Row row, String column, String cellId, String path) {
        int i = row.fieldIndex(column);
        if (row.isNullAt(i)) {
            throw new IllegalArgumentException("results at " + path + ", cell " + cellId + ": column " + column
                    + " is null; it must hold an integer");
        }
        return ((Number) row.get(i)).intValue();
    }

    /** Null is an unknown measurement and becomes NaN, never 0. */
    private static double number(Row row, String column) {
        int i = row.fieldIndex(column);
        return row.isNullAt(i) ? Double.NaN : ((Number) row.get(i)).doubleValue();
    }

    private static List<Double> doubles(Row row, String column) {
        int i = row.fieldIndex(column);
        if (row.isNullAt(i)) {
            return List.of();
        }
        List<Object> values = row.getList(i);
        return values.stream().map(v -> v == null ? Double.NaN : ((Number) v).doubleValue()).toList();
    }
}
