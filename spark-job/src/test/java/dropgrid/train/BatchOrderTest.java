package dropgrid.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BatchOrderTest {

    private static final int[] LENGTHS = new Random(9).ints(1000, 3, 128).toArray();

    @Test
    void everyExampleAppearsOnceAndTheLastBatchIsPartial() {
        for (boolean grouping : new boolean[] {false, true}) {
            List<List<Integer>> batches = BatchOrder.training(LENGTHS, 32, grouping, new Random(1));
            assertEquals(BatchOrder.stepsPerEpoch(1000, 32), batches.size());
            List<Integer> all = new ArrayList<>();
            batches.forEach(all::addAll);
            assertEquals(IntStream.range(0, 1000).boxed().toList(), all.stream().sorted().toList());
        }
    }

    @Test
    void sameSeedSameOrderOtherSeedOtherOrder() {
        assertEquals(BatchOrder.training(LENGTHS, 8, true, new Random(4)),
                BatchOrder.training(LENGTHS, 8, true, new Random(4)));
        assertNotEquals(BatchOrder.training(LENGTHS, 8, false, new Random(4)),
                BatchOrder.training(LENGTHS, 8, false, new Random(5)));
    }

    @Test
    void lengthGroupingCutsPaddingButKeepsBatchesShuffled() {
        long plain = paddedTokens(BatchOrder.training(LENGTHS, 8, false, new Random(2)));
        List<List<Integer>> grouped = BatchOrder.training(LENGTHS, 8, true, new Random(2));
        assertTrue(paddedTokens(grouped) < 0.8 * plain, "grouped " + paddedTokens(grouped) + " vs " + plain);
        // Batches are not globally sorted: the longest rows of consecutive batches go up and down.
        long rises = IntStream.range(1, grouped.size())
                .filter(i -> longest(grouped.get(i)) > longest(grouped.get(i - 1))).count();
        assertTrue(rises > grouped.size() / 4, "batch order should be shuffled, rises=" + rises);
    }

    @Test
    void evaluationOrderCoversAllExamplesLongestFirst() {
        List<List<Integer>> batches = BatchOrder.evaluation(LENGTHS, 64);
        assertEquals(16, batches.size());
        for (int i = 1; i < batches.size(); i++) {
            assertTrue(longest(batches.get(i)) <= longest(batches.get(i - 1)));
        }
    }

    private static int longest(List<Integer> batch) {
        return batch.stream().mapToInt(i -> LENGTHS[i]).max().orElseThrow();
    }

    private static long paddedTokens(List<List<Integer>> batches) {
        return batches.stream().mapToLong(b -> (long) b.size() * longest(b)).sum();
    }
}
