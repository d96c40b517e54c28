package dropgrid.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.JsonNode;
import dropgrid.kernels.Kernels;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * DistilBERT (Sanh et al., "DistilBERT, a distilled version of BERT", arXiv 1910.01108): BERT's
 * post-LayerNorm encoder with half the layers, no token-type embeddings and no pooler.
 *
 * <p>Reference: HF {@code transformers/models/distilbert/modeling_distilbert.py} ({@code Embeddings},
 * {@code DistilBertSelfAttention}, {@code FFN}, {@code TransformerBlock}, {@code Transformer},
 * {@code DistilBertForSequenceClassification}). Differences from BERT that matter for matching it:
 * no dropout after {@code out_lin}, none between the activation and {@code lin2}, LayerNorm eps
 * fixed at 1e-12, and the head's {@code pre_classifier} + ReLU on the first token.
 *
 * <p>Shapes: B batch, T sequence length, E {@code dim}, N {@code n_heads}, H = E / N, F
 * {@code hidden_dim}. Inputs follow {@link Encoder}; token type ids are accepted and ignored, as HF's
 * {@code DistilBertModel.forward} takes none.
 */
public final class DistilBert {

    /** HF hard-codes it in every DistilBERT LayerNorm; it is not a config key. */
    static final float LAYER_NORM_EPS = 1e-12f;

    private DistilBert() {}

    /** The {@code config.json} fields of HF's {@code DistilBertConfig} that the encoder and head use. */
    public record DistilBertConfig(
            int vocabSize,
            int maxPositionEmbeddings,
            int nLayers,
            int nHeads,
            int dim,
            int hiddenDim,
            HiddenActivation activation,
            float dropout,
            float attentionDropout,
            float seqClassifDropout,
            double initializerRange)
            implements ModelConfig {

        public DistilBertConfig {
            if (dim % nHeads != 0) {
                throw new IllegalArgumentException(
                        "dim (" + dim + ") is not a multiple of n_heads (" + nHeads + ")");
            }
            if (nLayers < 1 || hiddenDim < 1 || vocabSize < 1 || maxPositionEmbeddings < 1) {
                throw new IllegalArgumentException("n_layers (" + nLayers + "), hidden_dim (" + hiddenDim
                        + "), vocab_size (" + vocabSize + ") and max_position_embeddings ("
                        + maxPositionEmbeddings + ") must be positive");
            }
        }

        /**
         * From a parsed HF {@code config.json} with {@code model_type} distilbert. {@code
         * sinusoidal_pos_embds} needs nothing here: HF saves the fixed table as the position weights.
         */
        public static DistilBertConfig fromJson(JsonNode json) {
            return new DistilBertConfig(
                    ConfigJson.integer(json, "vocab_size"),
                    ConfigJson.integer(json, "max_position_embeddings"),
                    ConfigJson.integer(json, "n_layers"),
                    ConfigJson.integer(json, "n_heads"),
                    ConfigJson.integer(json, "dim"),
                    ConfigJson.integer(json, "hidden_dim"),
                    HiddenActivation.parse("activation", ConfigJson.text(json, "activation", "gelu")),
                    (float) ConfigJson.number(json, "dropout", 0.1),
                    (float) ConfigJson.number(json, "attention_dropout", 0.1),
                    (float) ConfigJson.number(json, "seq_classif_dropout", 0.2),
                    ConfigJson.number(json, "initializer_range", 0.02));
        }

        @Override
        public Architecture architecture() {
            return Architecture.DISTILBERT;
        }

        @Override
        public int depth() {
            return nLayers;
        }

        @Override
        public OptionalInt positionLimit() {
            return OptionalInt.of(maxPositionEmbeddings);
        }

        @Override
        public DistilBertConfig withDropout(double rate) {
            float p = (float) rate;
            return new DistilBertConfig(vocabSize, maxPositionEmbeddings, nLayers, nHeads, dim, hiddenDim,
                    activation, p, p, p, initializerRange);
        }

        @Override
        public DistilBertForSequenceClassification classifier(List<Integer> keptLayers, int numOutputs) {
            return new DistilBertForSequenceClassification(this, keptLayers, numOutputs);
        }
    }

    /** {@code embeddings}: word + learned absolute position, LayerNorm, dropout. */
    static final class Embeddings extends AbstractBlock {
        private final DistilBertConfig config;
        final EmbeddingLookup wordEmbeddings;
        final EmbeddingLookup positionEmbeddings;
        final LayerNorm layerNorm;

        Embeddings(DistilBertConfig config) {
            this.config = config;
            this.wordEmbeddings = addChildBlock("word_embeddings",
                    new EmbeddingLookup(config.vocabSize(), config.dim()));
            this.positionEmbeddings = addChildBlock("position_embeddings",
                    new EmbeddingLookup(config.maxPositionEmbeddings(), config.dim()));
            this.layerNorm = addChildBlock("LayerNorm", layerNorm());
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            wordEmbeddings.initialize(manager, dataType, inputShapes[0]);
            positionEmbeddings.initialize(manager, dataType, inputShapes[0]);
            layerNorm.initialize(manager, dataType, inputShapes[0].add(config.dim()));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0].add(config.dim())};
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray inputIds = inputs.head();
            long length = inputIds.getShape().get(1);
            if (length > config.maxPositionEmbeddings()) {
                throw new IllegalArgumentException("sequence length " + length
                        + " exceeds max_position_embeddings " + config.maxPositionEmbeddings());
            }
            NDArray positions = inputIds.getManager().arange(0, (int) length, 1, DataType.INT64)
                    .toDevice(inputIds.getDevice(), false)
                    .expandDims(0);
            NDArray x = wordEmbeddings.forward(ps, new NDList(inputIds), training).head()
                    .add(positionEmbeddings.forward(ps, new NDList(positions), training).head());
            x = layerNorm.forward(ps, new NDList(x), training).head();
            return new NDList(Kernels.dropout(x, config.dropout(), training));
        }
    }

    /** {@code attention}: multi-head self-attention with its output projection (no residual here). */
    static final class SelfAttention extends AbstractBlock {
        private final DistilBertConfig config;
        final Linear qLin;
        final Linear kLin;
        final Linear vLin;
        final Linear outLin;

        SelfAttention(DistilBertConfig config) {
            this.config = config;
            this.qLin = addChildBlock("q_lin", Linear.builder().setUnits(config.dim()).build());
            this.kLin = addChildBlock("k_lin", Linear.builder().setUnits(config.dim()).build());
            this.vLin = addChildBlock("v_lin", Linear.builder().setUnits(config.dim()).build());
            this.outLin = addChildBlock("out_lin", Linear.builder().setUnits(config.dim()).build());
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            for (Linear linear : List.of(qLin, kLin, vLin, outLin)) {
                linear.initialize(manager, dataType, inputShapes[0]);
            }
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0]};
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            throw BlockWeights.notRunAlone("DistilBERT's attention", "TransformerBlock");
        }
    }

    /** {@code ffn}: lin1, activation, lin2, dropout. */
    static final class Ffn extends AbstractBlock {
        private final DistilBertConfig config;
        final Linear lin1;
        final Linear lin2;

        Ffn(DistilBertConfig config) {
            this.config = config;
            this.lin1 = addChildBlock("lin1", Linear.builder().setUnits(config.hiddenDim()).build());
            this.lin2 = addChildBlock("lin2", Linear.builder().setUnits(config.dim()).build());
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape in = inputShapes[0];
            lin1.initialize(manager, dataType, in);
            lin2.initialize(manager, dataType, new Shape(in.get(0), in.get(1), config.hiddenDim()));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0]};
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            throw BlockWeights.notRunAlone("DistilBERT's ffn", "TransformerBlock");
        }
    }

    /**
     * {@code transformer.layer.N}: attention and feed-forward, each with a post-LayerNorm residual: one
     * {@link Kernels#attentionBlock} and one {@link Kernels#feedForwardBlock}.
     */
    static final class TransformerBlock extends AbstractBlock {
        private final DistilBertConfig config;
        final SelfAttention attention;
        final LayerNorm saLayerNorm;
        final Ffn ffn;
        final LayerNorm outputLayerNorm;

        TransformerBlock(DistilBertConfig config) {
            this.config = config;
            this.attention = addChildBlock("attention", new SelfAttention(config));
            this.saLayerNorm = addChildBlock("sa_layer_norm", layerNorm());
            this.ffn = addChildBlock("ffn", new Ffn(config));
            this.outputLayerNorm = addChildBlock("output_layer_norm", layerNorm());
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            attention.initialize(manager, dataType, inputShapes);
            saLayerNorm.initialize(manager, dataType, inputShapes[0]);
            ffn.initialize(manager, dataType, inputShapes[0]);
            outputLayerNorm.initialize(manager, dataType, inputShapes[0]);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0]};
        }

        /**
         * Inputs: hidden (B, T, E), additive mask (B, 1, 1, T); the output at the first position only, (B,
         * 1, E), for {@link LayerStack#firstTokenOnly()}.
         */
        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray x = inputs.get(0);
            NDArray attended = Kernels.attentionBlock(x, inputs.get(1), BlockWeights.of(ps, x, training,
                    attention.qLin, attention.kLin, attention.vLin, attention.outLin, saLayerNorm), config.nHeads(),
                    LAYER_NORM_EPS, config.attentionDropout(), 0, training, LayerStack.firstTokenOnly(params));
            return new NDList(Kernels.feedForwardBlock(attended, BlockWeights.of(ps, attended, training, ffn.lin1,
                    ffn.lin2, outputLayerNorm), config.activation().kernel(), LAYER_NORM_EPS, 0, config.dropout(),
                    training));
        }
    }

    /** {@code distilbert}: embeddings and the kept layers of {@code transformer.layer}. */
    public static final class DistilBertModel extends AbstractBlock implements Encoder {
        private final DistilBertConfig config;
        private final List<Integer> keptLayers;
        final Embeddings embeddings;
        final List<TransformerBlock> layers = new ArrayList<>();

        /** {@code keptLayers}: original indices, ascending; only those layers are materialised. */
        public DistilBertModel(DistilBertConfig config, List<Integer> keptLayers) {
            this.config = config;
            this.keptLayers = Encoder.checkKeptLayers(keptLayers, config.nLayers());
            this.embeddings = addChildBlock("embeddings", new Embeddings(config));
            for (int original : this.keptLayers) {
                layers.add(addChildBlock("transformer.layer." + original, new TransformerBlock(config)));
            }
        }

        @Override
        public DistilBertConfig config() {
            return config;
        }

        @Override
        public List<Integer> keptLayers() {
            return keptLayers;
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            embeddings.initialize(manager, dataType, inputShapes[0]);
            for (TransformerBlock layer : layers) {
                layer.initialize(manager, dataType, EncoderInputs.layerInputShapes(inputShapes[0].add(config.dim())));
            }
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0].add(config.dim())};
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDList all = hiddenStates(ps, inputs, training, params);
            return new NDList(all.get(all.size() - 1));
        }

        @Override
        public NDList hiddenStates(ParameterStore ps, NDList inputs, boolean training) {
            return hiddenStates(ps, inputs, training, null);
        }

        private NDList hiddenStates(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> params) {
            EncoderInputs.check(inputs, config.vocabSize());
            NDArray x = embeddings.forward(ps, new NDList(inputs.get(0)), training).head();
            return LayerStack.run(ps, layers, EncoderInputs.layerInputs(x, inputs), training, params);
        }
    }

    /**
     * {@code pre_classifier} + ReLU + dropout + {@code classifier} on the first token's hidden state,
     * as HF's {@code DistilBertForSequenceClassification}.
     */
    public static final class DistilBertForSequenceClassification extends AbstractBlock
            implements SequenceClassifier {
        private final DistilBertConfig config;
        private final int numOutputs;
        final DistilBertModel distilbert;
        final Linear preClassifier;
        final Linear classifier;

        public DistilBertForSequenceClassification(DistilBertConfig config, List<Integer> keptLayers,
                int numOutputs) {
            this.config = config;
            this.numOutputs = SequenceClassifier.checkNumOutputs(numOutputs);
            this.distilbert = addChildBlock("distilbert", new DistilBertModel(config, keptLayers));
            this.preClassifier = addChildBlock("pre_classifier", Linear.builder().setUnits(config.dim()).build());
            this.classifier = addChildBlock("classifier", Linear.builder().setUnits(numOutputs).build());
            setInitializer(new NormalInitializer((float) config.initializerRange()), Parameter.Type.WEIGHT);
        }

        @Override
        public DistilBertModel encoder() {
            return distilbert;
        }

        @Override
        public int numOutputs() {
            return numOutputs;
        }

        @Override
        public boolean loadWeights(Weights weights) {
            return HfParameters.loadByKey(this, weights, "distilbert.", List.of("pre_classifier.", "classifier."));
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            distilbert.initialize(manager, dataType, inputShapes);
            Shape pooled = new Shape(inputShapes[0].get(0), config.dim());
            preClassifier.initialize(manager, dataType, pooled);
            classifier.initialize(manager, dataType, pooled);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(inputShapes[0].get(0), numOutputs)};
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray hidden = distilbert.forward(ps, inputs, training, LayerStack.firstTokenOnly()).head();
            NDArray first = hidden.get(new NDIndex(":, 0, :"));
            NDArray pooled = Activation.relu(preClassifier.forward(ps, new NDList(first), training).head());
            pooled = Kernels.dropout(pooled, config.seqClassifDropout(), training);
            return classifier.forward(ps, new NDList(pooled), training);
        }
    }

    private static LayerNorm layerNorm() {
        return LayerNorm.builder().axis(2).optEpsilon(LAYER_NORM_EPS).build();
    }
}
