package dropgrid.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A padded batch as flat row-major Java arrays, (rows × width) each; turned into NDArrays only inside
 * the per-batch manager that will free them.
 *
 * @param rows examples in the batch (B)
 * @param width padded length (T)
 * @param ids token ids, padding positions hold the tokenizer's pad id
 * @param typeIds token-type ids, padding positions hold its pad type id
 * @param mask 1 on real tokens, 0 on padding
 * @param labels gold class per row (-1 for regression)
 * @param scores gold regression target per row (NaN for classification)
 * @param realTokens non-padding tokens in the batch, for throughput
 */
public record Batch(int rows, int width, long[] ids, long[] typeIds, long[] mask, int[] labels, float[] scores,
        long realTokens) {

    /** {@code NDList(inputIds, tokenTypeIds, attentionMask)}, each (B, T) int64, the encoders' input. */
    public NDList inputs(NDManager manager) {
        Shape shape = new Shape(rows, width);
        return new NDList(manager.create(ids, shape), manager.create(typeIds, shape), manager.create(mask, shape));
    }

    /** Gold classes (B) as int64. */
    public NDArray labelArray(NDManager manager) {
        long[] values = new long[rows];
        for (int i = 0; i < rows; i++) {
            values[i] = labels[i];
        }
        return manager.create(values);
    }

    /** Gold regression targets (B) as float32. */
    public NDArray scoreArray(NDManager manager) {
        return manager.create(scores);
    }
}
