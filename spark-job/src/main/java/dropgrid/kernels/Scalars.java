package dropgrid.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands that libtorch allocates: DJL's {@code mul(Number)} wraps the number in a Java direct
 * buffer that a backward pass may read after a garbage collection freed it (and on a GPU costs a
 * host-to-device copy per call).
 */
public final class Scalars {

    private Scalars() {}

    /** A 0-d tensor holding {@code value}, with {@code like}'s data type, on its manager's device. */
    public static NDArray like(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType());
    }
}
