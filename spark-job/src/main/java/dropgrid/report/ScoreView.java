package dropgrid.report;

import java.util.function.ToDoubleFunction;

/**
 * Which number of a row a table averages: GLUE's standard headline, or the metric the paper reported.
 *
 * <p>The paper's MRPC, RTE and SST-2 values are exact multiples of one over the dev size, so they are
 * accuracies (MRPC accuracy, not F1); QQP is most likely accuracy. It does not say which of STS-B's
 * Pearson/Spearman or MNLI's matched/mismatched it used: the paper view takes Pearson and matched, the
 * same as the headline. Tasks outside the paper's seven (CoLA, WNLI) have no paper score.
 */
public enum ScoreView {
    HEADLINE("CoLA MCC, MRPC/QQP F1, STS-B Pearson, MNLI matched accuracy, others accuracy", ReportRow::headline),
    PAPER("accuracy for SST-2, MNLI (matched), QNLI, QQP, RTE, MRPC; Pearson for STS-B", ScoreView::paperScore);

    private final String description;
    private final ToDoubleFunction<ReportRow> score;

    ScoreView(String description, ToDoubleFunction<ReportRow> score) {
        this.description = description;
        this.score = score;
    }

    public String description() {
        return description;
    }

    /** The row's score in this view on the 0–100 scale; NaN when the view has none for the task. */
    public double score(ReportRow row) {
        return score.applyAsDouble(row);
    }

    private static double paperScore(ReportRow row) {
        if (!PaperNumbers.TASKS.contains(row.task())) {
            return Double.NaN;
        }
        return 100 * ("STS-B".equals(row.task()) ? row.pearson() : row.accuracy());
    }
}
