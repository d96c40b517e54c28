package dropgrid.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dropgrid.train.GradientTape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The native fp32 blocks at BERT-base's shapes (E 768, 12 heads, I 3072; B 2, T 128 with padding), where
 * their GEMMs (oneDNN's, not MKL's) and batched attention products take other kernels than at the golden
 * tests' tiny shapes: the output and every gradient against the same blocks on DJL's operators in fp64,
 * within 1e-5 relative.
 */
class KernelsAtBertShapesTest {

    private static final int B = 2;
    private static final int T = 128;
    private static final int E = 768;
    private static final int HEADS = 12;
    private static final int I = 3072;
    private static final double EPS = 1e-12;

    @BeforeAll
    static void nativeKernels() {
        assertTrue(Kernels.nativeKernels(), TorchNative.status());
    }

    @Test
    void layerMatchesFp64() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            List<NDArray> inputs = new ArrayList<>();
            inputs.add(manager.randomNormal(new Shape(B, T, E)));
            inputs.addAll(weights(manager, new Shape(E, E), new Shape(E), new Shape(E, E), new Shape(E), new Shape(E, E),
                    new Shape(E), new Shape(E, E), new Shape(E)));
            inputs.addAll(layerNorm(manager));
            inputs.addAll(weights(manager, new Shape(I, E), new Shape(I), new Shape(E, I), new Shape(E)));
            inputs.addAll(layerNorm(manager));
            NDArray projection = manager.randomNormal(new Shape(B, T, E));
            float[] mask = new float[B * T];
            for (int t = 100; t < T; t++) {
                mask[T + t] = -Float.MAX_VALUE; // the second example is padded after 100 tokens
            }
            NDArray additive = manager.create(mask, new Shape(B, 1, 1, T));
            List<float[]> ours = layer(inputs, additive, projection);
            List<float[]> reference;
            try (AutoCloseable djl = Kernels.djlOnly()) {
                reference = layer(inputs.stream().map(a -> a.toType(DataType.FLOAT64, true)).toList(),
                        additive.toType(DataType.FLOAT64, true), projection.toType(DataType.FLOAT64, true));
            }
            String[] names = {"output", "grad x", "q", "q bias", "k", "k bias", "v", "v bias", "o", "o bias",
                "attention LN weight", "attention LN bias", "w1", "b1", "w2", "b2", "LN weight", "LN bias"};
            for (int i = 0; i < ours.size(); i++) {
                assertClose(reference.get(i), ours.get(i), names[i]);
            }
        }
    }

    @Test
    void linearWithFrozenWeightsMatchesFp64() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(12);
            NDArray x = manager.randomNormal(new Shape(B, T, E));
            List<NDArray> w = weights(manager, new Shape(I, E), new Shape(I));
            NDArray projection = manager.randomNormal(new Shape(B, T, I));
            float[][] ours = frozenLinear(x, w, projection);
            float[][] reference;
            try (AutoCloseable djl = Kernels.djlOnly()) {
                reference = frozenLinear(x.toType(DataType.FLOAT64, true), List.of(w.get(0).toType(DataType.FLOAT64,
                        true), w.get(1).toType(DataType.FLOAT64, true)), projection.toType(DataType.FLOAT64, true));
            }
            assertClose(reference[0], ours[0], "output");
            assertClose(reference[1], ours[1], "grad x");
        }
    }

    /** The attention block then the feed-forward block; their output and the gradients of sum(out · R). */
    private static List<float[]> layer(List<NDArray> inputs, NDArray mask, NDArray projection) {
        inputs.forEach(a -> a.setRequiresGradient(true));
        NDArray out;
        try (GradientTape tape = GradientTape.record()) {
            NDArray attended = Kernels.attentionBlock(inputs.get(0), mask, inputs.subList(1, 11), HEADS, EPS, 0, 0,
                    true, false);
            out = Kernels.feedForwardBlock(attended, inputs.subList(11, 17), Activation.GELU, EPS, 0, 0, true);
            GradientTape.backward(out.mul(projection).sum());
        }
        List<float[]> values = new ArrayList<>();
        values.add(floats(out));
        inputs.forEach(a -> values.add(floats(a.getGradient())));
        return values;
    }

    /** x · wᵀ + b with w and b frozen (no gradient), as in the layers fine-tune-then-drop freezes. */
    private static float[][] frozenLinear(NDArray x, List<NDArray> w, NDArray projection) {
        x.setRequiresGradient(true);
        NDArray out;
        try (GradientTape tape = GradientTape.record()) {
            out = Kernels.linear(x, w.get(0), w.get(1));
            GradientTape.backward(out.mul(projection).sum());
        }
        return new float[][] {floats(out), floats(x.getGradient())};
    }

    /** Weights as BERT initialises them (normal, σ 0.02; biases too, so that they matter). */
    private static List<NDArray> weights(NDManager manager, Shape... shapes) {
        List<NDArray> out = new ArrayList<>();
        for (Shape s : shapes) {
            out.add(manager.randomNormal(0, 0.02f, s, DataType.FLOAT32));
        }
        return out;
    }

    private static List<NDArray> layerNorm(NDManager manager) {
        return List.of(manager.randomNormal(1, 0.1f, new Shape(E), DataType.FLOAT32),
                manager.randomNormal(0, 0.1f, new Shape(E), DataType.FLOAT32));
    }

    private static float[] floats(NDArray a) {
        return a.toType(DataType.FLOAT32, false).toFloatArray();
    }

    /**
     * Within 1e-5 of the fp64 result relative to max(1, the tensor's largest element): the weights'
     * gradients are sums over the batch's 256 tokens, which fp32 rounds by 1e-5 of their size however
     * the sums are blocked (DJL's own fp32 operators land as far from fp64); a wrong transpose, mask or
     * scale is off by the tensor's size.
     */
    private static void assertClose(float[] fp64, float[] actual, String what) {
        assertEquals(fp64.length, actual.length, what + " size");
        double scale = 1;
        double worst = 0;
        int at = 0;
        for (int i = 0; i < fp64.length; i++) {
            scale = Math.max(scale, Math.abs(fp64[i]));
            double d = Math.abs(fp64[i] - actual[i]);
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        assertTrue(worst <= 1e-5 * scale, what + ": element " + at + " is " + actual[at] + ", fp64 " + fp64[at]
                + " (difference " + worst + " > 1e-5 of " + scale + ")");
    }
}
