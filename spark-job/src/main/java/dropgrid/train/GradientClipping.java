package dropgrid.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dropgrid.kernels.Kernels;
import java.util.List;
import java.util.Objects;

/**
 * Global-norm clipping as {@code torch.nn.utils.clip_grad_norm_}: the L2 norm over all gradients
 * together, and every gradient scaled by {@code min(1, maxNorm / (norm + 1e-6))}. (DJL's
 * {@code optClipGrad} clips each element instead, which is a different optimiser.) The scaling is
 * {@link AdamW#update}'s: with the native kernels the fused AdamW step applies it as it reads each
 * gradient, instead of a pass of its own over every gradient.
 */
public final class GradientClipping {

    /** PyTorch's guard against dividing by a zero norm. */
    private static final double EPSILON = 1e-6;

    private GradientClipping() {}

    /**
     * The L2 norm of all gradients together (torch's foreach norms with the native kernels).
     *
     * @param gradients with the native kernels, null entries (parameters without a gradient) are skipped
     * @return NaN or infinite when a gradient is
     */
    public static double globalNorm(List<NDArray> gradients) {
        if (gradients.isEmpty()) {
            return 0.0;
        }
        if (Kernels.nativeKernels()) {
            return Kernels.globalNorm(gradients.stream().filter(Objects::nonNull).toList());
        }
        // One device-to-host copy per step: per-tensor norms are stacked on the device first.
        NDList norms = new NDList(gradients.size());
        try {
            for (NDArray g : gradients) {
                norms.add(g.norm());
            }
            try (NDArray stacked = NDArrays.stack(norms); NDArray totalNorm = stacked.norm()) {
                return totalNorm.getFloat();
            }
        } finally {
            norms.close();
        }
    }

    /**
     * What the gradients are multiplied by: {@code min(1, maxNorm / (norm + 1e-6))}, or 1 when
     * {@code maxNorm} is 0 (no clipping) or the norm is not finite (the step fails before it is taken).
     */
    public static double factor(double norm, double maxNorm) {
        if (maxNorm <= 0 || !Double.isFinite(norm)) {
            return 1.0;
        }
        return Math.min(1.0, maxNorm / (norm + EPSILON));
    }
}
