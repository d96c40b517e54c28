package dropgrid.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dropgrid.train.GradientTape;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The attention's fused mask + softmax + dropout kernel against the definitions computed here in double:
 * softmax(scores + mask) and its gradient p·(g − Σ g·p), in fp32 and in bf16 (where the masked score,
 * the probability and the dropped probability are each rounded to bf16, as the composed ops round
 * them); its dropout against the dropout kernel, which must draw the same mask for the same seed, and
 * the gradient through that mask.
 * Rows of 40 keys, so that the 16-wide reductions have tails; masked keys included. fp32 within 1e-6
 * relative (probabilities) and 1e-5 (gradients, whose g − Σ g·p cancels), as the HF goldens hold.
 */
class SoftmaxDropoutKernelTest {

    private static final int B = 2;
    private static final int N = 3;
    private static final int QUERIES = 5;
    private static final int KEYS = 40;

    private float[] scores;
    private float[] mask;
    private float[] upstream;

    @BeforeAll
    static void nativeKernels() {
        assertTrue(Kernels.nativeKernels(), TorchNative.status());
    }

    @BeforeEach
    void inputs() {
        Random random = new Random(11);
        scores = new float[B * N * QUERIES * KEYS];
        upstream = new float[scores.length];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = bf16((float) (3 * random.nextGaussian())); // bf16 values: both precisions see the same input
            upstream[i] = bf16((float) random.nextGaussian());
        }
        mask = new float[B * KEYS];
        for (int key = KEYS - 7; key < KEYS; key++) {
            mask[key] = -Float.MAX_VALUE; // the first example's last 7 keys are padding, as EncoderInputs masks them
        }
    }

    @Test
    void softmaxAndItsGradientInFp32() {
        Result ours = run(0, Precision.FP32);
        double[][] expected = reference(false);
        for (int i = 0; i < scores.length; i++) {
            assertEquals(expected[0][i], ours.out[i], 1e-6 * expected[0][i] + 1e-12, "probability " + i);
            assertEquals(expected[1][i], ours.gradient[i], 1e-5 * Math.abs(expected[1][i]) + 1e-9, "gradient " + i);
        }
    }

    @Test
    void softmaxAndItsGradientInBf16() {
        Result ours = run(0, Precision.BF16);
        double[][] expected = reference(true);
        int probabilitiesOff = 0;
        int gradientsOff = 0;
        for (int i = 0; i < scores.length; i++) {
            probabilitiesOff += withinOneBf16Ulp(bf16((float) expected[0][i]), ours.out[i], "probability " + i);
            gradientsOff += withinOneBf16Ulp(bf16((float) expected[1][i]), ours.gradient[i], "gradient " + i);
        }
        // fp32 arithmetic against double: an ulp apart only where the two sit across a rounding boundary
        assertTrue(probabilitiesOff <= scores.length / 50, probabilitiesOff + " probabilities an ulp off");
        assertTrue(gradientsOff <= scores.length / 20, gradientsOff + " gradients an ulp off");
    }

    @Test
    void itsDropoutIsTheDropoutKernelsForTheSameSeed() {
        for (Precision precision : new Precision[] {Precision.FP32, Precision.BF16}) {
            float[] probabilities = run(0, precision).out;
            Engine.getInstance().setRandomSeed(23);
            Result dropped = run(0.1, precision);
            Engine.getInstance().setRandomSeed(23);
            float[] expected;
            try (NDManager manager = NDManager.newBaseManager()) {
                expected = Kernels.dropout(manager.create(probabilities), 0.1, true).toFloatArray();
            }
            if (precision == Precision.BF16) {
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = bf16(expected[i]); // the fp32 product the bf16 kernel rounds once more
                }
            }
            assertArrayEquals(expected, dropped.out, 0f, precision + ": same seed, same mask and scale");
            // the gradient through that mask (a kept probability is non-zero: only masked keys have p = 0,
            // and their gradient is 0 whatever the mask)
            boolean[] kept = new boolean[expected.length];
            for (int i = 0; i < kept.length; i++) {
                kept[i] = dropped.out[i] != 0;
            }
            double[] gradient = reference(precision == Precision.BF16, kept, 0.1)[1];
            for (int i = 0; i < gradient.length; i++) {
                if (precision == Precision.BF16) {
                    withinOneBf16Ulp(bf16((float) gradient[i]), dropped.gradient[i], "dropped gradient " + i);
                } else {
                    assertEquals(gradient[i], dropped.gradient[i], 1e-5 * Math.abs(gradient[i]) + 1e-9,
                            "dropped gradient " + i);
                }
            }
        }
    }

    private record Result(float[] out, float[] gradient) {}

    private Result run(double p, Precision precision) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(scores, new Shape(B, N, QUERIES, KEYS));
            NDArray m = manager.create(mask, new Shape(B, 1, 1, KEYS));
            x.setRequiresGradient(true);
            float[] out;
            try (GradientTape tape = GradientTape.record()) {
                NDArray y = Kernels.wrap(x, TorchNative.softmaxDropout(Kernels.handle(x), Kernels.handle(m), p,
                        precision.code()));
                GradientTape.backward(y.mul(manager.create(upstream, y.getShape())).sum());
                out = y.toFloatArray();
            }
            return new Result(out, x.getGradient().toFloatArray());
        }
    }

    /** softmax(scores + mask) and its gradient in double, the masked score rounded to bf16 first if asked. */
    private double[][] reference(boolean bf16) {
        return reference(bf16, null, 0);
    }

    /**
     * The same with dropout's mask applied to the upstream gradient: g · kept / (1 - p), rounded to bf16
     * if asked (as dropout's backward rounds it), before the softmax's gradient.
     */
    private double[][] reference(boolean bf16, boolean[] kept, double p) {
        double[] probabilities = new double[scores.length];
        double[] gradient = new double[scores.length];
        for (int row = 0; row < B * N * QUERIES; row++) {
            int example = row / (N * QUERIES);
            double[] s = new double[KEYS];
            double max = Double.NEGATIVE_INFINITY;
            for (int key = 0; key < KEYS; key++) {
                float m = bf16 ? bf16(mask[example * KEYS + key]) : mask[example * KEYS + key];
                float masked = scores[row * KEYS + key] + m;
                s[key] = bf16 ? bf16(masked) : masked;
                max = Math.max(max, s[key]);
            }
            double total = 0;
            for (int key = 0; key < KEYS; key++) {
                s[key] = Math.exp(s[key] - max);
                total += s[key];
            }
            double[] g = new double[KEYS];
            double dot = 0;
            for (int key = 0; key < KEYS; key++) {
                int i = row * KEYS + key;
                probabilities[i] = bf16 ? bf16((float) (s[key] / total)) : s[key] / total;
                float through = kept == null ? upstream[i] : kept[i] ? (float) (upstream[i] * (1 / (1 - p))) : 0;
                g[key] = bf16 ? bf16(through) : through;
                dot += g[key] * probabilities[i];
            }
            for (int key = 0; key < KEYS; key++) {
                int i = row * KEYS + key;
                gradient[i] = probabilities[i] * (g[key] - dot);
            }
        }
        return new double[][] {probabilities, gradient};
    }

    /** fp32 rounded to the nearest bf16, ties to even (overflow to infinity, as a cast rounds it). */
    private static float bf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        bits += 0x7fff + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(bits & 0xffff0000);
    }

    /** 0 when equal, 1 when neighbouring bf16 values; fails otherwise. */
    private static int withinOneBf16Ulp(float expected, float actual, String what) {
        if (expected == actual) {
            return 0;
        }
        int apart = Math.abs((Float.floatToRawIntBits(expected) >> 16) - (Float.floatToRawIntBits(actual) >> 16));
        assertEquals(1, apart, what + ": expected " + expected + ", got " + actual);
        return 1;
    }
}
