package dropgrid.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code golden.json} written by {@code src/test/python/make_arch_goldens.py}: explicit input batches
 * and, per batch and kept-layer subset, HF's outputs.
 */
record ArchGolden(Map<String, Batch> batches, List<Case> cases) {

    /** Where the generator writes {@code <arch>-tiny/}, relative to {@code spark-job/}. */
    static final Path ROOT = Path.of("src/test/resources/golden");

    record Batch(long[][] inputIds, long[][] tokenTypeIds, long[][] attentionMask) {
        NDList toNDList(NDManager manager) {
            return new NDList(
                    manager.create(inputIds), manager.create(tokenTypeIds), manager.create(attentionMask));
        }
    }

    record Tensor(long[] shape, double[] data) {
        NDArray toNDArray(NDManager manager) {
            float[] values = new float[data.length];
            for (int i = 0; i < data.length; i++) {
                values[i] = (float) data[i];
            }
            return manager.create(values, new Shape(shape));
        }
    }

    record Case(String batch, List<Integer> kept, Tensor lastHiddenState, Tensor logits, List<Tensor> hiddenStates) {}

    static ArchGolden read(String arch) {
        // hidden_states is present only for the full model on the pairs batch
        ObjectMapper json = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        try {
            return json.readValue(Files.readString(directory(arch).resolve("golden.json")), ArchGolden.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path directory(String arch) {
        return ROOT.resolve(arch + "-tiny");
    }

    /** Largest absolute difference between a Java output and HF's, as a double. */
    static double maxAbsDiff(NDArray actual, Tensor expected) {
        if (!actual.getShape().equals(new Shape(expected.shape()))) {
            throw new AssertionError("shape " + actual.getShape() + " != HF " + new Shape(expected.shape()));
        }
        float[] a = actual.toFloatArray();
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - expected.data()[i]));
        }
        return max;
    }
}
