package dropgrid.train;

import dropgrid.model.Architecture;
import dropgrid.vocabulary.DropStage;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One grid cell: everything needed to fine-tune one (layer-dropped) model on one GLUE task and score it.
 * Plain data, serialisable so Spark can ship it to an executor.
 *
 * @param runName the experiment's name
 * @param modelId the model's id in the spec (e.g. {@code bert-base-uncased})
 * @param architecture the model family
 * @param modelSource a model directory, an {@code s3a://} prefix or a {@code fetch-model} name
 * @param task GLUE task name as GLUE spells it (e.g. {@code RTE}, {@code SST-2})
 * @param glueDir directory (or {@code s3a://} prefix) holding {@code <TASK>/train.tsv} etc.
 * @param strategy the drop strategy's name; {@code none} for the unpruned baseline
 * @param drop how many layers to drop (K); 0 for the baseline
 * @param stage when layers are dropped: before fine-tuning, or after a first full fine-tune
 * @param strategyOptions strategy parameters (sample size, similarity mode, threshold, seed...), as
 *     strings so the canonical form is stable
 * @param seed seed for head initialisation, dropout, shuffling and example subsets
 * @param hyperparameters fine-tuning settings
 * @param limits laptop/test caps
 * @param freezeDropped a two-stage cell's first fine-tuning freezes the layers that will be dropped, as the
 *     paper did (they are then chosen on the pre-trained model); meaningless for {@code pretrained} cells
 * @param analyses the paper's analyses to measure on the final model ({@link LayerAnalyses})
 * @param threads CPU threads this cell may use (0 = library default)
 * @param useGpu whether to run on the GPU the executor hands to the task
 * @param gpu the GPU index Spark assigned to the task ({@code spark.task.resource.gpu.amount}); null on CPU
 *     or when no index is known (then GPU 0)
 */
public record Cell(
        String runName,
        String modelId,
        Architecture architecture,
        String modelSource,
        String task,
        String glueDir,
        String strategy,
        int drop,
        DropStage stage,
        Map<String, String> strategyOptions,
        long seed,
        Hyperparameters hyperparameters,
        Limits limits,
        boolean freezeDropped,
        Set<LayerAnalyses.Kind> analyses,
        int threads,
        boolean useGpu,
        Integer gpu)
        implements Serializable {

    public Cell {
        strategyOptions = Map.copyOf(new TreeMap<>(strategyOptions));
        analyses = analyses.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(analyses));
    }

    /** A cell before placement: no GPU index yet (the Spark task sets it on the executor). */
    public Cell(String runName, String modelId, Architecture architecture, String modelSource, String task,
            String glueDir, String strategy, int drop, DropStage stage, Map<String, String> strategyOptions, long seed,
            Hyperparameters hyperparameters, Limits limits, boolean freezeDropped, Set<LayerAnalyses.Kind> analyses,
            int threads, boolean useGpu) {
        this(runName, modelId, architecture, modelSource, task, glueDir, strategy, drop, stage, strategyOptions, seed,
                hyperparameters, limits, freezeDropped, analyses, threads, useGpu, null);
    }

    /** A cell before placement with the defaults: two-stage cells freeze the layers to drop; no analyses. */
    public Cell(String runName, String modelId, Architecture architecture, String modelSource, String task,
            String glueDir, String strategy, int drop, DropStage stage, Map<String, String> strategyOptions, long seed,
            Hyperparameters hyperparameters, Limits limits, int threads, boolean useGpu) {
        this(runName, modelId, architecture, modelSource, task, glueDir, strategy, drop, stage, strategyOptions, seed,
                hyperparameters, limits, stage == DropStage.FINETUNED, Set.of(), threads, useGpu, null);
    }

    /** The same cell placed on a device; placement never changes {@link #id()}. */
    public Cell placed(int threads, boolean useGpu, Integer gpu) {
        return new Cell(runName, modelId, architecture, modelSource, task, glueDir, strategy, drop, stage,
                strategyOptions, seed, hyperparameters, limits, freezeDropped, analyses, threads, useGpu, gpu);
    }

    /** Whether the first of two fine-tunings freezes the layers to be dropped. */
    public boolean freezesDropped() {
        return stage == DropStage.FINETUNED && freezeDropped;
    }

    /**
     * The same cell reading its model and GLUE data from local copies. The id changes with the source,
     * so result rows keep the original cell's identity.
     */
    public Cell withInputs(String modelSource, String glueDir) {
        return new Cell(runName, modelId, architecture, modelSource, task, glueDir, strategy, drop, stage,
                strategyOptions, seed, hyperparameters, limits, freezeDropped, analyses, threads, useGpu, gpu);
    }

    /**
     * A deterministic id: the first 16 hex digits of SHA-256 over the canonical form of every field
     * that changes the result. The run name, GLUE location, threads and GPU (use and index) do not
     * change the science, so they are left out: the same cell in a renamed run or on another cluster is
     * the same cell.
     */
    public String id() {
        return sha256(canonical()).substring(0, 16);
    }

    /**
     * The canonical configuration string that {@link #id()} hashes; stable across JVMs and releases.
     * Freezing and analyses appear only when they apply, so cells without them keep the ids they had
     * before these settings existed.
     */
    public String canonical() {
        StringBuilder s = new StringBuilder();
        s.append("model=").append(modelId)
                .append("|arch=").append(architecture.id())
                .append("|source=").append(modelSource)
                .append("|task=").append(task)
                .append("|strategy=").append(strategy)
                .append("|drop=").append(drop)
                .append("|stage=").append(stage)
                .append("|options=").append(new TreeMap<>(strategyOptions))
                .append("|seed=").append(seed)
                .append("|hp=").append(hyperparameters.canonical())
                .append("|limits=").append(limits);
        if (freezesDropped()) {
            s.append("|freeze_dropped=true");
        }
        if (!analyses.isEmpty()) {
            s.append("|analyses=").append(analyses.stream().map(LayerAnalyses.Kind::id).toList());
        }
        return s.toString();
    }

    private static String sha256(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
