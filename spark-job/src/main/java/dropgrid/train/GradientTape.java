package dropgrid.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Records a forward pass for back-propagation on the calling thread, and switches recording off for
 * optimiser updates and inference.
 *
 * <p>DJL's {@code PtGradientCollector} allows one collector per JVM (a static flag), which would make
 * two cells in one Spark executor fail; libtorch's grad mode itself is thread-local, so this class sets
 * it directly. PyTorch is the only engine dropgrid uses.
 */
public final class GradientTape implements AutoCloseable {

    private final boolean previous;

    private GradientTape(boolean recording) {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(recording);
    }

    /** Records operations until closed. */
    public static GradientTape record() {
        return new GradientTape(true);
    }

    /** Records nothing until closed: optimiser updates and inference (libtorch's {@code no_grad}). */
    public static GradientTape pause() {
        return new GradientTape(false);
    }

    /** Back-propagates a scalar loss into the gradients of the arrays that require them. */
    public static void backward(NDArray loss) {
        try (NDArray seed = loss.onesLike()) {
            JniUtils.backward((PtNDArray) loss, (PtNDArray) seed, false, false);
        }
    }

    /** Sets an array's accumulated gradient to zero (PyTorch accumulates across backward passes). */
    public static void zeroGradient(NDArray array) {
        JniUtils.zeroGrad((PtNDArray) array);
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}
