package dropgrid.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dropgrid.train.EngineThreads;
import dropgrid.train.GradientTape;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The native dropout kernel against {@code torch.nn.functional.dropout}'s definition: every element is
 * zero or its input times {@code 1 / (1 - p)} (computed in fp32, rounded once), kept with probability
 * {@code 1 - p} independently of its neighbours, and its gradient is the upstream gradient through the
 * same mask and scale. A different generator than ATen's cannot give ATen's masks, so the masks are
 * checked by their statistics; they follow libtorch's seed and not the number of threads.
 */
class DropoutKernelTest {

    /** About four million elements: the parallel loop splits them into many blocks. */
    private static final Shape SHAPE = new Shape(2, 128, 16384);

    @BeforeAll
    static void nativeKernels() {
        assertTrue(Kernels.nativeKernels(), TorchNative.status());
    }

    @Test
    void keepsOneMinusPAndScalesTheKept() {
        for (double p : new double[] {0.1, 0.5}) {
            try (NDManager manager = NDManager.newBaseManager()) {
                Engine.getInstance().setRandomSeed(18);
                NDArray x = manager.randomUniform(1, 2, SHAPE); // no zeros: a zero output means dropped
                NDArray upstream = manager.randomNormal(SHAPE);
                x.setRequiresGradient(true);
                NDArray y;
                try (GradientTape tape = GradientTape.record()) {
                    y = Kernels.dropout(x, p, true);
                    GradientTape.backward(y.mul(upstream).sum());
                }
                float scale = (float) (1 / (1 - p));
                float[] in = x.toFloatArray();
                float[] out = y.toFloatArray();
                float[] gradient = x.getGradient().toFloatArray();
                float[] g = upstream.toFloatArray();
                long kept = 0;
                long pairsDropped = 0;
                for (int i = 0; i < out.length; i++) {
                    boolean keep = out[i] != 0;
                    kept += keep ? 1 : 0;
                    if (i % 2 == 1 && !keep && out[i - 1] == 0) {
                        pairsDropped++;
                    }
                    assertEquals(keep ? in[i] * scale : 0f, out[i], 0f, "p " + p + " output " + i);
                    assertEquals(keep ? g[i] * scale : 0f, gradient[i], 0f, "p " + p + " gradient " + i);
                }
                assertWithinBinomial(kept, out.length, 1 - p, "p " + p + " kept");
                // Neighbours share one 64-bit draw: their masks must still be independent.
                assertWithinBinomial(pairsDropped, out.length / 2, p * p, "p " + p + " pairs both dropped");
            }
        }
    }

    @Test
    void masksFollowTheSeedAndNotTheThreads() {
        int threads = EngineThreads.current();
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.ones(SHAPE);
            EngineThreads.use(1);
            Engine.getInstance().setRandomSeed(7);
            float[] first = Kernels.dropout(x, 0.1, true).toFloatArray();
            float[] next = Kernels.dropout(x, 0.1, true).toFloatArray();
            EngineThreads.use(2);
            Engine.getInstance().setRandomSeed(7);
            float[] again = Kernels.dropout(x, 0.1, true).toFloatArray();
            assertArrayEquals(first, again, "same seed, 2 threads instead of 1");
            assertFalse(Arrays.equals(first, next), "the next call draws a new mask");
        } finally {
            EngineThreads.use(threads);
        }
    }

    @Test
    void halfPrecisionRoundsTheScaledValueOnce() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            NDArray x = manager.randomUniform(1, 2, new Shape(4096, 256)).toType(DataType.FLOAT16, false);
            NDArray y = Kernels.dropout(x, 0.1, true);
            assertEquals(DataType.FLOAT16, y.getDataType());
            float[] out = y.toType(DataType.FLOAT32, false).toFloatArray();
            float[] expected = x.toType(DataType.FLOAT32, false).mul(Scalars.like(x.toType(DataType.FLOAT32, false),
                    (float) (1 / 0.9))).toType(DataType.FLOAT16, false).toType(DataType.FLOAT32, false).toFloatArray();
            long kept = 0;
            for (int i = 0; i < out.length; i++) {
                if (out[i] != 0) {
                    kept++;
                    assertEquals(expected[i], out[i], "element " + i);
                }
            }
            assertWithinBinomial(kept, out.length, 0.9, "kept");
        }
    }

    @Test
    void outsideTrainingOrAtZeroItIsTheIdentity() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomNormal(new Shape(8, 8));
            assertSame(x, Kernels.dropout(x, 0.1, false));
            assertSame(x, Kernels.dropout(x, 0, true));
        }
    }

    /** {@code count} of {@code n} Bernoulli(q) trials lies within five standard deviations of n·q. */
    private static void assertWithinBinomial(long count, long n, double q, String what) {
        double mean = n * q;
        double sigma = Math.sqrt(n * q * (1 - q));
        assertTrue(Math.abs(count - mean) <= 5 * sigma,
                what + ": " + count + " of " + n + ", expected " + mean + " ± " + 5 * sigma);
    }
}
