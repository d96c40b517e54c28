package dropgrid.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * The training loss of a task head, as Hugging Face's {@code *ForSequenceClassification}: mean
 * cross-entropy over classes, or mean squared error for one regression output (STS-B).
 */
public enum Objective {
    CROSS_ENTROPY,
    MEAN_SQUARED_ERROR;

    /** Regression when the examples carry scores (label -1), classification when they carry classes. */
    public static Objective forExamples(List<EncodedExample> examples) {
        boolean regression = examples.get(0).label() < 0;
        for (EncodedExample e : examples) {
            if ((e.label() < 0) != regression) {
                throw new IllegalArgumentException("training examples mix class labels and regression scores");
            }
        }
        return regression ? MEAN_SQUARED_ERROR : CROSS_ENTROPY;
    }

    /** The mean loss of a batch: {@code logits} (B, C), gold targets from {@code batch}. */
    public NDArray loss(NDArray logits, Batch batch, NDManager manager) {
        return switch (this) {
            case CROSS_ENTROPY -> {
                NDArray gold = batch.labelArray(manager).reshape(-1, 1);
                yield logits.logSoftmax(1).gather(gold, 1).mean().neg();
            }
            case MEAN_SQUARED_ERROR -> logits.reshape(-1).sub(batch.scoreArray(manager)).square().mean();
        };
    }
}
