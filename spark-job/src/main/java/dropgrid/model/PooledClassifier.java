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
import dropgrid.kernels.Kernels;

/**
 * The head of the architectures whose encoder ends in a pooler (HF's {@code BertForSequenceClassification}
 * and {@code AlbertForSequenceClassification}): the pooled output (B, E) → dropout → {@code classifier},
 * a fresh Linear drawn from the config's {@code initializer_range}. The encoder's last layer computes the
 * first token's row alone ({@link LayerStack#firstTokenOnly()}). Each architecture names its encoder
 * attribute and reads its own checkpoint names ({@link #loadWeights}).
 *
 * @param <E> the encoder, whose forward returns {@code NDList(lastHiddenState, pooled)}
 */
abstract class PooledClassifier<E extends AbstractBlock & Encoder> extends AbstractBlock implements SequenceClassifier {

    private final int numOutputs;
    private final E encoder;
    private final double dropout;
    private final Linear classifier;

    /**
     * @param encoderName the encoder's HF attribute ({@code bert}, {@code albert})
     * @param dropout the rate before the classifier
     * @param numOutputs classes, or 1 for regression (STS-B)
     */
    PooledClassifier(String encoderName, E encoder, double dropout, double initializerRange, int numOutputs) {
        this.numOutputs = SequenceClassifier.checkNumOutputs(numOutputs);
        this.encoder = addChildBlock(encoderName, encoder);
        this.dropout = dropout;
        this.classifier = addChildBlock("classifier", Linear.builder().setUnits(numOutputs).optBias(true).build());
        classifier.setInitializer(new NormalInitializer((float) initializerRange), Parameter.Type.WEIGHT);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
        NDArray pooled = encoder.forward(ps, inputs, training, LayerStack.firstTokenOnly()).get(1);
        pooled = Kernels.dropout(pooled, dropout, training);
        return classifier.forward(ps, new NDList(pooled), training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        return new Shape[] {new Shape(inputs[0].get(0), numOutputs)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputs) {
        encoder.initialize(manager, dataType, inputs);
        classifier.initialize(manager, dataType, encoder.getOutputShapes(inputs)[1]);
    }

    /** The pooled output of BERT and ALBERT, what this head classifies: tanh(dense(first token's state)), (B, E). */
    static NDArray pooled(ParameterStore ps, Linear dense, NDArray hidden, boolean training) {
        return dense.forward(ps, new NDList(hidden.get(":, 0, :")), training).head().tanh();
    }

    @Override
    public E encoder() {
        return encoder;
    }

    @Override
    public int numOutputs() {
        return numOutputs;
    }
}
