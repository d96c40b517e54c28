package dropgrid.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Where one model parameter comes from in a checkpoint.
 *
 * @param key the parameter's name in errors (its HF key)
 * @param parameter the initialised parameter to fill
 * @param names the tensor names it may have in the checkpoint; the first present wins
 * @param transposed those of {@code names} stored as the transpose of the parameter (TF kernels)
 * @param required false for parts a checkpoint may lack or hold in another shape (a classification
 *     head, absent from pre-trained checkpoints and sized for its own task in fine-tuned ones): those
 *     keep their fresh initialisation
 */
public record TensorBinding(String key, Parameter parameter, List<String> names, Set<String> transposed, boolean required) {

    /**
     * Reads and checks every bound tensor (present, shape, the reader's own checks such as CRC), and
     * only then sets the parameters, so a bad checkpoint leaves the model untouched.
     *
     * @return the keys of the bindings that were loaded (all required ones, and the optional ones found
     *     in the checkpoint with the parameter's shape)
     */
    public static List<String> loadAll(Weights weights, List<TensorBinding> bindings) {
        List<String> loaded = new ArrayList<>();
        List<Parameter> targets = new ArrayList<>();
        List<float[]> values = new ArrayList<>();
        for (TensorBinding b : bindings) {
            String name = b.names().stream().filter(weights.names()::contains).findFirst().orElse(null);
            if (name == null) {
                if (b.required()) {
                    throw new IllegalArgumentException(weights.source() + ": missing tensor " + b.key()
                            + " (looked for " + String.join(", ", b.names()) + ")");
                }
                continue;
            }
            long[] stored = weights.shape(name);
            long[] expected = b.parameter().getArray().getShape().getShape();
            boolean transpose = b.transposed().contains(name);
            long[] asParameter = transpose ? reversed(stored) : stored;
            if (!b.required() && !Arrays.equals(asParameter, expected)) {
                continue;
            }
            if (!Arrays.equals(asParameter, expected)) {
                throw new IllegalArgumentException(String.format("%s: tensor %s has shape %s%s, the model needs %s for %s",
                        weights.source(), name, new Shape(stored), transpose ? " (stored transposed)" : "",
                        new Shape(expected), b.key()));
            }
            float[] v = weights.floats(name);
            targets.add(b.parameter());
            loaded.add(b.key());
            values.add(transpose ? transpose(v, (int) stored[0], (int) stored[1]) : v);
        }
        for (int i = 0; i < targets.size(); i++) {
            NDArray array = targets.get(i).getArray();
            array.set(values.get(i));
            values.set(i, null);
        }
        return loaded;
    }

    private static long[] reversed(long[] shape) {
        if (shape.length != 2) {
            return shape;
        }
        return new long[] {shape[1], shape[0]};
    }

    /** [rows, cols] row-major → [cols, rows] row-major. */
    static float[] transpose(float[] v, int rows, int cols) {
        float[] t = new float[v.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = v[r * cols + c];
            }
        }
        return t;
    }
}
