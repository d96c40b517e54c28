package dropgrid.cli;

import dropgrid.drop.Explicit;
import dropgrid.drop.Strategies;
import dropgrid.glue.GlueData;
import dropgrid.glue.GlueTask;
import dropgrid.glue.Split;
import dropgrid.kernels.Precision;
import dropgrid.model.Architecture;
import dropgrid.model.PretrainedModels;
import dropgrid.storage.Location;
import dropgrid.train.Cell;
import dropgrid.train.Hyperparameters;
import dropgrid.train.LayerAnalyses;
import dropgrid.train.Limits;
import dropgrid.vocabulary.Baseline;
import dropgrid.vocabulary.DropStage;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The options that describe one cell, shared by {@code finetune} and {@code bench finetune}. */
final class CellOptions {

    @Mixin ModelArgument modelArgument;

    @Option(names = "--task", required = true, description = "GLUE task: CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI,"
            + " RTE, WNLI.")
    String task;

    @Option(names = "--glue-dir", required = true, description = "Directory holding <TASK>/train.tsv and dev.tsv.")
    Path glueDir;

    @Option(names = "--keep-layers", split = ",", description = "Explicit 0-based layers to keep (e.g. 0,1,2,3,4,5);"
            + " instead of --strategy/--drop.")
    List<Integer> keepLayers;

    @Option(names = "--strategy", description = "Drop strategy (top, bottom, even-alternate, symmetric, contribution,"
            + " ...) or none. Default: ${DEFAULT-VALUE}.")
    String strategy = Baseline.STRATEGY;

    @Option(names = "--drop", description = "Layers to drop (K). Default: ${DEFAULT-VALUE}.")
    int drop;

    @Option(names = "--option", description = "Strategy option key=value (repeatable), e.g. sample_size=500.")
    Map<String, String> strategyOptions = new LinkedHashMap<>();

    @Option(names = "--stage", description = "When layers are dropped: pretrained or finetuned (fine-tune, drop,"
            + " fine-tune again). Default: ${DEFAULT-VALUE}.")
    String stage = DropStage.PRETRAINED.id();

    @Option(names = "--no-freeze-dropped", description = "With --stage finetuned: train every layer in the first"
            + " fine-tuning (the paper froze the layers to be dropped; then they are chosen on the pre-trained model).")
    boolean noFreezeDropped;

    @Option(names = "--analyses", split = ",", description = "The paper's per-layer analyses of the final model:"
            + " drift (Figure 5: pre-trained vs fine-tuned cosine), probe (Figure 4: a ridge probe per layer).")
    List<String> analyses = List.of();

    @Option(names = "--preset", description = "Hyper-parameter preset: paper or common. Default: ${DEFAULT-VALUE}.")
    String preset = "paper";

    // Each of these overrides the preset's value.
    @Option(names = "--epochs", description = "Passes over the training set (overrides the preset).")
    Integer epochs;

    @Option(names = "--lr", description = "Peak learning rate (overrides the preset).")
    Double learningRate;

    @Option(names = "--batch-size", description = "Examples per step (overrides the preset).")
    Integer batchSize;

    @Option(names = "--max-seq-length", description = "Tokens per example (overrides the preset).")
    Integer maxSeqLength;

    @Option(names = "--warmup-ratio", description = "Fraction of steps warming up (overrides the preset).")
    Double warmupRatio;

    @Option(names = "--weight-decay", description = "AdamW weight decay (overrides the preset).")
    Double weightDecay;

    @Option(names = "--no-dynamic-padding", description = "Pad every batch to --max-seq-length (the paper's code).")
    boolean noDynamicPadding;

    @Option(names = "--length-grouping", description = "Batch examples of similar length together (seeded).")
    boolean lengthGrouping;

    @Option(names = "--precision", description = "Compute format of the matmuls, attention and feed-forward: fp32,"
            + " bf16 (CPUs with AMX or AVX-512-BF16, GPUs from Ampere on) or fp16 (older GPUs; dynamic loss"
            + " scaling). Weights, optimiser and LayerNorm stay fp32. Default: ${DEFAULT-VALUE}.")
    String precision = "fp32";

    @Option(names = "--max-train-examples", description = "Seeded subset of the training set (0 = all).")
    int maxTrainExamples;

    @Option(names = "--max-eval-examples", description = "Seeded subset of the dev set (0 = all).")
    int maxEvalExamples;

    @Option(names = "--max-steps", description = "Stop after this many optimiser steps (0 = all epochs).")
    int maxSteps;

    @Option(names = "--seed", description = "Seed of head init, dropout, order and subsets. Default: ${DEFAULT-VALUE}.")
    long seed = 42;

    @Option(names = "--threads", description = "libtorch intra-op CPU threads (0 = library default).")
    int threads;

    @Option(names = "--gpu", description = "Run on this GPU index instead of the CPU.")
    Integer gpu;

    /** The cell the options describe; bad combinations are usage errors. Downloads are reported on {@code err}. */
    Cell cell(PrintWriter err) {
        return cell(!noDynamicPadding, err);
    }

    /** The cell, with dynamic padding on or off whatever the options say (for benchmarks). */
    Cell cell(boolean dynamicPadding, PrintWriter err) {
        String model = modelArgument.model;
        Path dir = modelArgument.localDir(err);
        // A remote model is read from its local copy, which the cell names as its source.
        String source = Location.of(model).isRemote() ? dir.toString() : model;
        Architecture architecture;
        int depth;
        try (PretrainedModels.Checkpoint checkpoint = PretrainedModels.read(dir)) {
            architecture = checkpoint.architecture();
            depth = checkpoint.depth();
        }
        String strategyName = strategy;
        int k = drop;
        Map<String, String> options = new LinkedHashMap<>(strategyOptions);
        if (keepLayers != null) {
            if (!Baseline.STRATEGY.equals(strategy) || drop != 0) {
                throw new IllegalArgumentException("--keep-layers names the kept layers itself; do not combine it"
                        + " with --strategy or --drop");
            }
            strategyName = Explicit.NAME;
            k = depth - keepLayers.size();
            options.put(Explicit.LAYERS,
                    keepLayers.stream().map(String::valueOf).collect(Collectors.joining(",")));
        }
        Strategies.options(strategyName, options);
        if (k < 0 || k > depth) {
            throw new IllegalArgumentException("--drop " + k + " is not allowed for " + model + " with " + depth
                    + " layers; must be between 0 and " + depth);
        }
        GlueTask glueTask = GlueTask.parse(task);
        List<Split> splits = new ArrayList<>(List.of(Split.TRAIN));
        splits.addAll(glueTask.devSplits());
        // Every file is read once before anything trains: a bad row is bad input, found in seconds.
        splits.forEach(split -> GlueData.load(glueDir, glueTask, split));
        Hyperparameters base = Hyperparameters.preset(preset);
        Hyperparameters hp = new Hyperparameters(
                learningRate != null ? learningRate : base.learningRate(),
                batchSize != null ? batchSize : base.batchSize(),
                epochs != null ? epochs : base.epochs(),
                maxSeqLength != null ? maxSeqLength : base.maxSeqLength(),
                warmupRatio != null ? warmupRatio : base.warmupRatio(),
                base.linearDecay(),
                weightDecay != null ? weightDecay : base.weightDecay(),
                base.maxGradNorm(),
                base.dropout(),
                dynamicPadding,
                lengthGrouping,
                Precision.parse("--precision", precision));
        DropStage dropStage = dropStage();
        Set<LayerAnalyses.Kind> kinds = EnumSet.noneOf(LayerAnalyses.Kind.class);
        for (String a : analyses) {
            try {
                kinds.add(LayerAnalyses.Kind.parse(a.trim()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--analyses: " + e.getMessage(), e);
            }
        }
        return new Cell("cli", dir.getFileName().toString(), architecture, source, task, glueDir.toString(),
                strategyName, k, dropStage, options, seed, hp,
                new Limits(maxTrainExamples, maxEvalExamples, maxSteps),
                dropStage == DropStage.FINETUNED && !noFreezeDropped, kinds, threads, gpu != null, gpu);
    }

    private DropStage dropStage() {
        try {
            return DropStage.parse(stage.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--stage: " + e.getMessage(), e);
        }
    }
}
