package dropgrid.train;

import dropgrid.vocabulary.Status;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one cell produced: one row of the results dataset. A failed cell has status {@code failed},
 * a reason, and whatever was known before it failed (NaN for unknown numbers).
 *
 * @param cell the cell that ran
 * @param status ok, or failed with a reason
 * @param failureReason exception class and message for a failed cell, else empty
 * @param pretrainedDepth number of layers in the checkpoint (L)
 * @param keptLayers original (0-based, bottom-up) indices of the layers kept
 * @param layerScores per-layer scores a data-dependent strategy measured (index = original layer),
 *     empty for static strategies
 * @param metrics every official metric of the task, by GLUE name ({@code accuracy}, {@code f1},
 *     {@code mcc}, {@code pearson}, {@code spearman}, {@code accuracy_mismatched})
 * @param headline the task's single score used for averages (see {@code GlueTask#headline})
 * @param paramsTotal parameters of the fine-tuned model, head included
 * @param paramsEncoder parameters of the encoder (embeddings + kept layers), head excluded
 * @param trainExamples examples fine-tuned on (after limits)
 * @param trainSteps optimiser steps taken
 * @param evalExamples dev examples scored
 * @param finetuneSeconds wall time of fine-tuning (both stages for a two-stage cell)
 * @param evalSeconds wall time of dev-set inference
 * @param selectSeconds wall time of the strategy's layer selection (similarity pass), 0 for static ones
 * @param trainTokensPerSecond non-padding tokens processed per second while fine-tuning
 * @param evalExamplesPerSecond dev examples per second at inference
 * @param peakHeapBytes peak Java heap used during the cell
 * @param peakRssBytes peak resident set size of the process (native memory included)
 * @param device e.g. {@code cpu()} or {@code gpu(0)}
 * @param host the executor's host name
 * @param startedAt wall clock at the start
 * @param finishedAt wall clock at the end
 */
public record CellResult(
        Cell cell,
        Status status,
        String failureReason,
        int pretrainedDepth,
        List<Integer> keptLayers,
        List<Double> layerScores,
        Map<String, Double> metrics,
        double headline,
        long paramsTotal,
        long paramsEncoder,
        int trainExamples,
        int trainSteps,
        int evalExamples,
        double finetuneSeconds,
        double evalSeconds,
        double selectSeconds,
        double trainTokensPerSecond,
        double evalExamplesPerSecond,
        long peakHeapBytes,
        long peakRssBytes,
        String device,
        String host,
        Instant startedAt,
        Instant finishedAt)
        implements Serializable {

    public CellResult {
        keptLayers = List.copyOf(keptLayers);
        layerScores = List.copyOf(layerScores);
        metrics = Map.copyOf(metrics);
        failureReason = failureReason == null ? "" : failureReason;
    }

    public boolean ok() {
        return status == Status.OK;
    }

    /** A failed row for a cell that threw before producing numbers; the grid records it and goes on. */
    public static CellResult failed(Cell cell, Throwable error, String device, String host, Instant startedAt) {
        String reason = error.getClass().getName() + ": " + error.getMessage();
        return new CellResult(cell, Status.FAILED, reason, 0, List.of(), List.of(), Map.of(), Double.NaN, 0, 0, 0, 0, 0,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0, device, host, startedAt,
                Instant.now());
    }
}
