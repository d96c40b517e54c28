package dropgrid.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dropgrid.tokenize.Tokenizer.PaddingSide;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CollatorTest {

    private static final List<EncodedExample> TWO = List.of(
            new EncodedExample(new long[] {101, 7, 102}, new long[] {0, 0, 0}, 1, Float.NaN),
            new EncodedExample(new long[] {101, 8, 9, 10, 102}, new long[] {0, 0, 1, 1, 1}, 0, Float.NaN));

    @Test
    void dynamicPaddingPadsToTheLongestRowOnTheRight() {
        Batch b = new Collator(0, 0, PaddingSide.RIGHT, 0).collate(TWO);
        assertEquals(2, b.rows());
        assertEquals(5, b.width());
        assertArrayEquals(new long[] {101, 7, 102, 0, 0, 101, 8, 9, 10, 102}, b.ids());
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 0, 0, 1, 1, 1}, b.typeIds());
        assertArrayEquals(new long[] {1, 1, 1, 0, 0, 1, 1, 1, 1, 1}, b.mask());
        assertArrayEquals(new int[] {1, 0}, b.labels());
        assertEquals(8, b.realTokens());
    }

    @Test
    void aCellsDynamicWidthsAreMultiplesOfSixteenUpToMaxSeqLength() {
        Collator cell = Collator.dynamic(0, 0, PaddingSide.RIGHT, Collator.WIDTH_MULTIPLE, 40);
        Batch b = cell.collate(TWO);
        assertEquals(16, b.width());
        assertArrayEquals(new long[] {1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, Arrays.copyOf(b.mask(), 16));
        assertEquals(8, b.realTokens());
        assertEquals(32, cell.collate(List.of(example(17))).width());
        // never wider than max_seq_length, even when that is not a multiple
        assertEquals(40, cell.collate(List.of(example(33))).width());
        assertEquals(40, cell.collate(List.of(example(40))).width());
    }

    @Test
    void leftPaddingToAMultipleKeepsTheLastTokenLast() {
        Batch b = Collator.dynamic(5, 4, PaddingSide.LEFT, 4, 512).collate(TWO);
        assertEquals(8, b.width());
        assertArrayEquals(new long[] {5, 5, 5, 5, 5, 101, 7, 102, 5, 5, 5, 101, 8, 9, 10, 102}, b.ids());
        assertArrayEquals(new long[] {0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1}, b.mask());
    }

    private static EncodedExample example(int length) {
        return new EncodedExample(new long[length], new long[length], 0, Float.NaN);
    }

    @Test
    void xlnetStylePaddingGoesLeftWithItsOwnPadSegment() {
        Batch b = new Collator(5, 4, PaddingSide.LEFT, 0).collate(TWO);
        assertArrayEquals(new long[] {5, 5, 101, 7, 102, 101, 8, 9, 10, 102}, b.ids());
        assertArrayEquals(new long[] {4, 4, 0, 0, 0, 0, 0, 1, 1, 1}, b.typeIds());
        assertArrayEquals(new long[] {0, 0, 1, 1, 1, 1, 1, 1, 1, 1}, b.mask());
    }

    @Test
    void fixedWidthPadsEveryBatchToMaxSeqLength() {
        Batch b = new Collator(0, 0, PaddingSide.RIGHT, 8).collate(TWO.subList(0, 1));
        assertEquals(8, b.width());
        assertArrayEquals(new long[] {1, 1, 1, 0, 0, 0, 0, 0}, b.mask());
        assertEquals(3, b.realTokens());
    }

    @Test
    void rowLongerThanFixedWidthIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Collator(0, 0, PaddingSide.RIGHT, 4).collate(TWO));
        assertEquals(true, e.getMessage().contains("5 tokens") && e.getMessage().contains("4"), e.getMessage());
    }
}
