package dropgrid.engine;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.Utils;
import dropgrid.kernels.TorchNative;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which PyTorch engine this JVM runs on, as loaded (not as configured): the libtorch folder and build,
 * the DJL JNI library, whether CUDA works, the GPUs the driver shows, threads and the natives cache.
 * {@code dropgrid doctor} prints it; result rows carry {@link #engine()}; a GPU grid checks
 * {@link #cudaProblem()} before its first cell.
 *
 * @param engine short name of the build, e.g. {@code pytorch 2.7.1 cu128} or {@code pytorch 2.7.1 cpu}
 * @param libtorch the folder libtorch was loaded from
 * @param version libtorch's version
 * @param flavor DJL's name of the build ({@code cpu}, {@code cu128}): the JNI library that was loaded
 * @param cudaBuild whether the loaded libtorch has CUDA ({@code libtorch_cuda.so} is in the process)
 * @param cudaUsable whether libtorch can compute on a GPU here ({@code torch::cuda::is_available()})
 * @param cudnn whether libtorch finds cuDNN
 * @param driverVersion the CUDA version the NVIDIA driver supports (e.g. {@code 12.4}); null without a driver
 * @param gpuCount GPUs the driver shows this process
 * @param gpus those GPUs; ordinal n is libtorch's {@code cuda:n}
 * @param gpuProblem why there are no GPUs, or null
 * @param cudaVisibleDevices the {@code CUDA_VISIBLE_DEVICES} of this process, null when unset
 * @param threads libtorch's intra-op threads
 * @param interopThreads libtorch's inter-op threads
 * @param nativesCache where DJL keeps natives it unpacks (set by {@code DJL_CACHE_DIR})
 * @param jniLibrary DJL's JNI library that was loaded
 * @param pytorchLibraryPath the {@code PYTORCH_LIBRARY_PATH} DJL was given, null when unset
 * @param nvrtcSkipped the CUDA run-time compiler library left out for want of a driver ({@link NativeLoader})
 * @param extraLibraries the libraries named in {@code PYTORCH_EXTRA_LIBRARY_PATH} and whether each is loaded
 * @param nativeKernels whether dropgrid's own kernels ({@code libdropgrid_torch.so}) are loaded, and from where
 * @param tf32Override {@code TORCH_ALLOW_TF32_CUBLAS_OVERRIDE}, which ATen reads once: {@code 1} makes a
 *     GPU's fp32 matmuls TF32; null when unset (PyTorch's default: strict fp32)
 */
public record EngineInfo(
        String engine,
        String libtorch,
        String version,
        String flavor,
        boolean cudaBuild,
        boolean cudaUsable,
        boolean cudnn,
        String driverVersion,
        int gpuCount,
        List<CudaDriver.Gpu> gpus,
        String gpuProblem,
        String cudaVisibleDevices,
        int threads,
        int interopThreads,
        String nativesCache,
        String jniLibrary,
        String pytorchLibraryPath,
        String nvrtcSkipped,
        Map<String, Boolean> extraLibraries,
        String nativeKernels,
        String tf32Override) {

    private static final Path MAPS = Path.of("/proc/self/maps");
    /** DJL unpacks a JNI library into {@code <version>-<flavor>-<os>-<arch>/}. */
    private static final Pattern JNI_FOLDER = Pattern.compile(".*-(cpu|cu\\d+)(-precxx11)?-(linux|osx|win)-[^/]+");

    private static volatile String engineName;
    private static volatile List<CudaDriver.Gpu> driverGpus;

    public EngineInfo {
        gpus = List.copyOf(gpus);
        extraLibraries = Map.copyOf(extraLibraries);
    }

    /** Loads the engine if it is not loaded yet, and describes it. */
    public static EngineInfo current() {
        Engine.getInstance();
        Set<String> libraries = loadedLibraries();
        String jni = libraries.stream().filter(p -> p.endsWith("libdjl_torch.so")).findFirst().orElse(null);
        boolean cudaBuild = libraries.stream().anyMatch(p -> p.endsWith("/libtorch_cuda.so"));
        Set<String> features = JniUtils.getFeatures();
        CudaDriver.Devices devices = CudaDriver.devices();
        String version = LibUtils.getVersion();
        String flavor = flavor(jni, cudaBuild);
        Map<String, Boolean> extra = new LinkedHashMap<>();
        String extraPaths = Utils.getEnvOrSystemProperty("PYTORCH_EXTRA_LIBRARY_PATH");
        if (extraPaths != null && !extraPaths.isBlank()) {
            for (String file : extraPaths.split(",")) {
                extra.put(file, libraries.contains(Path.of(file).toAbsolutePath().normalize().toString()));
            }
        }
        return new EngineInfo("pytorch " + version + " " + flavor, LibUtils.getLibtorchPath(), version, flavor,
                cudaBuild, features.contains("CUDA"), features.contains("CUDNN"),
                devices.driverVersion() == null ? null
                        : devices.driverVersion() / 1000 + "." + devices.driverVersion() % 1000 / 10,
                devices.gpus().size(), devices.gpus(), devices.problem(), System.getenv("CUDA_VISIBLE_DEVICES"),
                JniUtils.getNumThreads(), JniUtils.getNumInteropThreads(),
                Utils.getEngineCacheDir("pytorch").toAbsolutePath().toString(), jni,
                Utils.getEnvOrSystemProperty("PYTORCH_LIBRARY_PATH"), NativeLoader.skipped(), extra,
                TorchNative.status(), System.getenv("TORCH_ALLOW_TF32_CUBLAS_OVERRIDE"));
    }

    /** {@link #engine()} of this JVM's engine, worked out once (the engine never changes in a JVM). */
    public static String engineName() {
        String name = engineName;
        if (name == null) {
            name = current().engine();
            engineName = name;
        }
        return name;
    }

    /** The name of this process's GPU with that CUDA ordinal (asking the driver once), or null. */
    public static String gpuNameOf(int ordinal) {
        List<CudaDriver.Gpu> gpus = driverGpus;
        if (gpus == null) {
            gpus = CudaDriver.devices().gpus();
            driverGpus = gpus;
        }
        return gpus.stream().filter(g -> g.ordinal() == ordinal).map(CudaDriver.Gpu::name).findFirst().orElse(null);
    }

    /** The name of the GPU with this CUDA ordinal, or null when the driver shows none such. */
    public String gpuName(int ordinal) {
        return gpus.stream().filter(g -> g.ordinal() == ordinal).map(CudaDriver.Gpu::name).findFirst().orElse(null);
    }

    /**
     * Checks that a cell can run on {@code cuda:ordinal} here.
     *
     * @throws GpuUnavailableException naming the libtorch, the GPUs seen and how to fix it
     */
    public void requireGpu(int ordinal) {
        String problem = cudaProblem();
        if (problem != null) {
            throw new GpuUnavailableException("a cell asks for a GPU, but " + problem);
        }
        try {
            GpuAddress.check(ordinal, cudaVisibleDevices, gpuCount);
        } catch (IllegalArgumentException e) {
            throw new GpuUnavailableException(e.getMessage());
        }
    }

    /**
     * Why this engine cannot run a cell on a GPU, with what to do about it; null when it can. The text
     * names the libtorch that was loaded, so one line tells a user on which node what went wrong.
     */
    public String cudaProblem() {
        if (cudaUsable && gpuCount > 0) {
            return null;
        }
        String loaded = "the PyTorch engine loaded from " + libtorch + " (" + engine + ")";
        if (!cudaBuild) {
            String ignored = pytorchLibraryPath == null ? ""
                    : " PYTORCH_LIBRARY_PATH=" + pytorchLibraryPath + " holds no libtorch.so, so DJL fell back to"
                            + " the CPU libtorch inside the job jar.";
            return loaded + " is a CPU build and cannot use a GPU." + ignored + " Fix: use the dropgrid GPU image, or"
                    + " install torch==2.7.1 from PyPI on the node and set PYTORCH_LIBRARY_PATH=<site-packages>/torch/lib"
                    + " PYTORCH_VERSION=2.7.1 PYTORCH_FLAVOR=cu128 LD_LIBRARY_PATH=<site-packages>/nvidia/*/lib in the"
                    + " executor environment (docs/cluster.md, \"GPU executors\")";
        }
        if (gpuCount == 0) {
            return loaded + " is a CUDA build, yet " + gpuProblem + ". Fix: run GPU cells on a node with an NVIDIA"
                    + " GPU and driver, and expose the GPU to the executor (Kubernetes: the NVIDIA device plugin and"
                    + " spark.executor.resource.gpu.vendor=nvidia.com; `nvidia-smi` inside the container must list it)";
        }
        return loaded + " is a CUDA build and the NVIDIA driver (CUDA " + driverVersion + ") shows " + gpuCount
                + " GPU(s), but libtorch cannot use them. Fix: the torch 2.7.1 wheel is built for CUDA 12.6 and needs"
                + " a driver for CUDA 12 (R525 or newer); `./dropgrid doctor` on that node shows what it found";
    }

    private static String flavor(String jni, boolean cudaBuild) {
        if (jni != null) {
            Matcher m = JNI_FOLDER.matcher(Path.of(jni).getParent().getFileName().toString());
            if (m.matches()) {
                return m.group(1);
            }
        }
        return cudaBuild ? "cuda" : "cpu";
    }

    /** Every shared library mapped into this process (Linux); empty where there is no /proc. */
    private static Set<String> loadedLibraries() {
        Set<String> libraries = new LinkedHashSet<>();
        try {
            for (String line : Files.readAllLines(MAPS)) {
                int slash = line.indexOf('/');
                if (slash >= 0 && line.contains(".so")) {
                    libraries.add(line.substring(slash).trim());
                }
            }
        } catch (IOException | SecurityException e) {
            return libraries;
        }
        return libraries;
    }
}
