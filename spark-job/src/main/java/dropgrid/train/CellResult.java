package dropgrid.train;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dropgrid.kernels.Kernels;
import dropgrid.model.ParameterCount;
import dropgrid.vocabulary.Status;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What one cell produced: one row of the results dataset, in named parts whose fields carry the names of
 * their columns ({@code docs/results-schema.md}; JSON shows them flat, as {@code finetune} prints them).
 * A failed cell has status {@code failed}, a reason, and whatever was known before it failed (NaN for
 * unknown numbers).
 *
 * @param cell the cell that ran
 * @param status ok, or failed with a reason
 * @param failureReason exception class and message for a failed cell, else empty
 * @param layers which layers were kept and how they were chosen
 * @param params parameters of the fine-tuned model ({@code total}, head included) and of its encoder
 *     ({@code encoder}: embeddings + kept layers)
 * @param training the fine-tuning (both stages of a two-stage cell)
 * @param evaluation the dev-set scores and what scoring took
 * @param execution where and when the cell ran, and its peak memory
 * @param analyses the paper's per-layer analyses of the final model, empty lists when not asked for
 */
public record CellResult(
        Cell cell,
        Status status,
        String failureReason,
        @JsonUnwrapped Layers layers,
        @JsonUnwrapped(prefix = "params_") ParameterCount params,
        @JsonUnwrapped Training training,
        @JsonUnwrapped Evaluation evaluation,
        @JsonUnwrapped Execution execution,
        @JsonUnwrapped LayerAnalyses analyses)
        implements Serializable {

    /**
     * @param pretrainedDepth L, layers in the checkpoint
     * @param keptLayers original (0-based, bottom-up) indices of the layers kept
     * @param layerScores per-layer scores a data-dependent strategy measured (index = original layer),
     *     empty for static strategies
     * @param selectSeconds wall time of the layer selection (similarity pass), 0 for static strategies
     */
    public record Layers(int pretrainedDepth, List<Integer> keptLayers, List<Double> layerScores,
            double selectSeconds) implements Serializable {
        public Layers {
            keptLayers = List.copyOf(keptLayers);
            layerScores = List.copyOf(layerScores);
        }
    }

    /**
     * @param trainExamples examples fine-tuned on (after limits)
     * @param trainSteps optimiser steps taken
     * @param seqLength tokens every example (train and dev) was cut to: the hyper-parameters' {@code
     *     max_seq_length}, or fewer when the model's positions cover fewer ({@code ModelConfig#sequenceLength})
     * @param finetuneSeconds wall time of fine-tuning
     * @param trainTokensPerSecond non-padding tokens processed per second while fine-tuning
     */
    public record Training(int trainExamples, int trainSteps, int seqLength, double finetuneSeconds,
            double trainTokensPerSecond) implements Serializable {

        /** The stages of one cell together: one run, or two for a two-stage cell. */
        static Training of(int examples, int seqLength, List<TrainingRun> runs) {
            int steps = 0;
            long tokens = 0;
            double seconds = 0;
            for (TrainingRun run : runs) {
                steps += run.steps();
                tokens += run.realTokens();
                seconds += run.seconds();
            }
            return new Training(examples, steps, seqLength, seconds, tokens / seconds);
        }
    }

    /**
     * @param metrics every official metric of the task, by GLUE name ({@code accuracy}, {@code f1},
     *     {@code mcc}, {@code pearson}, {@code spearman}, {@code accuracy_mismatched})
     * @param headline the task's single score used for averages (see {@code GlueTask#headline})
     * @param evalExamples dev examples scored
     * @param evalSeconds wall time of dev-set inference
     * @param evalExamplesPerSecond dev examples per second at inference
     */
    public record Evaluation(Map<String, Double> metrics, double headline, int evalExamples, double evalSeconds,
            double evalExamplesPerSecond) implements Serializable {
        public Evaluation {
            metrics = Map.copyOf(metrics);
        }
    }

    /**
     * @param device e.g. {@code cpu()} or {@code gpu(0)}
     * @param host the executor's host name
     * @param startedAt wall clock at the start
     * @param finishedAt wall clock at the end
     * @param peakHeapBytes peak Java heap used during the cell
     * @param peakRssBytes peak resident set size of the process (native memory included)
     * @param kernels what computed the model: {@code native} (dropgrid's kernels) or {@code djl} (DJL's
     *     operators, fp32 only, where the native kernels are absent; the log says why)
     */
    public record Execution(String device, String host, Instant startedAt, Instant finishedAt, long peakHeapBytes,
            long peakRssBytes, String kernels) implements Serializable {

        /** This machine's host name, as rows, the status board and output locks record it. */
        public static String localHost() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                return "unknown";
            }
        }
    }

    /** A result without the per-layer analyses. */
    public CellResult(Cell cell, Status status, String failureReason, Layers layers, ParameterCount params,
            Training training, Evaluation evaluation, Execution execution) {
        this(cell, status, failureReason, layers, params, training, evaluation, execution, LayerAnalyses.none());
    }

    public CellResult {
        failureReason = failureReason == null ? "" : failureReason;
    }

    public boolean ok() {
        return status == Status.OK;
    }

    /** A failed row for a cell that threw before producing numbers; the grid records it and goes on. */
    public static CellResult failed(Cell cell, Throwable error, String device, String host, Instant startedAt) {
        String reason = error.getClass().getName() + ": " + error.getMessage();
        return new CellResult(cell, Status.FAILED, reason, new Layers(0, List.of(), List.of(), Double.NaN),
                new ParameterCount(0, 0), new Training(0, 0, 0, Double.NaN, Double.NaN),
                new Evaluation(Map.of(), Double.NaN, 0, Double.NaN, Double.NaN),
                new Execution(device, host, startedAt, Instant.now(), 0, 0, Kernels.name()));
    }
}
