package dropgrid.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dropgrid.train.GradientTape;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The attention and feed-forward blocks against a Hugging Face {@code BertLayer}
 * ({@code src/test/python/make_kernel_goldens.py}): outputs and every gradient, in fp32 on the native
 * kernels and on DJL's operators, and in bf16/fp16 against HF under {@code torch.autocast}.
 */
class KernelsTest {

    private static JsonNode golden;

    @BeforeAll
    static void read() throws IOException {
        try (InputStream in = KernelsTest.class.getResourceAsStream("/kernels/goldens.json")) {
            golden = new ObjectMapper().readTree(in);
        }
    }

    @Test
    void nativeKernelsAreBuiltAndLoaded() {
        assertTrue(TorchNative.available(), TorchNative.status());
        assertTrue(TorchNative.torchVersion().startsWith(TorchNative.TORCH_VERSION), TorchNative.torchVersion());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void nativeLayerMatchesHuggingFaceInFp32(boolean firstOnly) {
        checkLayer(Precision.FP32, 1e-5, firstOnly);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void djlLayerMatchesHuggingFaceInFp32(boolean firstOnly) throws Exception {
        try (AutoCloseable djl = Kernels.djlOnly()) {
            assertFalse(Kernels.nativeKernels());
            checkLayer(Precision.FP32, 1e-5, firstOnly);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void bf16LayerMatchesHuggingFaceAutocast(boolean firstOnly) {
        checkLayer(Precision.BF16, 0, firstOnly);
    }

    @Test
    void fp16LayerMatchesHuggingFaceAutocast() {
        checkLayer(Precision.FP16, 0, false);
    }

    @Test
    void feedForwardActivationsMatchHuggingFace() throws Exception {
        for (boolean djl : new boolean[] {false, true}) {
            try (NDManager manager = NDManager.newBaseManager(); AutoCloseable scope = djl ? Kernels.djlOnly() : () -> {}) {
                NDArray x = array(manager, golden.get("x"));
                List<NDArray> w = arrays(manager, golden.get("feed_forward_weights"));
                for (var e : List.of(new Object[] {"gelu_new", Activation.GELU_TANH}, new Object[] {"relu", Activation.RELU})) {
                    NDArray out = Kernels.feedForwardBlock(x, w, (Activation) e[1], eps(), 0, 0, false);
                    assertClose(golden.get("feed_forward_activations").get((String) e[0]), out, 1e-5, true,
                            e[0] + (djl ? " on DJL" : " native"));
                }
            }
        }
    }

    /** Over one row the GEMM's bias buffer once was the parameter itself: every call added x·wᵀ into it. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void aLinearLeavesItsBiasAlone(int rows) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.randomNormal(new Shape(rows, 8));
            NDArray w = manager.randomNormal(new Shape(4, 8));
            NDArray b = manager.randomNormal(new Shape(4));
            float[] bias = b.toFloatArray();
            NDArray expected = Linear.linear(x, w, b).head();
            for (int call = 0; call < 2; call++) {
                NDArray out = Kernels.linear(x, w, b);
                assertTrue(out.sub(expected).abs().max().getFloat() < 1e-5, "call " + call + ": " + out);
            }
            assertArrayEquals(bias, b.toFloatArray());
        }
    }

    /** The switch reaches ATen's context (where a GPU's fp32 matmuls read it); ATen's default is off. */
    @Test
    void tf32SwitchReachesLibtorch() {
        try {
            assertTrue(Kernels.allowTf32(true));
        } finally {
            assertFalse(Kernels.allowTf32(false));
        }
    }

    @Test
    void withoutNativeKernelsReducedPrecisionIsRefused() throws Exception {
        try (AutoCloseable djl = Kernels.djlOnly()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, Precision.BF16::use);
            assertTrue(e.getMessage().startsWith("precision bf16 needs dropgrid's native kernels"), e.getMessage());
        }
        try (NDManager manager = NDManager.newBaseManager(); Precision.Scope bf16 = Precision.BF16.use();
                AutoCloseable djl = Kernels.djlOnly()) {
            NDArray x = array(manager, golden.get("x"));
            List<NDArray> w = arrays(manager, golden.get("feed_forward_weights"));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Kernels.feedForwardBlock(x, w, Activation.GELU, eps(), 0, 0, false));
            assertTrue(e.getMessage().contains("bf16"), e.getMessage());
        }
    }

    /**
     * The golden layer (attention block, then feed-forward block) forward and backward in {@code precision};
     * with {@code firstOnly} its output at the first position and the gradients of that row's loss, which
     * HF computes from the whole layer.
     *
     * @param tolerance relative to max(1, |expected|); 0 for the 16-bit formats, whose tolerance is
     *     derived per tensor from how far HF's own 16-bit result lies from its fp32 result
     */
    private static void checkLayer(Precision precision, double tolerance, boolean firstOnly) {
        String suffix = firstOnly ? "_first" : "";
        JsonNode expected = golden.get("cases").get(precision.id() + suffix);
        JsonNode reference = golden.get("cases").get("fp32" + suffix);
        try (NDManager manager = NDManager.newBaseManager(); Precision.Scope scope = precision.use()) {
            NDArray x = array(manager, golden.get("x"));
            List<NDArray> attention = arrays(manager, golden.get("attention_weights"));
            List<NDArray> feedForward = arrays(manager, golden.get("feed_forward_weights"));
            x.setRequiresGradient(true);
            attention.forEach(w -> w.setRequiresGradient(true));
            feedForward.forEach(w -> w.setRequiresGradient(true));
            NDArray mask = additiveMask(manager, toLongs(golden.get("attention_mask")));
            NDArray out;
            try (GradientTape tape = GradientTape.record()) {
                NDArray attended = Kernels.attentionBlock(x, mask, attention, golden.get("heads").asInt(), eps(), 0, 0,
                        true, firstOnly);
                out = Kernels.feedForwardBlock(attended, feedForward, Activation.GELU, eps(), 0, 0, true);
                NDArray projection = array(manager, golden.get("projection"));
                GradientTape.backward(out.mul(firstOnly ? projection.get(":, :1, :") : projection).sum());
            }
            String where = precision + (Kernels.nativeKernels() ? " native" : " on DJL") + (firstOnly ? " first" : "");
            check(expected.get("output"), reference.get("output"), out, tolerance, firstOnly, where + " output");
            check(expected.get("grad_x"), reference.get("grad_x"), x.getGradient(), tolerance, firstOnly,
                    where + " grad x");
            for (int i = 0; i < attention.size(); i++) {
                check(expected.get("grad_attention").get(i), reference.get("grad_attention").get(i),
                        attention.get(i).getGradient(), tolerance, firstOnly, where + " grad attention weight " + i);
            }
            for (int i = 0; i < feedForward.size(); i++) {
                check(expected.get("grad_feed_forward").get(i), reference.get("grad_feed_forward").get(i),
                        feedForward.get(i).getGradient(), tolerance, firstOnly,
                        where + " grad feed-forward weight " + i);
            }
        }
    }

    /**
     * fp32: within {@code tolerance} · max(1, |expected|) of HF. 16-bit, in units of HF's own error e
     * (its largest distance from the fp32 reference): as close to the reference as HF is (within 1.5 e)
     * and within 2 e of HF's result. HF's eager attention under autocast runs the recipe the kernels use,
     * but q, k and v are one matmul here and kernels block sums their own way, so each side carries its
     * own rounding noise of the format's size (the key bias's gradient, zero in exact arithmetic, is
     * nothing but that noise); a wrong mask, scale, cast or gradient is far larger. With the first row
     * alone ({@code firstOnly}) every weight's gradient sums over B = 2 rows, so nothing averages the
     * noise out: 2.5 e on both sides there (worst measured: 1.93 e from fp32, 1.90 e from HF).
     */
    private static void check(JsonNode expected, JsonNode fp32, NDArray actual, double tolerance, boolean firstOnly,
            String what) {
        if (tolerance == 0) {
            double e = maxDifference(values(expected), values(fp32));
            assertClose(fp32, actual, (firstOnly ? 2.5 : 1.5) * e, false, what + " against fp32");
            assertClose(expected, actual, (firstOnly ? 2.5 : 2) * e, false, what + " against HF autocast");
        } else {
            assertClose(expected, actual, tolerance, true, what);
        }
    }

    /** Every element within {@code tolerance}, times max(1, |expected|) when {@code relative}. */
    private static void assertClose(JsonNode expected, NDArray actual, double tolerance, boolean relative,
            String what) {
        double[] e = values(expected);
        float[] a = actual.toFloatArray();
        assertEquals(e.length, a.length, what + " size");
        double worst = 0;
        int at = 0;
        for (int i = 0; i < e.length; i++) {
            double d = Math.abs(e[i] - a[i]) / (relative ? Math.max(1, Math.abs(e[i])) : 1);
            if (d > worst) {
                worst = d;
                at = i;
            }
        }
        assertTrue(worst <= tolerance, what + ": element " + at + " is " + a[at] + ", expected " + e[at]
                + " (" + (relative ? "relative " : "") + "difference " + worst + " > " + tolerance + ")");
    }

    /** HF's extended mask: 0 on tokens, fp32's lowest value on padding, (B, 1, 1, T). */
    private static NDArray additiveMask(NDManager manager, long[][] attentionMask) {
        float[] values = new float[attentionMask.length * attentionMask[0].length];
        for (int b = 0; b < attentionMask.length; b++) {
            for (int t = 0; t < attentionMask[b].length; t++) {
                values[b * attentionMask[b].length + t] = attentionMask[b][t] == 1 ? 0 : -Float.MAX_VALUE;
            }
        }
        return manager.create(values, new Shape(attentionMask.length, 1, 1, attentionMask[0].length));
    }

    private static double maxDifference(double[] a, double[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }

    private static double eps() {
        return golden.get("layer_norm_eps").asDouble();
    }

    private static double[] values(JsonNode tensor) {
        JsonNode data = tensor.get("data");
        double[] out = new double[data.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = data.get(i).asDouble();
        }
        return out;
    }

    static NDArray array(NDManager manager, JsonNode tensor) {
        double[] v = values(tensor);
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        long[] shape = new long[tensor.get("shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = tensor.get("shape").get(i).asLong();
        }
        return manager.create(f, new Shape(shape));
    }

    private static List<NDArray> arrays(NDManager manager, JsonNode tensors) {
        List<NDArray> out = new ArrayList<>();
        tensors.forEach(t -> out.add(array(manager, t)));
        return out;
    }

    private static long[][] toLongs(JsonNode rows) {
        long[][] out = new long[rows.size()][];
        for (int r = 0; r < out.length; r++) {
            out[r] = new long[rows.get(r).size()];
            for (int c = 0; c < out[r].length; c++) {
                out[r][c] = rows.get(r).get(c).asLong();
            }
        }
        return out;
    }
}
