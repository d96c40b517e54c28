package dropgrid.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dropgrid.kernels.Kernels;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW as {@code torch.optim.AdamW} computes it (Loshchilov & Hutter, decoupled weight decay), with two
 * parameter groups as Hugging Face's {@code run_glue.py}: weight decay on weight matrices and
 * embeddings, none on biases and LayerNorm parameters. DJL's {@code Optimizer.adamW} decays every
 * parameter and adds ε before the bias correction of the second moment, so it is not used.
 *
 * <p>One step with gradient g at step t (1-based), learning rate lr:
 * <pre>
 *   p ← p · (1 − lr · wd)                       (decay group only)
 *   m ← m + (1 − β1) · (g − m)                   (torch's lerp)
 *   v ← β2 · v + (1 − β2) · g²
 *   p ← p − lr / (1 − β1^t) · m / (√v / √(1 − β2^t) + ε)
 * </pre>
 *
 * <p>With the native kernels a step is torch's fused AdamW ({@code _fused_adamw_}), one pass over each
 * parameter per group; otherwise it is written out on DJL's operators (about 14 passes).
 */
public final class AdamW implements AutoCloseable {

    /** A parameter the optimiser updates, and whether weight decay applies to it. */
    public record Trainable(String name, NDArray array, boolean decays) {}

    private final List<Trainable> parameters;
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final NDManager stateManager;
    private final List<NDArray> firstMoments = new ArrayList<>();
    private final List<NDArray> secondMoments = new ArrayList<>();
    /** The fused kernel's step counts, one per weight-decay group (0-d fp32 on the parameters' device). */
    private final NDArray decayedSteps;
    private final NDArray undecayedSteps;
    /** 1 / the clipping factor of a clipped step, for the fused kernel (0-d fp32). */
    private final NDArray gradScale;
    private int step;

    public AdamW(List<Trainable> parameters, double beta1, double beta2, double epsilon, double weightDecay) {
        if (parameters.isEmpty()) {
            throw new IllegalArgumentException("AdamW needs at least one parameter to train");
        }
        this.parameters = List.copyOf(parameters);
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.stateManager = parameters.get(0).array().getManager().newSubManager();
        for (Trainable p : parameters) {
            firstMoments.add(stateManager.zeros(p.array().getShape(), p.array().getDataType(), p.array().getDevice()));
            secondMoments.add(stateManager.zeros(p.array().getShape(), p.array().getDataType(), p.array().getDevice()));
        }
        decayedSteps = stateManager.zeros(new Shape(), DataType.FLOAT32,
                parameters.get(0).array().getDevice());
        undecayedSteps = decayedSteps.duplicate();
        gradScale = decayedSteps.duplicate();
    }

    /** β 0.9 / 0.999, ε 1e-8: PyTorch's and Hugging Face's defaults. */
    public static AdamW withDefaults(List<Trainable> parameters, double weightDecay) {
        return new AdamW(parameters, 0.9, 0.999, 1e-8, weightDecay);
    }

    /** Every gradient-requiring parameter of a block, grouped by {@link #decays}. */
    public static List<Trainable> trainables(Iterable<Pair<String, Parameter>> parameters) {
        List<Trainable> out = new ArrayList<>();
        for (Pair<String, Parameter> p : parameters) {
            Parameter parameter = p.getValue();
            if (parameter.requiresGradient()) {
                NDArray array = parameter.getArray();
                out.add(new Trainable(p.getKey(), array, decays(p.getKey(), array.getShape())));
            }
        }
        return out;
    }

    /**
     * Whether weight decay applies: Hugging Face exempts {@code bias} and {@code LayerNorm.weight}. Every
     * bias and LayerNorm parameter is one-dimensional (DJL names LayerNorm's {@code gamma}/{@code beta}),
     * and XLNet's relative-attention biases ({@code r_w_bias}, 2-D) carry "bias" in their names.
     */
    public static boolean decays(String name, Shape shape) {
        return shape.dimension() >= 2 && !name.endsWith("bias");
    }

    public List<Trainable> parameters() {
        return parameters;
    }

    /** Optimiser steps taken so far. */
    public int steps() {
        return step;
    }

    /**
     * One update with learning rate {@code lr} and gradients multiplied by {@code gradientFactor} (global-norm
     * clipping's factor, {@link GradientClipping#factor}).
     *
     * @param gradients one per parameter, in {@link #parameters()} order; with the native kernels null
     *     for a parameter the backward pass did not reach, which is then left alone. They may be
     *     overwritten with the scaled gradients.
     */
    public void update(List<NDArray> gradients, double lr, double gradientFactor) {
        if (gradients.size() != parameters.size()) {
            throw new IllegalArgumentException(
                    "got " + gradients.size() + " gradients for " + parameters.size() + " parameters");
        }
        if (!(gradientFactor > 0 && gradientFactor <= 1)) {
            throw new IllegalArgumentException("gradient factor must be in (0, 1], got " + gradientFactor);
        }
        step++;
        if (Kernels.nativeKernels()) {
            if (gradientFactor == 1) {
                fusedUpdate(gradients, lr, null);
            } else {
                // The fused kernel divides each gradient by this scale as it reads it.
                gradScale.set(new float[] {(float) (1 / gradientFactor)});
                fusedUpdate(gradients, lr, gradScale);
            }
            return;
        }
        if (gradientFactor != 1) {
            for (NDArray g : gradients) {
                g.muli((float) gradientFactor);
            }
        }
        double biasCorrection1 = 1 - Math.pow(beta1, step);
        double biasCorrection2Sqrt = Math.sqrt(1 - Math.pow(beta2, step));
        float stepSize = (float) (lr / biasCorrection1);
        try (GradientTape noGrad = GradientTape.pause()) {
            for (int i = 0; i < parameters.size(); i++) {
                Trainable p = parameters.get(i);
                NDArray g = gradients.get(i);
                NDArray m = firstMoments.get(i);
                NDArray v = secondMoments.get(i);
                if (p.decays() && weightDecay != 0) {
                    p.array().muli((float) (1 - lr * weightDecay));
                }
                // Temporaries are freed per parameter: holding them for all of BERT-base would cost GBs.
                try (NDArray gMinusM = g.sub(m)) {
                    m.addi(gMinusM.muli((float) (1 - beta1)));
                }
                try (NDArray gSquared = g.mul(g)) {
                    v.muli((float) beta2).addi(gSquared.muli((float) (1 - beta2)));
                }
                try (NDArray denominator = v.sqrt()) {
                    denominator.divi((float) biasCorrection2Sqrt).addi((float) epsilon);
                    try (NDArray change = m.div(denominator)) {
                        p.array().subi(change.muli(stepSize));
                    }
                }
            }
        }
    }

    /**
     * The same step as torch's fused kernel, per weight-decay group.
     *
     * @param gradScale null, or what the gradients are divided by
     */
    private void fusedUpdate(List<NDArray> gradients, double lr, NDArray gradScale) {
        for (boolean decayed : new boolean[] {true, false}) {
            List<NDArray> ps = new ArrayList<>();
            List<NDArray> gs = new ArrayList<>();
            List<NDArray> ms = new ArrayList<>();
            List<NDArray> vs = new ArrayList<>();
            for (int i = 0; i < parameters.size(); i++) {
                // A parameter without a gradient is skipped, as torch's AdamW skips it.
                if (parameters.get(i).decays() == decayed && gradients.get(i) != null) {
                    ps.add(parameters.get(i).array());
                    gs.add(gradients.get(i));
                    ms.add(firstMoments.get(i));
                    vs.add(secondMoments.get(i));
                }
            }
            if (!ps.isEmpty()) {
                Kernels.adamw(ps, gs, ms, vs, decayed ? decayedSteps : undecayedSteps, lr, beta1, beta2,
                        decayed ? weightDecay : 0, epsilon, gradScale, null);
            }
        }
    }

    @Override
    public void close() {
        stateManager.close();
    }
}
