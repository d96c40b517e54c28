package dropgrid.glue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Deterministic example caps ({@code max_train_examples}, {@code max_eval_examples}).
 *
 * <p>The rule: shuffle the row indices 0..n-1 with a Fisher–Yates pass driven by {@code new
 * java.util.Random(seed)} (from the last index down, swapping index i with {@code nextInt(i + 1)}), keep
 * the first {@code max} indices, and return those examples in file order. {@code java.util.Random}'s
 * generator is fixed by its specification, so the subset is the same on every JVM, and for one seed a
 * smaller cap picks a subset of a larger cap's examples. A cap of 0, or one at least the file's size,
 * keeps every example in file order.
 */
public final class Subset {

    private Subset() {}

    /** At most {@code max} examples chosen by {@code seed}, in their original order (0 = all). */
    public static <T> List<T> take(List<T> examples, int max, long seed) {
        if (max < 0) {
            throw new IllegalArgumentException("max examples must be >= 0 (0 = no cap), got " + max);
        }
        if (max == 0 || max >= examples.size()) {
            return examples;
        }
        int[] order = new int[examples.size()];
        Arrays.setAll(order, i -> i);
        Random random = new Random(seed);
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] kept = Arrays.copyOf(order, max);
        Arrays.sort(kept);
        List<T> subset = new ArrayList<>(max);
        for (int i : kept) {
            subset.add(examples.get(i));
        }
        return subset;
    }
}
