package dropgrid.train;

import dropgrid.tokenize.Tokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * Pads encoded examples into a {@link Batch}: to the batch's own longest row (dynamic padding) or to a
 * fixed length (the paper's code padded everything to {@code max_seq_length}, kept for benchmarks).
 * XLNet pads on the left so its summary token stays in the last position.
 */
public final class Collator {

    private final long padId;
    private final long padTypeId;
    private final Tokenizer.PaddingSide side;
    private final int fixedWidth;

    /**
     * @param fixedWidth pad every batch to this width; 0 pads each batch to its own longest row
     */
    public Collator(long padId, long padTypeId, Tokenizer.PaddingSide side, int fixedWidth) {
        if (fixedWidth < 0) {
            throw new IllegalArgumentException("fixed padding width must be >= 0 (0 = dynamic), got " + fixedWidth);
        }
        this.padId = padId;
        this.padTypeId = padTypeId;
        this.side = side;
        this.fixedWidth = fixedWidth;
    }

    /** The collator a tokenizer needs: dynamic, or fixed at {@code maxSeqLength} when not {@code dynamic}. */
    public static Collator of(Tokenizer tokenizer, boolean dynamic, int maxSeqLength) {
        return new Collator(tokenizer.padId(), tokenizer.padTypeId(), tokenizer.paddingSide(),
                dynamic ? 0 : maxSeqLength);
    }

    public Batch collate(List<EncodedExample> examples) {
        if (examples.isEmpty()) {
            throw new IllegalArgumentException("cannot collate an empty batch");
        }
        int longest = examples.stream().mapToInt(EncodedExample::length).max().orElseThrow();
        if (fixedWidth > 0 && longest > fixedWidth) {
            throw new IllegalArgumentException("an example has " + longest + " tokens, more than the fixed padding"
                    + " width " + fixedWidth + "; encode with max length <= " + fixedWidth);
        }
        int width = fixedWidth > 0 ? fixedWidth : longest;
        int rows = examples.size();
        long[] ids = new long[rows * width];
        long[] typeIds = new long[rows * width];
        long[] mask = new long[rows * width];
        int[] labels = new int[rows];
        float[] scores = new float[rows];
        long realTokens = 0;
        for (int r = 0; r < rows; r++) {
            EncodedExample e = examples.get(r);
            int n = e.length();
            int start = r * width + (side == Tokenizer.PaddingSide.LEFT ? width - n : 0);
            Arrays.fill(ids, r * width, (r + 1) * width, padId);
            Arrays.fill(typeIds, r * width, (r + 1) * width, padTypeId);
            System.arraycopy(e.ids(), 0, ids, start, n);
            System.arraycopy(e.typeIds(), 0, typeIds, start, n);
            Arrays.fill(mask, start, start + n, 1L);
            labels[r] = e.label();
            scores[r] = e.score();
            realTokens += n;
        }
        return new Batch(rows, width, ids, typeIds, mask, labels, scores, realTokens);
    }
}
