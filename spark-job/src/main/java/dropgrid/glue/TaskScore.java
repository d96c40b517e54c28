package dropgrid.glue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A task's official metrics on its dev set(s), as fractions under the names of the results schema
 * without the {@code metric_} prefix ({@code accuracy}, {@code accuracy_mismatched}, {@code f1}, {@code
 * mcc}, {@code pearson}, {@code spearman}), and the headline on the paper's 0–100 scale.
 *
 * <p>MNLI is scored per dev set and the two scores are joined with {@link #plus}: its matched set gives
 * {@code accuracy} (the headline), the mismatched one {@code accuracy_mismatched}.
 *
 * @param task the task scored
 * @param metrics metric name to value, in {@link GlueTask#metrics()} order
 */
public record TaskScore(GlueTask task, Map<String, Double> metrics) {

    public TaskScore {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /**
     * Scores a classification dev set.
     *
     * @param predicted predicted class indices into {@link GlueTask#labels()}
     * @param gold gold class indices, same order
     */
    public static TaskScore of(GlueTask task, Split split, int[] predicted, int[] gold) {
        if (task.isRegression()) {
            throw new IllegalArgumentException(task.dirName() + " is a regression task: score it with real-valued"
                    + " predictions, not class indices");
        }
        for (int i = 0; i < gold.length; i++) {
            checkClass(task, "gold label", i, gold[i]);
            if (i < predicted.length) {
                checkClass(task, "prediction", i, predicted[i]);
            }
        }
        Map<String, Double> values = new LinkedHashMap<>();
        for (String metric : baseMetrics(task)) {
            double value = switch (metric) {
                case "accuracy" -> Metrics.accuracy(predicted, gold);
                case "f1" -> Metrics.f1(predicted, gold);
                case "mcc" -> Metrics.mcc(predicted, gold);
                default -> throw new IllegalStateException(task + " lists metric " + metric
                        + " that classification scoring does not know");
            };
            values.put(task.metricName(metric, split), value);
        }
        return new TaskScore(task, values);
    }

    /** Scores predicted class indices against the gold labels of {@code examples}. */
    public static TaskScore of(GlueTask task, Split split, int[] predicted, List<Example> examples) {
        int[] gold = new int[examples.size()];
        for (int i = 0; i < gold.length; i++) {
            gold[i] = task.labelIndex(examples.get(i).label());
        }
        return of(task, split, predicted, gold);
    }

    /** Scores predicted similarities against the gold scores of STS-B {@code examples}. */
    public static TaskScore of(GlueTask task, Split split, double[] predicted, List<Example> examples) {
        return of(task, split, predicted, examples.stream().mapToDouble(Example::score).toArray());
    }

    /** Scores the regression task STS-B from predicted and gold similarity scores. */
    public static TaskScore of(GlueTask task, Split split, double[] predicted, double[] gold) {
        if (!task.isRegression()) {
            throw new IllegalArgumentException(task.dirName() + " is a classification task: score it with class"
                    + " indices, not real-valued predictions");
        }
        Map<String, Double> values = new LinkedHashMap<>();
        for (String metric : baseMetrics(task)) {
            double value = switch (metric) {
                case "pearson" -> Metrics.pearson(predicted, gold);
                case "spearman" -> Metrics.spearman(predicted, gold);
                default -> throw new IllegalStateException(task + " lists metric " + metric
                        + " that regression scoring does not know");
            };
            values.put(task.metricName(metric, split), value);
        }
        return new TaskScore(task, values);
    }

    /** Joins the scores of two dev sets of the same task (MNLI matched and mismatched). */
    public TaskScore plus(TaskScore other) {
        if (other.task != task) {
            throw new IllegalArgumentException("cannot join scores of " + task.dirName() + " and "
                    + other.task.dirName());
        }
        Map<String, Double> joined = new LinkedHashMap<>();
        for (String metric : task.metrics()) {
            Double value = metrics.containsKey(metric) ? metrics.get(metric) : other.metrics.get(metric);
            if (value != null) {
                joined.put(metric, value);
            }
        }
        return new TaskScore(task, joined);
    }

    /** The headline metric ×100 (GLUE points, as in the paper's tables). */
    public double headline() {
        Double value = metrics.get(task.headline());
        if (value == null) {
            throw new IllegalStateException(task.dirName() + " score has no headline metric " + task.headline()
                    + " (has " + metrics.keySet() + "); the headline comes from the matched dev set");
        }
        return 100.0 * value;
    }

    /**
     * The values under the results schema's column names: {@code metric_<name>} as fractions for every
     * metric present, plus {@code headline} on the 0–100 scale.
     */
    public Map<String, Double> columns() {
        Map<String, Double> out = new LinkedHashMap<>();
        metrics.forEach((name, value) -> out.put("metric_" + name, value));
        out.put("headline", headline());
        return out;
    }

    private static List<String> baseMetrics(GlueTask task) {
        return task.metrics().stream().filter(m -> !m.endsWith("_mismatched")).toList();
    }

    private static void checkClass(GlueTask task, String what, int position, int value) {
        if (value < 0 || value >= task.numOutputs()) {
            throw new IllegalArgumentException(task.dirName() + " " + what + " " + value + " at position " + position
                    + " is not a class index; allowed: 0.." + (task.numOutputs() - 1) + " (" + task.labels() + ")");
        }
    }
}
