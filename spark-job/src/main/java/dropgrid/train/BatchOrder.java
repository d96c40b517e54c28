package dropgrid.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Which examples go into which batch, in which order. Training order is a seeded shuffle (as a PyTorch
 * {@code RandomSampler}); with length grouping the shuffled examples are cut into buckets of
 * {@link #GROUP_BATCHES} batches, sorted by length inside each bucket and the resulting batches shuffled
 * again (Hugging Face's {@code LengthGroupedSampler} idea): batches of similar lengths waste little on
 * padding while the order stays random.
 */
public final class BatchOrder {

    /** Batches per length-sorting bucket; Hugging Face's {@code LengthGroupedSampler} uses 50 as well. */
    public static final int GROUP_BATCHES = 50;

    private BatchOrder() {}

    /** One epoch's batches of example indices; {@code random} carries the seed across epochs. */
    public static List<List<Integer>> training(int[] lengths, int batchSize, boolean lengthGrouping, Random random) {
        List<Integer> order = new ArrayList<>(lengths.length);
        for (int i = 0; i < lengths.length; i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        if (!lengthGrouping) {
            return chunks(order, batchSize);
        }
        List<List<Integer>> batches = new ArrayList<>();
        for (List<Integer> bucket : chunks(order, batchSize * GROUP_BATCHES)) {
            List<Integer> sorted = new ArrayList<>(bucket);
            // Stable sort, longest first: the order inside equal lengths is still the seeded shuffle.
            sorted.sort(Comparator.comparingInt((Integer i) -> lengths[i]).reversed());
            batches.addAll(chunks(sorted, batchSize));
        }
        Collections.shuffle(batches, random);
        return batches;
    }

    /**
     * Evaluation batches: sorted by length (longest first) so dynamic padding pads little; the caller
     * puts predictions back by index, so the order does not change any score.
     */
    public static List<List<Integer>> evaluation(int[] lengths, int batchSize) {
        List<Integer> order = new ArrayList<>(lengths.length);
        for (int i = 0; i < lengths.length; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingInt((Integer i) -> lengths[i]).reversed());
        return chunks(order, batchSize);
    }

    /** Optimiser steps in one epoch of {@code examples} (the last, partial batch counts, as PyTorch's). */
    public static int stepsPerEpoch(int examples, int batchSize) {
        return (examples + batchSize - 1) / batchSize;
    }

    private static List<List<Integer>> chunks(List<Integer> order, int size) {
        List<List<Integer>> out = new ArrayList<>();
        for (int from = 0; from < order.size(); from += size) {
            out.add(List.copyOf(order.subList(from, Math.min(order.size(), from + size))));
        }
        return out;
    }
}
