package dropgrid.glue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SubsetTest {

    private static final List<Integer> ROWS = IntStream.range(0, 100).boxed().toList();

    @Test
    void sameSeedGivesTheSameSubsetInFileOrder() {
        List<Integer> a = Subset.take(ROWS, 10, 7);
        assertEquals(a, Subset.take(ROWS, 10, 7));
        assertEquals(10, a.size());
        assertEquals(a.stream().sorted().toList(), a);
        assertNotEquals(a, Subset.take(ROWS, 10, 8));
    }

    @Test
    void subsetIsTheFirstIndicesOfASeededFisherYatesShuffle() {
        // The documented rule, written out independently: swap i with Random(seed).nextInt(i + 1), i = n-1..1.
        List<Integer> shuffled = new ArrayList<>(ROWS);
        Random random = new Random(42);
        for (int i = shuffled.size() - 1; i > 0; i--) {
            java.util.Collections.swap(shuffled, i, random.nextInt(i + 1));
        }
        assertEquals(shuffled.subList(0, 5).stream().sorted().toList(), Subset.take(ROWS, 5, 42));
    }

    @Test
    void smallerCapIsContainedInLargerCap() {
        assertTrue(Subset.take(ROWS, 40, 3).containsAll(Subset.take(ROWS, 20, 3)));
    }

    @Test
    void zeroOrOversizedCapKeepsEverything() {
        assertSame(ROWS, Subset.take(ROWS, 0, 1));
        assertSame(ROWS, Subset.take(ROWS, 100, 1));
        assertSame(ROWS, Subset.take(ROWS, 1000, 1));
    }
}
