package dropgrid.model;

import java.util.Set;

/**
 * Named float tensors read from a checkpoint (safetensors or a TensorFlow tensor bundle). Readers
 * convert F16/BF16 to F32 in Java and name the file and tensor in every error.
 */
public interface Weights extends AutoCloseable {

    /** The file (or directory) the tensors come from, for error messages. */
    String source();

    Set<String> names();

    /** The tensor's shape as stored. */
    long[] shape(String name);

    /** The tensor's values as F32, row-major as stored. */
    float[] floats(String name);

    @Override
    void close();
}
