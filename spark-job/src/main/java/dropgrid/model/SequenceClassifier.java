package dropgrid.model;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

/**
 * An encoder plus its architecture's sequence-classification (or regression, one output) head, as
 * HF's {@code *ForSequenceClassification}. {@code forward(ps, NDList(inputIds, tokenTypeIds,
 * attentionMask), training)} returns {@code NDList(logits (B, numOutputs))}.
 */
public interface SequenceClassifier extends Block {

    Encoder encoder();

    /** Classes of the head, or 1 for regression. */
    int numOutputs();

    /**
     * Fills every parameter from {@code weights}, under the names this architecture's checkpoints use.
     * Only the kept layers' tensors are read. The head loads when the checkpoint has one of the same
     * shape (a model fine-tuned for this task) and keeps its fresh initialisation otherwise. All tensors
     * are read and checked before the first parameter is set ({@link TensorBinding#loadAll}).
     *
     * @return whether the classification head came from the checkpoint
     */
    boolean loadWeights(Weights weights);

    /** Initialises every parameter for int64 (B, T) inputs; shapes do not depend on B and T. */
    default void initialize(NDManager manager) {
        Shape ids = new Shape(1, 1);
        initialize(manager, DataType.FLOAT32, ids, ids, ids);
    }

    /** The head's size, checked once for every architecture. */
    static int checkNumOutputs(int numOutputs) {
        if (numOutputs < 1) {
            throw new IllegalArgumentException("numOutputs (" + numOutputs + ") must be >= 1");
        }
        return numOutputs;
    }
}
