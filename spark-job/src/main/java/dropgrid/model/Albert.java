package dropgrid.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.JsonNode;
import dropgrid.kernels.Kernels;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * ALBERT (Lan et al., "ALBERT: A Lite BERT for Self-supervised Learning of Language Representations",
 * arXiv 1909.11942): BERT with factorised embeddings (a small table of width {@code embedding_size},
 * projected to the hidden size) and its layers' parameters shared, so one layer (per group) is applied
 * L times.
 *
 * <p>Reference: HF {@code transformers/models/albert/modeling_albert.py} ({@code AlbertEmbeddings},
 * {@code AlbertAttention}, {@code AlbertLayer}, {@code AlbertLayerGroup}, {@code AlbertTransformer},
 * {@code AlbertModel}, {@code AlbertForSequenceClassification}), whose attribute names the blocks
 * carry. Differences from BERT that matter for matching it: the attention's {@code dense} and {@code
 * LayerNorm} sit in {@code attention} itself, no dropout after the feed-forward, {@code hidden_act}
 * {@code gelu_new} (the tanh approximation) in the released checkpoints, and the pooler is one {@code
 * pooler} Linear + tanh.
 *
 * <p>Dropping layers: pass i of L applies group {@code i · G / L}; keeping the passes {@code kept}
 * applies each kept pass's group in order. With one group (every released ALBERT) only how many passes
 * remain matters, so every strategy of a given K builds the same model; the spec validator therefore
 * takes ALBERT with strategy {@code top} only.
 *
 * <p>The attention and feed-forward blocks run as {@link Kernels} blocks, so ALBERT computes in the
 * cell's precision like the other architectures.
 *
 * <p>Shapes: B batch, T tokens, M {@code embedding_size}, E {@code hidden_size}, N heads, H = E / N,
 * I {@code intermediate_size}.
 */
// Locals for tensor dimensions are named as in the shape legend (B, T, E), as DJL and Google do.
@SuppressWarnings("checkstyle:LocalVariableName")
public final class Albert {

    private static final byte VERSION = 1;

    private Albert() {}

    /** The {@code config.json} fields of HF's {@code AlbertConfig} that the encoder and head use. */
    public record AlbertConfig(
            int vocabSize,
            int embeddingSize,
            int hiddenSize,
            int numHiddenLayers,
            int numHiddenGroups,
            int numAttentionHeads,
            int intermediateSize,
            int innerGroupNum,
            HiddenActivation hiddenAct,
            double hiddenDropoutProb,
            double attentionProbsDropoutProb,
            int maxPositionEmbeddings,
            int typeVocabSize,
            double layerNormEps,
            double initializerRange,
            double classifierDropoutProb)
            implements ModelConfig {

        public AlbertConfig {
            if (hiddenSize % numAttentionHeads != 0) {
                throw new IllegalArgumentException("hidden_size (" + hiddenSize
                        + ") is not a multiple of num_attention_heads (" + numAttentionHeads + ")");
            }
            if (numHiddenLayers < 1 || numHiddenGroups < 1 || numHiddenGroups > numHiddenLayers || innerGroupNum < 1) {
                throw new IllegalArgumentException("num_hidden_layers (" + numHiddenLayers + "), num_hidden_groups ("
                        + numHiddenGroups + ") and inner_group_num (" + innerGroupNum + ") must be >= 1, with at"
                        + " most as many groups as layers");
            }
        }

        /** From a parsed HF {@code config.json} with {@code model_type} albert. */
        public static AlbertConfig fromJson(JsonNode json) {
            String positions = ConfigJson.text(json, "position_embedding_type", "absolute");
            if (!positions.equals("absolute")) {
                throw new IllegalArgumentException("position_embedding_type '" + positions + "' is not supported;"
                        + " allowed: absolute");
            }
            return new AlbertConfig(
                    ConfigJson.integer(json, "vocab_size"),
                    ConfigJson.integer(json, "embedding_size"),
                    ConfigJson.integer(json, "hidden_size"),
                    ConfigJson.integer(json, "num_hidden_layers"),
                    ConfigJson.integer(json, "num_hidden_groups", 1),
                    ConfigJson.integer(json, "num_attention_heads"),
                    ConfigJson.integer(json, "intermediate_size"),
                    ConfigJson.integer(json, "inner_group_num", 1),
                    HiddenActivation.parse("hidden_act", ConfigJson.text(json, "hidden_act", "gelu_new")),
                    ConfigJson.number(json, "hidden_dropout_prob", 0.0),
                    ConfigJson.number(json, "attention_probs_dropout_prob", 0.0),
                    ConfigJson.integer(json, "max_position_embeddings", 512),
                    ConfigJson.integer(json, "type_vocab_size", 2),
                    ConfigJson.number(json, "layer_norm_eps", 1e-12),
                    ConfigJson.number(json, "initializer_range", 0.02),
                    ConfigJson.number(json, "classifier_dropout_prob", 0.1));
        }

        @Override
        public Architecture architecture() {
            return Architecture.ALBERT;
        }

        @Override
        public int depth() {
            return numHiddenLayers;
        }

        @Override
        public OptionalInt positionLimit() {
            return OptionalInt.of(maxPositionEmbeddings);
        }

        @Override
        public AlbertConfig withDropout(double p) {
            return new AlbertConfig(vocabSize, embeddingSize, hiddenSize, numHiddenLayers, numHiddenGroups,
                    numAttentionHeads, intermediateSize, innerGroupNum, hiddenAct, p, p, maxPositionEmbeddings,
                    typeVocabSize, layerNormEps, initializerRange, p);
        }

        @Override
        public AlbertForSequenceClassification classifier(List<Integer> keptLayers, int numOutputs) {
            return new AlbertForSequenceClassification(this, keptLayers, numOutputs);
        }

        /** The group pass {@code i} of L applies, as HF's {@code AlbertTransformer}. */
        int groupOf(int pass) {
            return (int) (pass / ((double) numHiddenLayers / numHiddenGroups));
        }
    }

    /** {@code embeddings}: word + position + token-type embeddings of width M, LayerNorm, dropout. */
    static final class Embeddings extends AbstractBlock {
        private final AlbertConfig config;
        private final EmbeddingLookup wordEmbeddings;
        private final EmbeddingLookup positionEmbeddings;
        private final EmbeddingLookup tokenTypeEmbeddings;
        private final LayerNorm layerNorm;

        Embeddings(AlbertConfig config) {
            super(VERSION);
            this.config = config;
            int M = config.embeddingSize();
            wordEmbeddings = addChildBlock("word_embeddings", new EmbeddingLookup(config.vocabSize(), M));
            positionEmbeddings = addChildBlock("position_embeddings", new EmbeddingLookup(config.maxPositionEmbeddings(), M));
            tokenTypeEmbeddings = addChildBlock("token_type_embeddings", new EmbeddingLookup(config.typeVocabSize(), M));
            layerNorm = addChildBlock("LayerNorm", layerNorm(config));
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            NDArray inputIds = inputs.get(0);
            long T = inputIds.getShape().get(1);
            if (T > config.maxPositionEmbeddings()) {
                throw new IllegalArgumentException(String.format(
                        "cannot forward a sequence of %d tokens, max_position_embeddings is only %d", T,
                        config.maxPositionEmbeddings()));
            }
            NDArray positions = inputIds.getManager().arange(0, T, 1, DataType.INT64)
                    .toDevice(inputIds.getDevice(), false).expandDims(0); // (1, T)
            NDArray x = wordEmbeddings.forward(ps, new NDList(inputIds), training).head() // (B, T, M)
                    .add(tokenTypeEmbeddings.forward(ps, new NDList(inputs.get(1)), training).head())
                    .add(positionEmbeddings.forward(ps, new NDList(positions), training).head());
            x = layerNorm.forward(ps, new NDList(x), training).head();
            return new NDList(Kernels.dropout(x, config.hiddenDropoutProb(), training));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return new Shape[] {inputs[0].add(config.embeddingSize())};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
            for (EmbeddingLookup table : List.of(wordEmbeddings, positionEmbeddings, tokenTypeEmbeddings)) {
                table.initialize(manager, dataType, inputs[0]);
            }
            layerNorm.initialize(manager, dataType, inputs[0].add(config.embeddingSize()));
        }
    }

    /**
     * {@code attention}, HF's {@code AlbertAttention}: the {@code query}, {@code key}, {@code value}
     * projections, attention, then {@code dense} → dropout → {@code LayerNorm}(· + x), one {@link
     * Kernels#attentionBlock} in the thread's precision. Inputs {@code NDList(x (B, T, E), additive mask
     * (B, 1, 1, T))}; the output at the first position only, (B, 1, E), for {@link
     * LayerStack#firstTokenOnly()}.
     */
    static final class Attention extends AbstractBlock {
        private final AlbertConfig config;
        private final Linear query;
        private final Linear key;
        private final Linear value;
        private final Linear dense;
        private final LayerNorm layerNorm;

        Attention(AlbertConfig config) {
            super(VERSION);
            this.config = config;
            query = addChildBlock("query", linear(config.hiddenSize()));
            key = addChildBlock("key", linear(config.hiddenSize()));
            value = addChildBlock("value", linear(config.hiddenSize()));
            dense = addChildBlock("dense", linear(config.hiddenSize()));
            layerNorm = addChildBlock("LayerNorm", layerNorm(config));
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            NDArray x = inputs.get(0);
            return new NDList(Kernels.attentionBlock(x, inputs.get(1),
                    BlockWeights.of(ps, x, training, query, key, value, dense, layerNorm), config.numAttentionHeads(),
                    config.layerNormEps(), config.attentionProbsDropoutProb(), config.hiddenDropoutProb(), training,
                    LayerStack.firstTokenOnly(p)));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return new Shape[] {inputs[0]};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
            for (Linear linear : List.of(query, key, value, dense)) {
                linear.initialize(manager, dataType, inputs[0]);
            }
            layerNorm.initialize(manager, dataType, inputs[0]);
        }
    }

    /**
     * {@code albert_layers.<j>}, HF's {@code AlbertLayer}: {@code attention}, then {@code ffn} →
     * activation → {@code ffn_output} and {@code full_layer_layer_norm}(· + attention output), one
     * {@link Kernels#feedForwardBlock}. HF declares a dropout here but does not apply it, so neither do we.
     */
    static final class AlbertLayer extends AbstractBlock {
        private final AlbertConfig config;
        private final Attention attention;
        private final Linear ffn;
        private final Linear ffnOutput;
        private final LayerNorm fullLayerLayerNorm;

        AlbertLayer(AlbertConfig config) {
            super(VERSION);
            this.config = config;
            fullLayerLayerNorm = addChildBlock("full_layer_layer_norm", layerNorm(config));
            attention = addChildBlock("attention", new Attention(config));
            ffn = addChildBlock("ffn", linear(config.intermediateSize()));
            ffnOutput = addChildBlock("ffn_output", linear(config.hiddenSize()));
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            NDArray attended = attention.forward(ps, inputs, training, p).head();
            return new NDList(Kernels.feedForwardBlock(attended,
                    BlockWeights.of(ps, attended, training, ffn, ffnOutput, fullLayerLayerNorm), config.hiddenAct().kernel(),
                    config.layerNormEps(), 0, 0, training));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return new Shape[] {inputs[0]};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
            fullLayerLayerNorm.initialize(manager, dataType, inputs[0]);
            attention.initialize(manager, dataType, inputs);
            ffn.initialize(manager, dataType, inputs[0]);
            Shape x = inputs[0];
            ffnOutput.initialize(manager, dataType, new Shape(x.get(0), x.get(1), config.intermediateSize()));
        }
    }

    /**
     * {@code albert_layer_groups.<g>}, HF's {@code AlbertLayerGroup}: its {@code inner_group_num} layers in
     * turn, the last computing the first token alone for {@link LayerStack#firstTokenOnly()}.
     */
    static final class AlbertLayerGroup extends AbstractBlock {
        private final List<AlbertLayer> layers = new ArrayList<>();

        AlbertLayerGroup(AlbertConfig config) {
            super(VERSION);
            for (int j = 0; j < config.innerGroupNum(); j++) {
                layers.add(addChildBlock("albert_layers." + j, new AlbertLayer(config)));
            }
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            NDList states = LayerStack.run(ps, layers, inputs, training, p);
            return new NDList(states.get(states.size() - 1));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            return new Shape[] {inputs[0]};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
            for (AlbertLayer layer : layers) {
                layer.initialize(manager, dataType, inputs);
            }
        }
    }

    /**
     * {@code encoder}, HF's {@code AlbertTransformer}: {@code embedding_hidden_mapping_in} (M → E), then
     * one pass of its group per kept layer. Only the groups some kept pass uses are materialised (with
     * one group: the shared layer, or none when no pass is kept). Returns every hidden state: the
     * projected embeddings, then each kept pass's output.
     */
    static final class Transformer extends AbstractBlock {
        private final Linear embeddingHiddenMappingIn;
        private final List<AlbertLayerGroup> passes = new ArrayList<>();

        Transformer(AlbertConfig config, List<Integer> kept) {
            super(VERSION);
            embeddingHiddenMappingIn = addChildBlock("embedding_hidden_mapping_in", linear(config.hiddenSize()));
            List<AlbertLayerGroup> groups = new ArrayList<>();
            for (int g = 0; g < config.numHiddenGroups(); g++) {
                groups.add(null);
            }
            for (int pass : kept) {
                int g = config.groupOf(pass);
                if (groups.get(g) == null) {
                    groups.set(g, addChildBlock("albert_layer_groups." + g, new AlbertLayerGroup(config)));
                }
                passes.add(groups.get(g));
            }
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            NDArray x = embeddingHiddenMappingIn.forward(ps, new NDList(inputs.get(0)), training).head(); // (B, T, E)
            return LayerStack.run(ps, passes, new NDList(x, inputs.get(1)), training, p);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputs) {
            Shape x = embeddingHiddenMappingIn.getOutputShapes(new Shape[] {inputs[0]})[0];
            Shape[] out = new Shape[passes.size() + 1];
            Arrays.fill(out, x);
            return out;
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
            embeddingHiddenMappingIn.initialize(manager, dataType, inputs[0]);
            Shape x = embeddingHiddenMappingIn.getOutputShapes(new Shape[] {inputs[0]})[0];
            for (AlbertLayerGroup group : passes.stream().distinct().toList()) {
                group.initialize(manager, dataType, x, inputs[1]);
            }
        }
    }

    /** HF {@code AlbertModel}: embeddings → the kept passes → {@code pooler} (Linear + tanh on the first token). */
    public static final class AlbertModel extends AbstractBlock implements Encoder {
        private final AlbertConfig config;
        private final List<Integer> keptLayers;
        private final Embeddings embeddings;
        private final Transformer encoder;
        private final Linear pooler;

        /**
         * @param keptLayers passes kept, original indices strictly ascending in [0, L); empty keeps only
         *     the embeddings (and their projection)
         */
        public AlbertModel(AlbertConfig config, List<Integer> keptLayers) {
            super(VERSION);
            this.config = config;
            this.keptLayers = Encoder.checkKeptLayers(keptLayers, config.numHiddenLayers());
            embeddings = addChildBlock("embeddings", new Embeddings(config));
            encoder = addChildBlock("encoder", new Transformer(config, this.keptLayers));
            pooler = addChildBlock("pooler", linear(config.hiddenSize()));
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
            return new NDList(last, PooledClassifier.pooled(ps, pooler, last, training));
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
            pooler.initialize(manager, dataType, new Shape(x.get(0), config.hiddenSize()));
        }

        @Override
        public List<Integer> keptLayers() {
            return keptLayers;
        }

        @Override
        public AlbertConfig config() {
            return config;
        }
    }

    /** HF {@code AlbertForSequenceClassification}: {@code albert}, then the {@link PooledClassifier} head. */
    public static final class AlbertForSequenceClassification extends PooledClassifier<AlbertModel> {

        /** @param numOutputs classes, or 1 for regression (STS-B) */
        public AlbertForSequenceClassification(AlbertConfig config, List<Integer> keptLayers, int numOutputs) {
            super("albert", new AlbertModel(config, keptLayers), config.classifierDropoutProb(),
                    config.initializerRange(), numOutputs);
        }

        @Override
        public boolean loadWeights(Weights weights) {
            return HfParameters.loadByKey(this, weights, "albert.", List.of("classifier."));
        }
    }

    private static Linear linear(int units) {
        return Linear.builder().setUnits(units).optBias(true).build();
    }

    /** Per-token LayerNorm: DJL normalises over every non-batch axis unless told axis 2. */
    private static LayerNorm layerNorm(AlbertConfig config) {
        return LayerNorm.builder().axis(2).optEpsilon((float) config.layerNormEps()).build();
    }
}
