package dropgrid.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dropgrid.train.GradientTape;
import java.util.Arrays;
import java.util.Random;
import org.apache.commons.math3.special.Erf;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The native bf16 GELU (a table over every bf16 value) against GELU's definition computed here in
 * double with Commons Math's erfc: x · Φ(x) rounded to bf16, and the gradient g · (Φ(x) + x · φ(x))
 * rounded to bf16, for every finite bf16 input: equal to the bit (the gradient rounded from fp32 here,
 * from double there, meets no rounding boundary between the two at these 65,280 inputs).
 */
class GeluKernelTest {

    @BeforeAll
    static void nativeKernels() {
        assertTrue(Kernels.nativeKernels(), TorchNative.status());
    }

    @Test
    void everyFiniteBf16InputAndItsGradient() {
        float[] inputs = finiteBf16Values();
        float[] upstream = new float[inputs.length];
        Random random = new Random(5);
        for (int i = 0; i < upstream.length; i++) {
            upstream[i] = bf16((float) random.nextGaussian());
        }
        float[] out;
        float[] gradient;
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(inputs);
            x.setRequiresGradient(true);
            try (GradientTape tape = GradientTape.record()) {
                NDArray y = Kernels.wrap(x, TorchNative.activation(Kernels.handle(x), Activation.GELU.code(),
                        Precision.BF16.code()));
                GradientTape.backward(y.mul(manager.create(upstream)).sum());
                out = y.toFloatArray();
            }
            gradient = x.getGradient().toFloatArray();
        }
        for (int i = 0; i < inputs.length; i++) {
            double v = inputs[i];
            double cdf = 0.5 * Erf.erfc(-v / Math.sqrt(2));
            double slope = cdf + v * Math.exp(-0.5 * v * v) / Math.sqrt(2 * Math.PI);
            assertEquals(bf16((float) (v * cdf)), out[i], 0f, "gelu(" + v + ")");
            assertEquals(bf16((float) (upstream[i] * slope)), gradient[i], 0f, "gelu'(" + v + ") · " + upstream[i]);
        }
    }

    /** Every bf16 bit pattern that is a finite number, as fp32 (which holds each exactly). */
    private static float[] finiteBf16Values() {
        float[] values = new float[65536];
        int n = 0;
        for (int bits = 0; bits < 65536; bits++) {
            float v = Float.intBitsToFloat(bits << 16);
            if (Float.isFinite(v)) {
                values[n++] = v;
            }
        }
        return Arrays.copyOf(values, n);
    }

    /** fp32 rounded to the nearest bf16, ties to even (finite inputs). */
    private static float bf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        bits += 0x7fff + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(bits & 0xffff0000);
    }
}
