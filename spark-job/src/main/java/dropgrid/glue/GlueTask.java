package dropgrid.glue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The nine GLUE tasks as data: directory name, label set (empty = regression), the official metrics
 * and the headline metric used when averaging over tasks.
 */
public enum GlueTask {
    COLA("CoLA", List.of("0", "1"), List.of("mcc"), "mcc"),
    SST2("SST-2", List.of("0", "1"), List.of("accuracy"), "accuracy"),
    MRPC("MRPC", List.of("0", "1"), List.of("f1", "accuracy"), "f1"),
    STSB("STS-B", List.of(), List.of("pearson", "spearman"), "pearson"),
    QQP("QQP", List.of("0", "1"), List.of("f1", "accuracy"), "f1"),
    MNLI("MNLI", List.of("contradiction", "entailment", "neutral"), List.of("accuracy", "accuracy_mismatched"),
            "accuracy"),
    QNLI("QNLI", List.of("entailment", "not_entailment"), List.of("accuracy"), "accuracy"),
    RTE("RTE", List.of("entailment", "not_entailment"), List.of("accuracy"), "accuracy"),
    WNLI("WNLI", List.of("0", "1"), List.of("accuracy"), "accuracy");

    private final String dirName;
    private final List<String> labels;
    private final List<String> metrics;
    private final String headline;

    GlueTask(String dirName, List<String> labels, List<String> metrics, String headline) {
        this.dirName = dirName;
        this.labels = labels;
        this.metrics = metrics;
        this.headline = headline;
    }

    /** The task's name as GLUE spells it and its directory under the GLUE root ({@code SST-2}). */
    public String dirName() {
        return dirName;
    }

    /** Class labels in index order; empty for the regression task STS-B. */
    public List<String> labels() {
        return labels;
    }

    public boolean isRegression() {
        return labels.isEmpty();
    }

    /** Outputs of the task head: the number of classes, or 1 for regression. */
    public int numOutputs() {
        return isRegression() ? 1 : labels.size();
    }

    /** The official metrics, headline first. */
    public List<String> metrics() {
        return metrics;
    }

    /** The one metric used for the task in cross-task averages. */
    public String headline() {
        return headline;
    }

    /** Parses a task name case-insensitively, with or without the dash ({@code sst-2}, {@code SST2}). */
    public static GlueTask parse(String name) {
        String wanted = name.replace("-", "").toUpperCase(java.util.Locale.ROOT);
        for (GlueTask t : values()) {
            if (t.name().equals(wanted)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown GLUE task '" + name + "'; allowed: "
                + Arrays.stream(values()).map(GlueTask::dirName).collect(Collectors.joining(", ")));
    }
}
