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
 * {@code optClipGrad} clips each element instead, which is a different optimiser.) With the native
 * kernels, torch's foreach norms and scaling do it in two passes.
 */
public final class GradientClipping {

    /** PyTorch's guard against dividing by a zero norm. */
    private static final double EPSILON = 1e-6;

    private GradientClipping() {}

    /**
     * Scales {@code gradients} in place so their global L2 norm is at most {@code maxNorm}.
     *
     * @param gradients with the native kernels, null entries (parameters without a gradient) are skipped
     * @param maxNorm the cap; 0 only measures
     * @return the global norm before clipping (NaN or infinite when a gradient is)
     */
    public static double clipGlobalNorm(List<NDArray> gradients, double maxNorm) {
        if (gradients.isEmpty()) {
            return 0.0;
        }
        if (Kernels.nativeKernels()) {
            return Kernels.clipGlobalNorm(gradients.stream().filter(Objects::nonNull).toList(), maxNorm);
        }
        double total;
        // One device-to-host copy per step: per-tensor norms are stacked on the device first.
        NDList norms = new NDList(gradients.size());
        try {
            for (NDArray g : gradients) {
                norms.add(g.norm());
            }
            try (NDArray stacked = NDArrays.stack(norms); NDArray totalNorm = stacked.norm()) {
                total = totalNorm.getFloat();
            }
        } finally {
            norms.close();
        }
        if (maxNorm > 0 && Double.isFinite(total)) {
            double coefficient = Math.min(1.0, maxNorm / (total + EPSILON));
            if (coefficient < 1.0) {
                for (NDArray g : gradients) {
                    g.muli((float) coefficient);
                }
            }
        }
        return total;
    }
}
