package dropgrid.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A trivially learnable task for the training tests: random token sequences of random length over
 * ids 2..vocab-1; the label is 1 when the "marker" token 3 occurs, else 0 (about half the examples).
 */
final class SyntheticTask {

    static final int VOCAB = 12;
    static final long PAD = 0;

    private SyntheticTask() {}

    static List<EncodedExample> examples(int n, long seed) {
        Random random = new Random(seed);
        List<EncodedExample> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int length = 3 + random.nextInt(10);
            boolean positive = random.nextBoolean();
            long[] ids = new long[length];
            for (int t = 0; t < length; t++) {
                ids[t] = 4 + random.nextInt(VOCAB - 4);
            }
            if (positive) {
                ids[random.nextInt(length)] = 3;
            }
            out.add(new EncodedExample(ids, new long[length], positive ? 1 : 0, Float.NaN));
        }
        return out;
    }
}
