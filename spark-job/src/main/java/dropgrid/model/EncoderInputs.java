package dropgrid.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dropgrid.kernels.Scalars;

/**
 * The input convention of every {@link Encoder}, checked where it enters, and the attention mask built
 * from it: {@code NDList(inputIds, tokenTypeIds, attentionMask)}, each (B, T) int64.
 */
final class EncoderInputs {

    private EncoderInputs() {}

    /** {@link #checkShapes} and {@code input_ids} inside the word-embedding table ({@code vocab_size}). */
    static void check(NDList inputs, int vocabSize) {
        checkShapes(inputs);
        checkRange(inputs.get(0), "input_ids", vocabSize, "vocab_size");
    }

    /** {@link #check(NDList, int)} and {@code token_type_ids} inside their table ({@code type_vocab_size}). */
    static void check(NDList inputs, int vocabSize, int typeVocabSize) {
        check(inputs, vocabSize);
        checkRange(inputs.get(1), "token_type_ids", typeVocabSize, "type_vocab_size");
    }

    /** Three arrays, all (B, T). */
    private static void checkShapes(NDList inputs) {
        if (inputs.size() != 3) {
            throw new IllegalArgumentException(
                    "encoders take NDList(inputIds, tokenTypeIds, attentionMask), got " + inputs.size() + " arrays");
        }
        Shape ids = inputs.get(0).getShape();
        if (ids.dimension() != 2) {
            throw new IllegalArgumentException("input_ids must be (B, T), got shape " + ids);
        }
        for (int i = 1; i < 3; i++) {
            if (!inputs.get(i).getShape().equals(ids)) {
                throw new IllegalArgumentException("input " + i + " has shape " + inputs.get(i).getShape()
                        + ", input_ids has " + ids + "; all three must be (B, T)");
            }
        }
    }

    /**
     * Ids must index their table: checked here, where PyTorch would only say "index out of range in
     * self". {@code what} names the input, {@code key} the config key of the table size.
     */
    private static void checkRange(NDArray ids, String what, int size, String key) {
        if (ids.isEmpty()) {
            return;
        }
        long min = ids.min().toType(DataType.INT64, false).getLong();
        long max = ids.max().toType(DataType.INT64, false).getLong();
        if (min < 0 || max >= size) {
            throw new IllegalArgumentException(String.format(
                    "%s range from %d to %d, outside [0, %d) (%s)", what, min, max, size, key));
        }
    }

    /**
     * What the first layer takes: {@code x} (B, T, E), the embeddings, and the additive mask (B, 1, 1, T)
     * of {@code inputs}' attention mask in x's dtype.
     */
    static NDList layerInputs(NDArray x, NDList inputs) {
        return new NDList(x, additiveMask(inputs.get(2), x.getDataType()));
    }

    /** The shapes of {@link #layerInputs} for hidden states of shape {@code x} (B, T, E). */
    static Shape[] layerInputShapes(Shape x) {
        return new Shape[] {x, new Shape(x.get(0), 1, 1, x.get(1))};
    }

    /**
     * (B, T) 1/0 mask → (B, 1, 1, T) added to attention scores: 0 on tokens, the dtype's lowest value
     * on padding, as HF's {@code get_extended_attention_mask}, so padding gets exactly zero probability.
     */
    private static NDArray additiveMask(NDArray attentionMask, DataType dataType) {
        float lowest = dataType == DataType.FLOAT16 ? -65504f : -Float.MAX_VALUE;
        long[] s = attentionMask.getShape().getShape();
        NDArray mask = attentionMask.toType(dataType, false);
        // libtorch scalars: DJL's add/mul(Number) copy a Java buffer to the device on every call.
        return mask.sub(Scalars.like(mask, 1)).mul(Scalars.like(mask, -lowest)).reshape(s[0], 1, 1, s[1]);
    }
}
