package dropgrid.train;

import dropgrid.tokenize.Tokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * Pads encoded examples into a {@link Batch}: to the batch's own longest row (dynamic padding) or to a
 * fixed length (the paper's code padded everything to {@code max_seq_length}, kept for benchmarks).
 * XLNet pads on the left so its summary token stays in the last position.
 *
 * <p>A cell's dynamic widths are rounded up to a multiple of {@value #WIDTH_MULTIPLE} (at most
 * {@code max_seq_length}), as HF's {@code pad_to_multiple_of}: the masked positions change no real token's
 * output, and a run then sees 8 batch shapes instead of ~120. Every new shape leaves freed blocks of new
 * sizes behind: with a width a batch, a 12-layer RTE cell's RSS grew ~1 MB a step to the end of training
 * (+31 % from step 100 to step 900, measured); with multiples of 16, +3.8 % (docs/precision.md, Memory).
 */
public final class Collator {

    /** Dynamic widths are rounded up to a multiple of this in a cell (see the class comment). */
    public static final int WIDTH_MULTIPLE = 16;

    private final long padId;
    private final long padTypeId;
    private final Tokenizer.PaddingSide side;
    private final int fixedWidth;
    private final int widthMultiple;
    private final int maxWidth;

    /**
     * @param fixedWidth pad every batch to this width; 0 pads each batch to its own longest row
     */
    public Collator(long padId, long padTypeId, Tokenizer.PaddingSide side, int fixedWidth) {
        this(padId, padTypeId, side, fixedWidth, 1, Integer.MAX_VALUE);
    }

    private Collator(long padId, long padTypeId, Tokenizer.PaddingSide side, int fixedWidth, int widthMultiple,
            int maxWidth) {
        if (fixedWidth < 0) {
            throw new IllegalArgumentException("fixed padding width must be >= 0 (0 = dynamic), got " + fixedWidth);
        }
        if (widthMultiple < 1 || maxWidth < 1) {
            throw new IllegalArgumentException("width multiple and maximum width must be >= 1, got " + widthMultiple
                    + " and " + maxWidth);
        }
        this.padId = padId;
        this.padTypeId = padTypeId;
        this.side = side;
        this.fixedWidth = fixedWidth;
        this.widthMultiple = widthMultiple;
        this.maxWidth = maxWidth;
    }

    /**
     * Dynamic padding to the longest row rounded up to a multiple of {@code widthMultiple}, but never wider
     * than {@code maxWidth}.
     */
    public static Collator dynamic(long padId, long padTypeId, Tokenizer.PaddingSide side, int widthMultiple,
            int maxWidth) {
        return new Collator(padId, padTypeId, side, 0, widthMultiple, maxWidth);
    }

    /**
     * The collator of a cell: dynamic widths in multiples of {@link #WIDTH_MULTIPLE} up to {@code maxSeqLength},
     * or every batch at {@code maxSeqLength} when not {@code dynamic}.
     */
    public static Collator of(Tokenizer tokenizer, boolean dynamic, int maxSeqLength) {
        return dynamic
                ? dynamic(tokenizer.padId(), tokenizer.padTypeId(), tokenizer.paddingSide(), WIDTH_MULTIPLE, maxSeqLength)
                : new Collator(tokenizer.padId(), tokenizer.padTypeId(), tokenizer.paddingSide(), maxSeqLength);
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
        int width = fixedWidth > 0 ? fixedWidth : Math.max(longest, Math.min(roundUp(longest), maxWidth));
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

    private int roundUp(int width) {
        return (width + widthMultiple - 1) / widthMultiple * widthMultiple;
    }
}
