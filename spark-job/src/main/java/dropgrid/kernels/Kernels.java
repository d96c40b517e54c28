package dropgrid.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import java.util.List;

/**
 * The transformer's hot path, shared by every architecture: the attention block, the feed-forward
 * block and a linear layer, each computed in the calling thread's {@link Precision}.
 *
 * <p>With the {@link TorchNative native kernels} a block is one call into libtorch: 16-bit tensors never
 * reach DJL, q, k and v are one matmul, fp32 matmuls on the CPU run on oneDNN, dropout masks are drawn by
 * a vectorised kernel, and a block's intermediates are freed as soon as autograd is done with them. Without them the same math runs on
 * DJL's operators, in fp32 only. Inputs and outputs are fp32 either way.
 */
public final class Kernels {

    private static final ThreadLocal<Boolean> DJL_ONLY = ThreadLocal.withInitial(() -> false);

    private Kernels() {}

    /** Whether the calling thread's blocks run as native kernels. */
    public static boolean nativeKernels() {
        return TorchNative.available() && !DJL_ONLY.get();
    }

    /** {@code native} or {@code djl}: what computes the calling thread's blocks, for result rows. */
    public static String name() {
        return nativeKernels() ? "native" : "djl";
    }

    /**
     * Runs the calling thread's blocks on DJL's operators until closed, even where the native kernels
     * are loaded: the reference the native kernels are tested against.
     */
    public static AutoCloseable djlOnly() {
        boolean previous = DJL_ONLY.get();
        DJL_ONLY.set(true);
        return () -> DJL_ONLY.set(previous);
    }

    /**
     * Self-attention with its output projection and post-LayerNorm residual, HF's {@code BertAttention}
     * (DistilBERT, RoBERTa and ALBERT compute the same): {@code LayerNorm(x + dropout(o(attention(q(x),
     * k(x), v(x)))))}.
     *
     * @param x (B, T, E) fp32
     * @param mask additive (B, 1, 1, T) fp32: 0 on tokens, fp32's lowest value on padding (cast to the
     *     compute format, as {@code torch.autocast} casts it)
     * @param weights q weight, q bias, k weight, k bias, v weight, v bias, output weight, output bias,
     *     LayerNorm weight, LayerNorm bias
     * @param heads attention heads N (E = N·H)
     * @param firstOnly the output at the first position only, (B, 1, E), its query attending over all T
     *     positions: the one row a classifier reading the first token uses of the last layer, for about a
     *     quarter of a full layer's products
     * @return (B, T, E), or (B, 1, E) when {@code firstOnly}
     */
    public static NDArray attentionBlock(NDArray x, NDArray mask, List<NDArray> weights, int heads, double eps,
            double attentionDropout, double hiddenDropout, boolean training, boolean firstOnly) {
        check(weights, 10, "attentionBlock");
        if (nativeKernels()) {
            return wrap(x, TorchNative.attentionBlock(handle(x), handle(mask), handles(weights), heads, eps,
                    attentionDropout, hiddenDropout, training, Precision.current().code(), firstOnly));
        }
        requireFp32("attentionBlock");
        NDArray queries = firstOnly ? x.get(":, :1, :") : x;
        NDArray context = ScaledDotProductAttention.attend(
                Linear.linear(queries, weights.get(0), weights.get(1)).head(),
                Linear.linear(x, weights.get(2), weights.get(3)).head(),
                Linear.linear(x, weights.get(4), weights.get(5)).head(),
                mask, heads, (float) attentionDropout, training);
        NDArray out = Linear.linear(context, weights.get(6), weights.get(7)).head();
        out = Dropout.dropout(out, (float) hiddenDropout, training).head();
        return layerNorm(out.add(queries), weights.get(8), weights.get(9), eps);
    }

    /**
     * The position-wise feed-forward with its post-LayerNorm residual, HF's {@code BertIntermediate} +
     * {@code BertOutput} ({@code XLNetFeedForward} adds the inner dropout): {@code LayerNorm(x +
     * dropout(w2(dropout_inner(act(w1(x))))))}.
     *
     * @param weights w1, b1, w2, b2, LayerNorm weight, LayerNorm bias
     */
    public static NDArray feedForwardBlock(NDArray x, List<NDArray> weights, Activation activation, double eps,
            double innerDropout, double hiddenDropout, boolean training) {
        check(weights, 6, "feedForwardBlock");
        if (nativeKernels()) {
            return wrap(x, TorchNative.feedForwardBlock(handle(x), handles(weights), activation.code(), eps,
                    innerDropout, hiddenDropout, training, Precision.current().code()));
        }
        requireFp32("feedForwardBlock");
        NDArray inner = activation.apply(Linear.linear(x, weights.get(0), weights.get(1)).head());
        inner = Dropout.dropout(inner, (float) innerDropout, training).head();
        NDArray out = Linear.linear(inner, weights.get(2), weights.get(3)).head();
        out = Dropout.dropout(out, (float) hiddenDropout, training).head();
        return layerNorm(out.add(x), weights.get(4), weights.get(5), eps);
    }

    /**
     * XLNet's relative attention block (content stream), HF's {@code XLNetRelativeAttention} with its
     * post-LayerNorm residual, in the thread's precision. Native kernels only: {@code dropgrid.model.XLNet}
     * computes the same on DJL's operators where they are absent.
     *
     * @param h (B, T, E) fp32
     * @param relative (2T, E) sinusoidal encodings of the relative distances T..-T+1
     * @param segmentDiffers (B, 1, T, T) fp32, 1 where two positions lie in different segments
     * @param masked (B, 1, T, T) fp32, 1 where a key is hidden from a query
     * @param weights q, k, v, o, r (E, N, H); r_w_bias, r_r_bias, r_s_bias (N, H); seg_embed (2, N, H);
     *     LayerNorm weight, LayerNorm bias
     */
    public static NDArray relativeAttentionBlock(NDArray h, NDArray relative, NDArray segmentDiffers, NDArray masked,
            List<NDArray> weights, double eps, double dropout, boolean training) {
        check(weights, 11, "relativeAttentionBlock");
        requireNative("relativeAttentionBlock");
        return wrap(h, TorchNative.relativeAttentionBlock(handle(h), handle(relative), handle(segmentDiffers),
                handle(masked), handles(weights), eps, dropout, training, Precision.current().code()));
    }

    /** {@code x · weightᵀ + bias} in the thread's precision, returned in fp32 (heads, projections). */
    public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
        if (nativeKernels()) {
            return wrap(x, TorchNative.linear(handle(x), handle(weight), handle(bias), Precision.current().code()));
        }
        requireFp32("linear");
        return Linear.linear(x, weight, bias).head();
    }

    /**
     * {@code torch.nn.functional.dropout}: in training each element is kept with probability {@code 1 - p}
     * and scaled by {@code 1 / (1 - p)}, the others are zeroed; outside training {@code x} itself. The
     * native kernel draws its mask from libtorch's seed ({@code Engine.setRandomSeed}), the same for any
     * number of threads.
     */
    public static NDArray dropout(NDArray x, double p, boolean training) {
        if (nativeKernels()) {
            return training && p > 0 ? wrap(x, TorchNative.dropout(handle(x), p, true)) : x;
        }
        return Dropout.dropout(x, (float) p, training).head();
    }

    /**
     * One {@code torch.optim.AdamW(fused=True)} step over a parameter group, in place. Native kernels
     * only ({@link #nativeKernels()}).
     *
     * @param step the group's 0-d fp32 step count, advanced here
     * @param gradScale null, or the fp16 loss scale the gradients still carry
     * @param foundInf null, or the loss scaler's flag: when 1 the step is skipped
     */
    public static void adamw(List<NDArray> params, List<NDArray> gradients, List<NDArray> firstMoments,
            List<NDArray> secondMoments, NDArray step, double lr, double beta1, double beta2, double weightDecay,
            double eps, NDArray gradScale, NDArray foundInf) {
        requireNative("adamw");
        TorchNative.adamw(handles(params), handles(gradients), handles(firstMoments), handles(secondMoments),
                handle(step), lr, beta1, beta2, weightDecay, eps, gradScale == null ? 0 : handle(gradScale),
                foundInf == null ? 0 : handle(foundInf));
    }

    /**
     * The L2 norm of all gradients together, as {@code torch.nn.utils.clip_grad_norm_} computes it (foreach
     * norms, one device-to-host copy). Native kernels only.
     *
     * @return NaN or infinite when a gradient is
     */
    public static double globalNorm(List<NDArray> gradients) {
        requireNative("globalNorm");
        return TorchNative.globalNorm(handles(gradients));
    }

    /**
     * {@code zero_grad(set_to_none=True)}: drops the parameters' gradients, so the next backward pass
     * writes them afresh instead of adding into zeros. A parameter the next pass does not reach then has
     * no gradient ({@code getGradient()} is null) and the optimiser skips it, as torch's does. Native
     * kernels only.
     */
    public static void releaseGradients(List<NDArray> params) {
        requireNative("releaseGradients");
        TorchNative.releaseGradients(handles(params));
    }

    /**
     * Hands the free pages of glibc's heaps back to the operating system ({@code malloc_trim}): after a
     * fine-tuning frees its optimiser state and gradients, so that a cell running beside it in the same
     * executor can have them. No-op without the native kernels.
     */
    public static void releaseFreeMemory() {
        if (TorchNative.available()) {
            TorchNative.releaseFreeMemory();
        }
    }

    /** {@code GradScaler.unscale_}: gradients ÷ {@code scale} in place; {@code foundInf} 1 on NaN/inf, else 0. */
    public static void unscaleGradients(List<NDArray> gradients, NDArray foundInf, NDArray scale) {
        requireNative("unscaleGradients");
        TorchNative.unscaleGradients(handles(gradients), handle(foundInf), handle(scale));
    }

    /** {@code GradScaler.update}: backs the scale off after a non-finite step, grows it after a clean run. */
    public static void updateScale(NDArray scale, NDArray growthTracker, NDArray foundInf, double growthFactor,
            double backoffFactor, int growthInterval) {
        requireNative("updateScale");
        TorchNative.updateScale(handle(scale), handle(growthTracker), handle(foundInf), growthFactor, backoffFactor,
                growthInterval);
    }

    /**
     * Lets CUDA matmuls in fp32 use TF32 (10-bit mantissa products, fp32 accumulation), as
     * {@code TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=1} does; process-wide, no effect on CPUs. Without the native
     * kernels only that environment variable (read when libtorch starts) decides.
     *
     * @return whether libtorch now allows TF32
     */
    public static boolean allowTf32(boolean allow) {
        if (!TorchNative.available()) {
            return "1".equals(System.getenv("TORCH_ALLOW_TF32_CUBLAS_OVERRIDE"));
        }
        TorchNative.allowTf32(allow);
        return TorchNative.tf32Allowed();
    }

    private static NDArray layerNorm(NDArray x, NDArray weight, NDArray bias, double eps) {
        return LayerNorm.layerNorm(x, new Shape(x.getShape().tail()), weight, bias, (float) eps).head();
    }

    private static void requireFp32(String what) {
        if (Precision.current() != Precision.FP32) {
            throw new IllegalStateException(what + " in precision " + Precision.current()
                    + " needs the native kernels (" + TorchNative.status() + ")");
        }
    }

    private static void requireNative(String what) {
        if (!nativeKernels()) {
            throw new IllegalStateException(what + " needs the native kernels (" + TorchNative.status() + ")");
        }
    }

    private static void check(List<NDArray> weights, int expected, String what) {
        if (weights.size() != expected) {
            throw new IllegalArgumentException(what + " takes " + expected + " weights, got " + weights.size());
        }
    }

    static long handle(NDArray array) {
        return ((PtNDArray) array).getHandle();
    }

    static long[] handles(List<NDArray> arrays) {
        long[] out = new long[arrays.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = handle(arrays.get(i));
        }
        return out;
    }

    /** A handle the native side returned, owned by {@code like}'s manager from now on. */
    static NDArray wrap(NDArray like, long handle) {
        return new PtNDArray((PtNDManager) like.getManager(), handle);
    }
}
