package dropgrid.report;

import dropgrid.vocabulary.Baseline;
import dropgrid.vocabulary.DropStage;
import dropgrid.vocabulary.Status;
import java.util.List;

/**
 * The report's projection of a results row: the columns (see {@code docs/results-schema.md}) that the
 * report reads. Unknown numbers (null in Parquet, e.g. on a failed cell) are {@code NaN} here, never 0.
 *
 * @param cellId 16 hex digits identifying the cell
 * @param modelId model id from the spec
 * @param architecture {@code bert}, {@code distilbert}, {@code roberta} or {@code xlnet}
 * @param task GLUE task name ({@code RTE}, {@code SST-2}, ...)
 * @param strategy {@code none} for the unpruned baseline, else the strategy's name
 * @param drop K, the number of layers dropped
 * @param dropStage {@code pretrained} or {@code finetuned}
 * @param pretrainedDepth L, layers of the checkpoint
 * @param layerScores per-layer similarity scores a data-dependent strategy measured, else empty
 * @param seed the cell's seed
 * @param limitMaxTrainExamples training cap (0 = none); a capped run is not a reproduction
 * @param limitMaxSteps step cap (0 = none)
 * @param headline the task's headline score (GLUE's standard metric) on the paper's 0–100 scale
 * @param accuracy {@code metric_accuracy}, a fraction (MNLI: matched); NaN where the task has none
 * @param pearson {@code metric_pearson}, STS-B's Pearson r; NaN elsewhere
 * @param paramsTotal parameters of the fine-tuned model, head included
 * @param finetuneSeconds wall time of fine-tuning
 * @param evalSeconds wall time of dev-set inference
 * @param status {@code ok} or {@code failed}
 * @param failureReason why a failed cell failed
 * @param driftCls per hidden state, pre-trained vs fine-tuned summary-token cosine (paper Figure 5); empty if
 *     not measured
 * @param driftTokens the same over all real tokens
 * @param probeScores per hidden state, a ridge probe's dev headline (paper Figure 4); empty if not measured
 */
public record ReportRow(
        String cellId,
        String modelId,
        String architecture,
        String task,
        String strategy,
        int drop,
        String dropStage,
        int pretrainedDepth,
        List<Double> layerScores,
        long seed,
        int limitMaxTrainExamples,
        int limitMaxSteps,
        double headline,
        double accuracy,
        double pearson,
        double paramsTotal,
        double finetuneSeconds,
        double evalSeconds,
        String status,
        String failureReason,
        List<Double> driftCls,
        List<Double> driftTokens,
        List<Double> probeScores) {

    public ReportRow {
        if (modelId == null || task == null || strategy == null || dropStage == null || status == null) {
            throw new IllegalArgumentException("results row " + cellId
                    + ": model_id, task, strategy, drop_stage and status must not be null");
        }
        try {
            DropStage.parse(dropStage);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("results row " + cellId + ": " + e.getMessage(), e);
        }
        layerScores = layerScores == null ? List.of() : List.copyOf(layerScores);
        driftCls = driftCls == null ? List.of() : List.copyOf(driftCls);
        driftTokens = driftTokens == null ? List.of() : List.copyOf(driftTokens);
        probeScores = probeScores == null ? List.of() : List.copyOf(probeScores);
        failureReason = failureReason == null ? "" : failureReason;
    }

    /** A row without the per-layer analyses. */
    public ReportRow(String cellId, String modelId, String architecture, String task, String strategy, int drop,
            String dropStage, int pretrainedDepth, List<Double> layerScores, long seed, int limitMaxTrainExamples,
            int limitMaxSteps, double headline, double accuracy, double pearson, double paramsTotal,
            double finetuneSeconds, double evalSeconds, String status, String failureReason) {
        this(cellId, modelId, architecture, task, strategy, drop, dropStage, pretrainedDepth, layerScores, seed,
                limitMaxTrainExamples, limitMaxSteps, headline, accuracy, pearson, paramsTotal, finetuneSeconds,
                evalSeconds, status, failureReason, List.of(), List.of(), List.of());
    }

    public boolean ok() {
        return Status.OK.id().equals(status);
    }

    /** Whether the row holds a score that may enter averages: status ok and a headline measured. */
    public boolean usable() {
        return ok() && Double.isFinite(headline);
    }

    public boolean baseline() {
        return Baseline.is(strategy, drop);
    }
}
