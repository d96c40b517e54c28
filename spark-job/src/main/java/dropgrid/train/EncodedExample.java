package dropgrid.train;

import dropgrid.glue.GlueTask;

/**
 * One tokenized example with its training target, before padding.
 *
 * @param ids token ids, special tokens included
 * @param typeIds token-type ids, same length
 * @param label gold class index into {@link GlueTask#labels()}, or -1 for regression
 * @param score gold regression target (STS-B), or {@code NaN} for classification
 */
public record EncodedExample(long[] ids, long[] typeIds, int label, float score) {

    public EncodedExample {
        if (ids.length != typeIds.length || ids.length == 0) {
            throw new IllegalArgumentException("an encoded example needs equally long, non-empty ids ("
                    + ids.length + ") and type ids (" + typeIds.length + ")");
        }
    }

    public int length() {
        return ids.length;
    }
}
