package dropgrid.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Scalar operands for arithmetic that autograd records.
 *
 * <p>On the CPU, DJL's {@code NDArray.mul(Number)} and {@code div(Number)} wrap the number in a tensor
 * over a Java direct buffer and close it as soon as the operation returns. The backward pass of a
 * product or quotient reads that scalar again; once a garbage collection has freed the buffer it reads
 * freed memory (a NaN gradient in the query and key of one layer, hundreds of steps into a fine-tuning).
 * A scalar that libtorch allocates itself is kept alive by the autograd graph that uses it.
 */
final class Scalars {

    private Scalars() {}

    /** A 0-d tensor holding {@code value}, with {@code like}'s data type, on its manager's device. */
    static NDArray like(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType());
    }
}
