package dropgrid.engine;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The GPUs this process can see, from the NVIDIA driver ({@code libcuda.so.1}, which every GPU node has
 * and a CPU machine does not). The driver API numbers devices as CUDA does for this process, after
 * {@code CUDA_VISIBLE_DEVICES}: ordinal n here is libtorch's {@code cuda:n}. Asking for names and total
 * memory creates no CUDA context; {@link #usedBytes} uses the device's primary context, the one
 * libtorch computes in.
 */
public final class CudaDriver {

    /** One visible GPU. */
    public record Gpu(int ordinal, String name, long memoryBytes, String computeCapability, int multiprocessors,
            int clockKhz) {}

    /** What the driver says: its version and the visible GPUs, or why it could not be asked. */
    public record Devices(Integer driverVersion, List<Gpu> gpus, String problem) {
        public Devices {
            gpus = List.copyOf(gpus);
        }
    }

    private static final int CUDA_SUCCESS = 0;
    private static final int ATTRIBUTE_CLOCK_RATE = 13;
    private static final int ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
    private static final int ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    private static final int ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;

    /** The driver API entry points used here (cuda.h, CUDA 12). */
    interface Api extends Library {
        int cuInit(int flags);

        int cuDriverGetVersion(IntByReference version);

        int cuDeviceGetCount(IntByReference count);

        int cuDeviceGet(IntByReference device, int ordinal);

        int cuDeviceGetName(byte[] name, int length, int device);

        int cuDeviceTotalMem_v2(LongByReference bytes, int device);

        int cuDeviceGetAttribute(IntByReference value, int attribute, int device);

        int cuDevicePrimaryCtxRetain(PointerByReference context, int device);

        int cuDevicePrimaryCtxRelease_v2(int device);

        int cuCtxPushCurrent_v2(Pointer context);

        int cuCtxPopCurrent_v2(PointerByReference context);

        int cuMemGetInfo_v2(LongByReference free, LongByReference total);

        int cuGetErrorString(int result, PointerByReference text);
    }

    private static volatile Api api;

    private CudaDriver() {}

    /** The visible GPUs; none, with the reason, when there is no driver or it fails. */
    public static Devices devices() {
        Api cuda;
        try {
            cuda = api();
        } catch (UnsatisfiedLinkError e) {
            return new Devices(null, List.of(), "this machine has no NVIDIA driver (libcuda.so.1 not found)");
        }
        try {
            check(cuda, cuda.cuInit(0), "cuInit");
            IntByReference version = new IntByReference();
            check(cuda, cuda.cuDriverGetVersion(version), "cuDriverGetVersion");
            IntByReference count = new IntByReference();
            check(cuda, cuda.cuDeviceGetCount(count), "cuDeviceGetCount");
            List<Gpu> gpus = new ArrayList<>();
            for (int ordinal = 0; ordinal < count.getValue(); ordinal++) {
                gpus.add(gpu(cuda, ordinal));
            }
            return new Devices(version.getValue(), gpus, gpus.isEmpty() ? "the NVIDIA driver sees no GPU" : null);
        } catch (IllegalStateException e) {
            return new Devices(null, List.of(), e.getMessage());
        }
    }

    /**
     * Bytes in use on a GPU, by anyone (libtorch's cached blocks, its context, other processes):
     * {@code total - free} as {@code cudaMemGetInfo} reports it.
     */
    public static long usedBytes(int ordinal) {
        Api cuda = api();
        check(cuda, cuda.cuInit(0), "cuInit");
        IntByReference device = new IntByReference();
        check(cuda, cuda.cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
        PointerByReference context = new PointerByReference();
        check(cuda, cuda.cuDevicePrimaryCtxRetain(context, device.getValue()), "cuDevicePrimaryCtxRetain");
        try {
            check(cuda, cuda.cuCtxPushCurrent_v2(context.getValue()), "cuCtxPushCurrent");
            try {
                LongByReference free = new LongByReference();
                LongByReference total = new LongByReference();
                check(cuda, cuda.cuMemGetInfo_v2(free, total), "cuMemGetInfo");
                return total.getValue() - free.getValue();
            } finally {
                cuda.cuCtxPopCurrent_v2(new PointerByReference());
            }
        } finally {
            cuda.cuDevicePrimaryCtxRelease_v2(device.getValue());
        }
    }

    private static Gpu gpu(Api cuda, int ordinal) {
        IntByReference device = new IntByReference();
        check(cuda, cuda.cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
        int d = device.getValue();
        byte[] name = new byte[256];
        check(cuda, cuda.cuDeviceGetName(name, name.length, d), "cuDeviceGetName");
        LongByReference memory = new LongByReference();
        check(cuda, cuda.cuDeviceTotalMem_v2(memory, d), "cuDeviceTotalMem");
        return new Gpu(ordinal, Native.toString(name, StandardCharsets.US_ASCII.name()), memory.getValue(),
                attribute(cuda, ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, d) + "."
                        + attribute(cuda, ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, d),
                attribute(cuda, ATTRIBUTE_MULTIPROCESSOR_COUNT, d), attribute(cuda, ATTRIBUTE_CLOCK_RATE, d));
    }

    private static int attribute(Api cuda, int attribute, int device) {
        IntByReference value = new IntByReference();
        check(cuda, cuda.cuDeviceGetAttribute(value, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
        return value.getValue();
    }

    private static void check(Api cuda, int result, String call) {
        if (result != CUDA_SUCCESS) {
            PointerByReference text = new PointerByReference();
            String reason = cuda.cuGetErrorString(result, text) == CUDA_SUCCESS && text.getValue() != null
                    ? text.getValue().getString(0) : "error";
            throw new IllegalStateException("the NVIDIA driver failed " + call + ": " + reason + " (" + result + ")");
        }
    }

    private static Api api() {
        Api loaded = api;
        if (loaded == null) {
            // The versioned soname: the unversioned libcuda.so is a development symlink that nodes may lack.
            loaded = Native.load("libcuda.so.1", Api.class);
            api = loaded;
        }
        return loaded;
    }
}
