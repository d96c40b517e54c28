package dropgrid.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.JsonNode;
import dropgrid.kernels.Kernels;
import java.util.List;
import java.util.OptionalInt;

/**
 * RoBERTa (Liu et al., "RoBERTa: A Robustly Optimized BERT Pretraining Approach", arXiv 1907.11692):
 * BERT's body ({@link Bert.Embeddings}, {@link Bert.BertEncoder}, reused, not copied) with fairseq's
 * position ids and its own classification head, no pooler.
 *
 * <p>Reference: HF {@code transformers/models/roberta/modeling_roberta.py} ({@code RobertaEmbeddings},
 * {@code create_position_ids_from_input_ids}, {@code RobertaClassificationHead}, {@code
 * RobertaForSequenceClassification}, which builds {@code RobertaModel(add_pooling_layer=False)}).
 *
 * <p>Shapes: B batch, T sequence length, E hidden size. Inputs follow {@link Encoder}; the token type
 * ids index {@code token_type_embeddings} as in HF (RoBERTa has a single type, so they are all 0).
 */
public final class Roberta {

    private Roberta() {}

    /**
     * BERT's hyper-parameters plus {@code pad_token_id}, which RoBERTa's position ids depend on.
     *
     * @param padTokenId the padding id; positions start at {@code padTokenId + 1}
     */
    public record RobertaConfig(BertConfig bert, int padTokenId) implements ModelConfig {

        public RobertaConfig {
            if (padTokenId < 0 || padTokenId >= bert.maxPositionEmbeddings()) {
                throw new IllegalArgumentException("pad_token_id (" + padTokenId
                        + ") must be in [0, max_position_embeddings " + bert.maxPositionEmbeddings() + ")");
            }
        }

        /** From a parsed HF {@code config.json} with {@code model_type} roberta. */
        public static RobertaConfig fromJson(JsonNode json) {
            JsonNode pad = json.get("pad_token_id");
            if (pad == null || !pad.isIntegralNumber()) {
                throw new IllegalArgumentException("key 'pad_token_id' must be an integer, got " + pad);
            }
            return new RobertaConfig(BertConfig.fromJson(json), pad.intValue());
        }

        @Override
        public Architecture architecture() {
            return Architecture.ROBERTA;
        }

        @Override
        public int depth() {
            return bert.numHiddenLayers();
        }

        /** Positions start at {@code pad_token_id + 1} (fairseq's make_positions), so fewer tokens fit than rows. */
        @Override
        public OptionalInt positionLimit() {
            return OptionalInt.of(bert.maxPositionEmbeddings() - padTokenId - 1);
        }

        @Override
        public int vocabSize() {
            return bert.vocabSize();
        }

        @Override
        public RobertaConfig withDropout(double p) {
            return new RobertaConfig(bert.withDropout(p), padTokenId);
        }

        @Override
        public RobertaForSequenceClassification classifier(List<Integer> keptLayers, int numOutputs) {
            return new RobertaForSequenceClassification(this, keptLayers, numOutputs);
        }
    }

    /**
     * fairseq's {@code make_positions}: real tokens count up from {@code padTokenId + 1}, padding gets
     * {@code padTokenId} (whose position embedding is never trained). Decided by the ids, not the
     * attention mask, as in HF.
     */
    static NDArray positionIds(NDArray inputIds, int padTokenId, int maxPositions) {
        NDArray real = inputIds.neq(padTokenId).toType(DataType.INT64, false);
        NDArray positions = real.cumSum(1).mul(real).add(padTokenId);
        long highest = positions.max().getLong();
        if (highest >= maxPositions) {
            throw new IllegalArgumentException(String.format(
                    "cannot forward %d tokens: position id %d exceeds max_position_embeddings %d (RoBERTa"
                            + " positions start after pad_token_id %d)",
                    inputIds.getShape().get(1), highest, maxPositions, padTokenId));
        }
        return positions;
    }

    /** {@code roberta}: embeddings with RoBERTa positions, then the kept BERT layers. */
    public static final class RobertaModel extends AbstractBlock implements Encoder {
        private final RobertaConfig config;
        private final List<Integer> keptLayers;
        final Bert.Embeddings embeddings;
        final Bert.BertEncoder encoder;

        /** {@code keptLayers}: original indices, ascending; only those layers are materialised. */
        public RobertaModel(RobertaConfig config, List<Integer> keptLayers) {
            this.config = config;
            this.keptLayers = Encoder.checkKeptLayers(keptLayers, config.depth());
            int pad = config.padTokenId();
            int maxPositions = config.bert().maxPositionEmbeddings();
            this.embeddings = addChildBlock("embeddings",
                    new Bert.Embeddings(config.bert(), ids -> positionIds(ids, pad, maxPositions)));
            this.encoder = addChildBlock("encoder", new Bert.BertEncoder(config.bert(), this.keptLayers));
        }

        @Override
        public RobertaConfig config() {
            return config;
        }

        @Override
        public List<Integer> keptLayers() {
            return keptLayers;
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDList states = hiddenStates(ps, inputs, training, params);
            return new NDList(states.get(states.size() - 1));
        }

        @Override
        public NDList hiddenStates(ParameterStore ps, NDList inputs, boolean training) {
            return hiddenStates(ps, inputs, training, null);
        }

        private NDList hiddenStates(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> params) {
            EncoderInputs.check(inputs, config.bert().vocabSize(), config.bert().typeVocabSize());
            NDArray x = embeddings.forward(ps, inputs, training).head();
            return encoder.forward(ps, EncoderInputs.layerInputs(x, inputs), training, params);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0].add(config.bert().hiddenSize())};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            embeddings.initialize(manager, dataType, inputShapes);
            Shape x = embeddings.getOutputShapes(inputShapes)[0];
            encoder.initialize(manager, dataType, EncoderInputs.layerInputShapes(x));
        }
    }

    /** {@code classifier}: dropout, {@code dense}, tanh, dropout, {@code out_proj} on the {@code <s>} state. */
    static final class ClassificationHead extends AbstractBlock {
        private final int hiddenSize;
        private final int numOutputs;
        private final float dropout;
        final Linear dense;
        final Linear outProj;

        ClassificationHead(BertConfig config, int numOutputs) {
            this.hiddenSize = config.hiddenSize();
            this.numOutputs = numOutputs;
            this.dropout = (float) config.classifierDropout();
            this.dense = addChildBlock("dense", Linear.builder().setUnits(hiddenSize).build());
            this.outProj = addChildBlock("out_proj", Linear.builder().setUnits(numOutputs).build());
            setInitializer(new NormalInitializer((float) config.initializerRange()), Parameter.Type.WEIGHT);
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray x = inputs.head().get(":, 0, :");
            x = Kernels.dropout(x, dropout, training);
            x = dense.forward(ps, new NDList(x), training).head().tanh();
            x = Kernels.dropout(x, dropout, training);
            return outProj.forward(ps, new NDList(x), training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(inputShapes[0].get(0), numOutputs)};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape pooled = new Shape(inputShapes[0].get(0), hiddenSize);
            dense.initialize(manager, dataType, pooled);
            outProj.initialize(manager, dataType, pooled);
        }
    }

    /** HF's {@code RobertaForSequenceClassification}: {@code roberta} then {@code classifier}. */
    public static final class RobertaForSequenceClassification extends AbstractBlock
            implements SequenceClassifier {
        private final int numOutputs;
        final RobertaModel roberta;
        final ClassificationHead classifier;

        public RobertaForSequenceClassification(RobertaConfig config, List<Integer> keptLayers, int numOutputs) {
            this.numOutputs = SequenceClassifier.checkNumOutputs(numOutputs);
            this.roberta = addChildBlock("roberta", new RobertaModel(config, keptLayers));
            this.classifier = addChildBlock("classifier", new ClassificationHead(config.bert(), numOutputs));
        }

        @Override
        public RobertaModel encoder() {
            return roberta;
        }

        @Override
        public int numOutputs() {
            return numOutputs;
        }

        @Override
        public boolean loadWeights(Weights weights) {
            return HfParameters.loadByKey(this, weights, "roberta.", List.of("classifier."));
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray hidden = roberta.forward(ps, inputs, training, LayerStack.firstTokenOnly()).head();
            return classifier.forward(ps, new NDList(hidden), training);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(inputShapes[0].get(0), numOutputs)};
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            roberta.initialize(manager, dataType, inputShapes);
            classifier.initialize(manager, dataType, roberta.getOutputShapes(inputShapes));
        }
    }
}
