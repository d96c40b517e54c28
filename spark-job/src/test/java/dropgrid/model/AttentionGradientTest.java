package dropgrid.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dropgrid.kernels.ScaledDotProductAttention;
import dropgrid.train.GradientTape;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The attention scores' scale must outlive the forward pass: the backward pass of {@code scores / √H}
 * reads the divisor again. DJL's {@code NDArray.div(Number)} makes that divisor from a direct buffer and
 * closes it at once, so a garbage collection between forward and backward freed memory the backward
 * still read (seen as NaN gradients in the query and key of one layer, hundreds of steps into real runs).
 */
class AttentionGradientTest {

    private static final Shape QKV = new Shape(2, 5, 8);
    private static final int HEADS = 2;

    @Test
    void queryGradientIsTheSameWhenACollectionRunsBetweenForwardAndBackward() throws InterruptedException {
        Random random = new Random(11);
        float[] q = gaussian(random, QKV.size());
        float[] k = gaussian(random, QKV.size());
        float[] v = gaussian(random, QKV.size());
        float[] weights = gaussian(random, QKV.size());
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] undisturbed = queryGradient(manager, q, k, v, weights, false);
            float[] collected = queryGradient(manager, q, k, v, weights, true);
            assertTrue(allFinite(undisturbed), "the reference gradient itself is not finite");
            assertArrayEquals(undisturbed, collected, 1e-6f);
        }
    }

    /** Every parameter's gradient, whole model, for each architecture (dropout 0: both passes agree). */
    @ParameterizedTest
    @ValueSource(strings = {"bert-cls", "roberta-tiny", "distilbert-tiny", "xlnet-tiny"})
    void everyGradientIsTheSameWhenACollectionRunsBetweenForwardAndBackward(String fixture)
            throws InterruptedException {
        Path dir = BertGoldenTest.GOLDEN.resolve(fixture);
        try (NDManager manager = NDManager.newBaseManager()) {
            SequenceClassifier model = PretrainedModels.load(dir, List.of(0, 1), 3, 0.0, manager).classifier();
            Map<String, Parameter> byKey = HfParameters.of(model);
            List<String> keys = new ArrayList<>(byKey.keySet());
            List<Parameter> parameters = keys.stream().map(byKey::get).toList();
            parameters.forEach(p -> p.getArray().setRequiresGradient(true));
            List<float[]> undisturbed = gradients(model, parameters, manager, false);
            List<float[]> collected = gradients(model, parameters, manager, true);
            for (int i = 0; i < parameters.size(); i++) {
                assertTrue(allFinite(undisturbed.get(i)), keys.get(i) + ": the reference gradient is not finite");
                assertArrayEquals(undisturbed.get(i), collected.get(i), 1e-6f, keys.get(i));
            }
        }
    }

    private static List<float[]> gradients(SequenceClassifier model, List<Parameter> parameters,
            NDManager parent, boolean collectBeforeBackward) throws InterruptedException {
        try (NDManager manager = parent.newSubManager()) {
            long[] ids = {2, 7, 11, 5, 9, 3, 2, 8, 4, 3, 0, 0};
            long[] mask = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
            Shape shape = new Shape(2, 6);
            NDList inputs = new NDList(manager.create(ids, shape), manager.zeros(shape, DataType.INT64),
                    manager.create(mask, shape));
            try (GradientTape tape = GradientTape.record()) {
                NDArray loss = model.forward(new ParameterStore(manager, false), inputs, true).head().square().sum();
                if (collectBeforeBackward) {
                    releaseUnreachableDirectBuffers(manager);
                }
                GradientTape.backward(loss);
            }
            List<float[]> gradients = new ArrayList<>();
            for (Parameter p : parameters) {
                gradients.add(p.getArray().getGradient().toFloatArray());
                GradientTape.zeroGradient(p.getArray());
            }
            return gradients;
        }
    }

    private static float[] queryGradient(NDManager parent, float[] qData, float[] kData, float[] vData,
            float[] weightData, boolean collectBeforeBackward) throws InterruptedException {
        try (NDManager manager = parent.newSubManager()) {
            NDArray q = manager.create(qData, QKV);
            NDArray k = manager.create(kData, QKV);
            NDArray v = manager.create(vData, QKV);
            NDArray weights = manager.create(weightData, QKV);
            NDArray mask = manager.zeros(new Shape(2, 1, 1, 5));
            for (NDArray a : new NDArray[] {q, k, v}) {
                a.setRequiresGradient(true);
            }
            try (GradientTape tape = GradientTape.record()) {
                NDArray loss = ScaledDotProductAttention.attend(q, k, v, mask, HEADS, 0f, false).mul(weights).sum();
                if (collectBeforeBackward) {
                    releaseUnreachableDirectBuffers(manager);
                }
                GradientTape.backward(loss);
            }
            return q.getGradient().toFloatArray();
        }
    }

    /** Collects garbage until the JVM has freed at least one direct buffer (a closed array's). */
    private static void releaseUnreachableDirectBuffers(NDManager manager) throws InterruptedException {
        BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(b -> b.getName().equals("direct")).findFirst().orElseThrow();
        manager.create(new float[] {1f}).close(); // at least one buffer for the collector to free
        long before = direct.getCount();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (direct.getCount() >= before && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertTrue(direct.getCount() < before, "precondition: no direct buffer was freed within 10 s");
    }

    private static float[] gaussian(Random random, long n) {
        float[] x = new float[Math.toIntExact(n)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        return x;
    }

    private static boolean allFinite(float[] x) {
        for (float f : x) {
            if (!Float.isFinite(f)) {
                return false;
            }
        }
        return true;
    }
}
