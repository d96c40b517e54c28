package dropgrid.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dropgrid.train.EngineThreads;
import dropgrid.train.GradientTape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The 16-bit copies of the weights the native blocks keep between steps are the weights' current values:
 * after an AdamW step (which writes them, on one thread chunk by chunk, the feed-forward weights at
 * BERT-base's size in several chunks, on two a tensor at a time) and after any other in-place change, a
 * bf16 layer computes exactly what it computes on fresh duplicates of the same weights, which have no
 * copies yet and are cast anew.
 */
class WeightCopiesTest {

    private static final int B = 1;
    private static final int T = 16;
    private static final int E = 768;
    private static final int HEADS = 12;
    private static final int I = 3072;
    private static final double EPS = 1e-12;

    @BeforeAll
    static void nativeKernels() {
        assertTrue(Kernels.nativeKernels(), TorchNative.status());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2})
    void keptCopiesFollowAdamWAndInPlaceChanges(int threads) {
        int before = EngineThreads.current();
        EngineThreads.use(threads);
        try (NDManager manager = NDManager.newBaseManager(); Precision.Scope bf16 = Precision.BF16.use()) {
            Engine.getInstance().setRandomSeed(21);
            NDArray x = manager.randomNormal(new Shape(B, T, E));
            NDArray mask = manager.zeros(new Shape(B, 1, 1, T));
            List<NDArray> weights = new ArrayList<>();
            for (Shape s : new Shape[] {new Shape(E, E), new Shape(E), new Shape(E, E), new Shape(E), new Shape(E, E),
                new Shape(E), new Shape(E, E), new Shape(E)}) {
                weights.add(manager.randomNormal(0, 0.02f, s, DataType.FLOAT32));
            }
            weights.add(manager.randomNormal(1, 0.1f, new Shape(E), DataType.FLOAT32));
            weights.add(manager.randomNormal(0, 0.1f, new Shape(E), DataType.FLOAT32));
            for (Shape s : new Shape[] {new Shape(I, E), new Shape(I), new Shape(E, I), new Shape(E)}) {
                weights.add(manager.randomNormal(0, 0.02f, s, DataType.FLOAT32));
            }
            weights.add(manager.randomNormal(1, 0.1f, new Shape(E), DataType.FLOAT32));
            weights.add(manager.randomNormal(0, 0.1f, new Shape(E), DataType.FLOAT32));

            layer(x, mask, weights); // makes the copies
            List<NDArray> gradients = weights.stream().map(NDArray::getGradient).toList();
            List<NDArray> first = weights.stream().map(w -> manager.zeros(w.getShape())).toList();
            List<NDArray> second = weights.stream().map(w -> manager.zeros(w.getShape())).toList();
            // lr 1e-2: every weight moves by about 1e-2, far beyond a bf16 rounding step of the 0.02-sized ones
            Kernels.adamw(weights, gradients, first, second, manager.zeros(new Shape()), 1e-2, 0.9, 0.999, 0.01,
                    1e-8, null, null);
            assertSameLayer(x, mask, weights, "after an AdamW step");

            weights.get(12).subi(0.05f); // w1, in place outside the optimiser
            weights.get(0).muli(2f); // q
            assertSameLayer(x, mask, weights, "after in-place changes");
        } finally {
            EngineThreads.use(before);
        }
    }

    private static void assertSameLayer(NDArray x, NDArray mask, List<NDArray> weights, String when) {
        List<float[]> kept = layer(x, mask, weights);
        List<float[]> fresh = layer(x, mask, weights.stream().map(NDArray::duplicate).toList());
        String[] names = {"output", "grad x", "q", "q bias", "k", "k bias", "v", "v bias", "o", "o bias",
            "attention LN weight", "attention LN bias", "w1", "b1", "w2", "b2", "LN weight", "LN bias"};
        for (int i = 0; i < kept.size(); i++) {
            assertArrayEquals(fresh.get(i), kept.get(i), names[i] + " " + when);
        }
    }

    /** The bf16 attention and feed-forward blocks; their output and the gradients of its sum. */
    private static List<float[]> layer(NDArray x, NDArray mask, List<NDArray> weights) {
        List<NDArray> leaves = new ArrayList<>(weights);
        leaves.add(x);
        leaves.forEach(a -> a.setRequiresGradient(true));
        Kernels.releaseGradients(leaves); // this pass's gradients, not added to the last pass's
        NDArray out;
        try (GradientTape tape = GradientTape.record()) {
            NDArray attended = Kernels.attentionBlock(x, mask, weights.subList(0, 10), HEADS, EPS, 0, 0, true, false);
            out = Kernels.feedForwardBlock(attended, weights.subList(10, 16), Activation.GELU, EPS, 0, 0, true);
            GradientTape.backward(out.sum());
        }
        List<float[]> values = new ArrayList<>();
        values.add(out.toFloatArray());
        values.add(x.getGradient().toFloatArray());
        weights.forEach(w -> values.add(w.getGradient().toFloatArray()));
        return values;
    }
}
