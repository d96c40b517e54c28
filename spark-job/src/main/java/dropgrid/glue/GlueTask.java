package dropgrid.glue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The nine GLUE tasks as data: where their files are, which columns hold text and label, the label set
 * (empty = regression), the official metrics and the headline metric used when averaging over tasks.
 *
 * <p>Two on-disk layouts are described here. The TSV layout is the one {@code download_glue_data.py}
 * writes ({@code <TASK>/train.tsv}, {@code dev.tsv}; MNLI {@code dev_matched.tsv} and {@code
 * dev_mismatched.tsv}); the Parquet layout is Hugging Face's {@code nyu-mll/glue} ({@code
 * <task>/train-*.parquet}, {@code validation-*.parquet}; MNLI {@code validation_matched-*} and {@code
 * validation_mismatched-*}) whose integer labels index {@link #hfLabels()}.
 *
 * <p>Headlines follow the usual GLUE convention of the paper's tables: CoLA MCC, STS-B Pearson, MRPC and
 * QQP F1, MNLI matched accuracy, the others accuracy.
 */
public enum GlueTask {
    COLA("CoLA", "cola", List.of("0", "1"), List.of("0", "1"), List.of("mcc"), "mcc",
            TsvLayout.noHeader(List.of("source", "label", "notes", "sentence"), "sentence", null, "label"),
            null, "sentence", null, 8551, 1043, 0),
    SST2("SST-2", "sst2", List.of("0", "1"), List.of("0", "1"), List.of("accuracy"), "accuracy",
            TsvLayout.header(List.of("sentence", "label"), "sentence", null, "label"),
            null, "sentence", null, 67349, 872, 0),
    MRPC("MRPC", "mrpc", List.of("0", "1"), List.of("0", "1"), List.of("f1", "accuracy"), "f1",
            TsvLayout.header(List.of("Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"),
                    "#1 String", "#2 String", "Quality"),
            null, "sentence1", "sentence2", 3668, 408, 0),
    STSB("STS-B", "stsb", List.of(), List.of(), List.of("pearson", "spearman"), "pearson",
            TsvLayout.header(List.of("index", "genre", "filename", "year", "old_index", "source1", "source2",
                    "sentence1", "sentence2", "score"), "sentence1", "sentence2", "score"),
            null, "sentence1", "sentence2", 5749, 1500, 0),
    QQP("QQP", "qqp", List.of("0", "1"), List.of("0", "1"), List.of("f1", "accuracy"), "f1",
            TsvLayout.header(List.of("id", "qid1", "qid2", "question1", "question2", "is_duplicate"),
                    "question1", "question2", "is_duplicate"),
            null, "question1", "question2", 363846, 40430, 0),
    MNLI("MNLI", "mnli", List.of("contradiction", "entailment", "neutral"),
            List.of("entailment", "neutral", "contradiction"), List.of("accuracy", "accuracy_mismatched"),
            "accuracy",
            TsvLayout.header(List.of("index", "promptID", "pairID", "genre", "sentence1_binary_parse",
                    "sentence2_binary_parse", "sentence1_parse", "sentence2_parse", "sentence1", "sentence2",
                    "label1", "gold_label"), "sentence1", "sentence2", "gold_label"),
            // The dev sets keep all five annotators' labels, so they have four more columns than train.
            TsvLayout.header(List.of("index", "promptID", "pairID", "genre", "sentence1_binary_parse",
                    "sentence2_binary_parse", "sentence1_parse", "sentence2_parse", "sentence1", "sentence2",
                    "label1", "label2", "label3", "label4", "label5", "gold_label"),
                    "sentence1", "sentence2", "gold_label"),
            "premise", "hypothesis", 392702, 9815, 9832),
    QNLI("QNLI", "qnli", List.of("entailment", "not_entailment"), List.of("entailment", "not_entailment"),
            List.of("accuracy"), "accuracy",
            TsvLayout.header(List.of("index", "question", "sentence", "label"), "question", "sentence", "label"),
            null, "question", "sentence", 104743, 5463, 0),
    RTE("RTE", "rte", List.of("entailment", "not_entailment"), List.of("entailment", "not_entailment"),
            List.of("accuracy"), "accuracy",
            TsvLayout.header(List.of("index", "sentence1", "sentence2", "label"), "sentence1", "sentence2", "label"),
            null, "sentence1", "sentence2", 2490, 277, 0),
    WNLI("WNLI", "wnli", List.of("0", "1"), List.of("0", "1"), List.of("accuracy"), "accuracy",
            TsvLayout.header(List.of("index", "sentence1", "sentence2", "label"), "sentence1", "sentence2", "label"),
            null, "sentence1", "sentence2", 635, 71, 0);

    /**
     * Where a TSV file keeps its fields. Lines are split on tabs only: GLUE's files contain unbalanced
     * quotes that a CSV reader would treat as field delimiters.
     *
     * @param hasHeader whether the first line names the columns (CoLA has none)
     * @param columns the column names, in file order (CoLA's are descriptive; its file has no header)
     * @param textA index of the first sentence
     * @param textB index of the second sentence, -1 for single-sentence tasks
     * @param label index of the gold label (the score for STS-B)
     */
    public record TsvLayout(boolean hasHeader, List<String> columns, int textA, int textB, int label) {

        static TsvLayout header(List<String> columns, String textA, String textB, String label) {
            return of(true, columns, textA, textB, label);
        }

        static TsvLayout noHeader(List<String> columns, String textA, String textB, String label) {
            return of(false, columns, textA, textB, label);
        }

        private static TsvLayout of(boolean hasHeader, List<String> columns, String textA, String textB,
                String label) {
            return new TsvLayout(hasHeader, columns, columns.indexOf(textA),
                    textB == null ? -1 : columns.indexOf(textB), columns.indexOf(label));
        }
    }

    private final String dirName;
    private final String hfName;
    private final List<String> labels;
    private final List<String> hfLabels;
    private final List<String> metrics;
    private final String headline;
    private final TsvLayout trainLayout;
    private final TsvLayout devLayout;
    private final String hfTextA;
    private final String hfTextB;
    private final int trainRows;
    private final int devRows;
    private final int devMismatchedRows;

    GlueTask(String dirName, String hfName, List<String> labels, List<String> hfLabels, List<String> metrics,
            String headline, TsvLayout trainLayout, TsvLayout devLayout, String hfTextA, String hfTextB,
            int trainRows, int devRows, int devMismatchedRows) {
        this.dirName = dirName;
        this.hfName = hfName;
        this.labels = labels;
        this.hfLabels = hfLabels;
        this.metrics = metrics;
        this.headline = headline;
        this.trainLayout = trainLayout;
        this.devLayout = devLayout == null ? trainLayout : devLayout;
        this.hfTextA = hfTextA;
        this.hfTextB = hfTextB;
        this.trainRows = trainRows;
        this.devRows = devRows;
        this.devMismatchedRows = devMismatchedRows;
    }

    /** The task's name as GLUE spells it and its directory under the GLUE root ({@code SST-2}). */
    public String dirName() {
        return dirName;
    }

    /** The Hugging Face {@code nyu-mll/glue} config name and directory ({@code sst2}). */
    public String hfName() {
        return hfName;
    }

    /** Class labels in index order; empty for the regression task STS-B. */
    public List<String> labels() {
        return labels;
    }

    /**
     * The labels in Hugging Face's integer order ({@code ClassLabel} names): Parquet label {@code i} is
     * {@code hfLabels().get(i)}. Differs from {@link #labels()} only for MNLI.
     */
    public List<String> hfLabels() {
        return hfLabels;
    }

    public boolean isRegression() {
        return labels.isEmpty();
    }

    /** Whether examples are sentence pairs (all tasks but CoLA and SST-2). */
    public boolean isPair() {
        return trainLayout.textB() >= 0;
    }

    /** Outputs of the task head: the number of classes, or 1 for regression. */
    public int numOutputs() {
        return isRegression() ? 1 : labels.size();
    }

    /** Index of {@code label} in {@link #labels()}, or an exception naming the allowed labels. */
    public int labelIndex(String label) {
        int i = labels.indexOf(label);
        if (i < 0) {
            throw new IllegalArgumentException(
                    "unknown " + dirName + " label '" + label + "'; allowed: " + String.join(", ", labels));
        }
        return i;
    }

    /** The official metrics, headline first. */
    public List<String> metrics() {
        return metrics;
    }

    /** The one metric used for the task in cross-task averages. */
    public String headline() {
        return headline;
    }

    /** The dev sets that are scored: {@link Split#DEV}, and for MNLI also {@link Split#DEV_MISMATCHED}. */
    public List<Split> devSplits() {
        return this == MNLI ? List.of(Split.DEV, Split.DEV_MISMATCHED) : List.of(Split.DEV);
    }

    /** The TSV file name of a split ({@code dev.tsv}; MNLI {@code dev_matched.tsv}). */
    public String tsvFile(Split split) {
        return switch (checked(split)) {
            case TRAIN -> "train.tsv";
            case DEV -> this == MNLI ? "dev_matched.tsv" : "dev.tsv";
            case DEV_MISMATCHED -> "dev_mismatched.tsv";
        };
    }

    /** The column layout of a split's TSV file. */
    public TsvLayout tsvLayout(Split split) {
        return checked(split) == Split.TRAIN ? trainLayout : devLayout;
    }

    /** The Hugging Face split name, which prefixes its Parquet files ({@code validation_matched}). */
    public String hfSplit(Split split) {
        return switch (checked(split)) {
            case TRAIN -> "train";
            case DEV -> this == MNLI ? "validation_matched" : "validation";
            case DEV_MISMATCHED -> "validation_mismatched";
        };
    }

    /** The Parquet column of the first sentence ({@code premise} for MNLI). */
    public String hfTextA() {
        return hfTextA;
    }

    /** The Parquet column of the second sentence, {@code null} for single-sentence tasks. */
    public String hfTextB() {
        return hfTextB;
    }

    /** The number of examples in the official GLUE release of a split (e.g. RTE dev: 277). */
    public int officialRows(Split split) {
        return switch (checked(split)) {
            case TRAIN -> trainRows;
            case DEV -> devRows;
            case DEV_MISMATCHED -> devMismatchedRows;
        };
    }

    /** The name a dev set's metric is stored under: MNLI mismatched adds {@code _mismatched}. */
    public String metricName(String metric, Split split) {
        return checked(split) == Split.DEV_MISMATCHED ? metric + "_mismatched" : metric;
    }

    private Split checked(Split split) {
        if (split == Split.DEV_MISMATCHED && this != MNLI) {
            throw new IllegalArgumentException(
                    "split DEV_MISMATCHED exists only for MNLI, not " + dirName + "; allowed: TRAIN, DEV");
        }
        return split;
    }

    /** Parses a task name case-insensitively, with or without the dash ({@code sst-2}, {@code SST2}). */
    public static GlueTask parse(String name) {
        String wanted = name.replace("-", "").toUpperCase(Locale.ROOT);
        for (GlueTask t : values()) {
            if (t.name().equals(wanted)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown GLUE task '" + name + "'; allowed: "
                + Arrays.stream(values()).map(GlueTask::dirName).collect(Collectors.joining(", ")));
    }
}
