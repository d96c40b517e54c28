package dropgrid.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dropgrid.kernels.Kernels;
import java.util.List;
import java.util.Objects;

/**
 * Dynamic loss scaling for fp16, as {@code torch.amp.GradScaler} does it: the loss is multiplied by a
 * scale (2^16 to start) so that small gradients survive fp16; the gradients are divided by it again
 * before clipping; a step whose gradients overflowed is skipped and halves the scale, and 2000 clean
 * steps in a row double it. The state lives in libtorch tensors on the training device, so none of it
 * costs a host-device copy until {@link #unscale} reports the step's outcome.
 */
final class LossScaler implements AutoCloseable {

    private static final float INITIAL_SCALE = 65536f;
    private static final double GROWTH_FACTOR = 2.0;
    private static final double BACKOFF_FACTOR = 0.5;
    private static final int GROWTH_INTERVAL = 2000;

    private final NDManager state;
    private final NDArray scale;
    private final NDArray growthTracker;
    private final NDArray foundInf;

    LossScaler(NDManager manager) {
        state = manager.newSubManager();
        scale = state.full(new Shape(), INITIAL_SCALE, DataType.FLOAT32);
        growthTracker = state.zeros(new Shape(), DataType.INT32);
        foundInf = state.zeros(new Shape(), DataType.FLOAT32);
    }

    /** The loss to back-propagate: {@code loss × scale}. */
    NDArray scale(NDArray loss) {
        return loss.mul(scale);
    }

    /**
     * Divides the gradients by the scale in place and says whether any was NaN or infinite (the step
     * must then be skipped).
     */
    boolean unscale(List<NDArray> gradients) {
        Kernels.unscaleGradients(gradients.stream().filter(Objects::nonNull).toList(), foundInf, scale);
        return foundInf.getFloat() != 0;
    }

    /** Adjusts the scale after a step (skipped or not), from the flag {@link #unscale} set. */
    void update() {
        Kernels.updateScale(scale, growthTracker, foundInf, GROWTH_FACTOR, BACKOFF_FACTOR, GROWTH_INTERVAL);
    }

    /** The current scale (a host copy, for logs and tests). */
    float currentScale() {
        return scale.getFloat();
    }

    @Override
    public void close() {
        state.close();
    }
}
