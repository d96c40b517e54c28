package dropgrid.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * A test stand-in for a sequence classifier: token embeddings, masked mean pooling, dropout and a
 * linear head. Same input and output convention as the real encoders, a few hundred parameters.
 */
final class TinyClassifier extends AbstractBlock {

    private final Parameter embedding;
    private final Dropout dropout;
    private final Linear classifier;
    private final int hidden;

    TinyClassifier(int vocab, int hidden, int outputs, float dropoutRate) {
        this.hidden = hidden;
        this.embedding = addParameter(Parameter.builder().setName("embedding").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(vocab, hidden)).optInitializer(new NormalInitializer(0.5f)).build());
        this.dropout = addChildBlock("dropout", Dropout.builder().optRate(dropoutRate).build());
        this.classifier = addChildBlock("classifier", Linear.builder().setUnits(outputs).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        NDArray mask = inputs.get(2).toType(DataType.FLOAT32, false).expandDims(2);
        NDArray table = ps.getValue(embedding, ids.getDevice(), training);
        NDArray tokens = Embedding.embedding(ids, table, SparseFormat.DENSE).singletonOrThrow();
        NDArray pooled = tokens.mul(mask).sum(new int[] {1}).div(mask.sum(new int[] {1}));
        NDList dropped = dropout.forward(ps, new NDList(pooled), training);
        return classifier.forward(ps, dropped, training);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return classifier.getOutputShapes(new Shape[] {new Shape(inputShapes[0].get(0), hidden)});
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape pooled = new Shape(inputShapes[0].get(0), hidden);
        dropout.initialize(manager, dataType, pooled);
        classifier.initialize(manager, dataType, pooled);
    }

    /** A ready-to-train model in {@code manager}; the engine seed fixes its initial weights. */
    static TinyClassifier create(NDManager manager, int vocab, int hidden, int outputs, float dropoutRate) {
        TinyClassifier model = new TinyClassifier(vocab, hidden, outputs, dropoutRate);
        Shape input = new Shape(2, 4);
        model.initialize(manager, DataType.FLOAT32, input, input, input);
        return model;
    }
}
