package dropgrid.kernels;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The number format of a fine-tuning's compute, as {@code torch.autocast} splits it: master weights,
 * optimiser state, LayerNorm, softmax accumulation, loss and the optimiser step stay fp32 always; the
 * matmuls, attention and feed-forward run in this format.
 *
 * <ul>
 *   <li>{@code fp32}: everything in fp32 (on a GPU the matmuls use TF32 unless
 *       {@code TORCH_ALLOW_TF32_CUBLAS_OVERRIDE=0}). The paper specs' default.
 *   <li>{@code bf16}: bfloat16 compute. Fast on CPUs with AMX or AVX-512-BF16 and on GPUs from Ampere
 *       (compute capability 8.0) on; needs the native kernels.
 *   <li>{@code fp16}: float16 compute with dynamic loss scaling, for GPUs before Ampere; slow on CPUs.
 *       Needs the native kernels.
 * </ul>
 *
 * <p>The precision a thread computes in is set by {@link #use()} for a scope, like {@code with
 * torch.autocast(...)}: the model blocks read {@link #current()}, so models need no setting of their own.
 */
public enum Precision {
    FP32("fp32"),
    BF16("bf16"),
    FP16("fp16");

    private static final ThreadLocal<Precision> CURRENT = ThreadLocal.withInitial(() -> FP32);

    private final String id;

    Precision(String id) {
        this.id = id;
    }

    /** The spec and results spelling: {@code fp32}, {@code bf16}, {@code fp16}. */
    @JsonValue
    public String id() {
        return id;
    }

    /** The code the native kernels take (the enum's position). */
    int code() {
        return ordinal();
    }

    /** Whether the matmuls run in a 16-bit format. */
    public boolean reduced() {
        return this != FP32;
    }

    /** Parses {@code value} (any case); the error names {@code where} and the allowed values. */
    public static Precision parse(String where, String value) {
        for (Precision p : values()) {
            if (p.id.equals(value.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException(where + " is '" + value + "'; allowed: "
                + Arrays.stream(values()).map(Precision::id).collect(Collectors.joining(", ")));
    }

    /** The precision the calling thread computes in: {@link #FP32} outside any {@link #use()} scope. */
    public static Precision current() {
        return CURRENT.get();
    }

    /**
     * Makes the calling thread compute in this precision until the scope is closed.
     *
     * @throws IllegalStateException when this precision needs the native kernels and they did not load
     */
    public Scope use() {
        if (reduced() && !Kernels.nativeKernels()) {
            throw new IllegalStateException("precision " + id + " needs dropgrid's native kernels, which are not "
                    + "in use (" + (TorchNative.available() ? "switched off on this thread" : TorchNative.status())
                    + "); use precision fp32");
        }
        return new Scope(this);
    }

    /**
     * Fails fast where {@code device} cannot compute in this precision: bf16 needs a GPU of compute
     * capability 8.0 (Ampere) or newer; CPUs run every precision (bf16 fast with AMX or AVX-512-BF16,
     * fp16 slowly).
     */
    public void requireSupportedOn(Device device) {
        if (this == BF16 && device.isGpu()) {
            String capability = CudaUtils.getComputeCapability(device.getDeviceId());
            if (Integer.parseInt(capability) < 80) {
                throw new IllegalStateException("precision bf16 needs a GPU of compute capability 8.0 (Ampere) or"
                        + " newer; " + device + " has " + capability.charAt(0) + "." + capability.substring(1)
                        + ": use precision fp16");
            }
        }
    }

    @Override
    public String toString() {
        return id;
    }

    /** A {@link #use()} scope; closing it restores the precision that was current before. */
    public static final class Scope implements AutoCloseable {
        private final Precision previous;

        private Scope(Precision precision) {
            previous = CURRENT.get();
            CURRENT.set(precision);
        }

        @Override
        public void close() {
            CURRENT.set(previous);
        }
    }
}
