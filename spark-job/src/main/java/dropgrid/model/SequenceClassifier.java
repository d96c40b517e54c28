package dropgrid.model;

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
}
