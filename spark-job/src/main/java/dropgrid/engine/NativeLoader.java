package dropgrid.engine;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.LoggerFactory;

/**
 * DJL's native helper ({@code ai.djl.pytorch.native_helper}): loads each libtorch library as DJL asks,
 * with one exception that lets a CUDA build of libtorch start on a machine without an NVIDIA driver.
 *
 * <p>For a CUDA libtorch, DJL 0.36 loads {@code libcaffe2_nvrtc.so} eagerly, and that library links the
 * driver ({@code libcuda.so.1}), which only a GPU node has. PyTorch itself opens it lazily, only to
 * compile kernels at run time on a GPU. Without a driver there is no GPU to compile for, so skipping
 * it changes nothing; every other failure to load is DJL's as usual. This is what makes the CUDA
 * libtorch testable on a CPU (doctor, the smoke grid, the GPU image built on a CPU machine).
 */
public final class NativeLoader {

    /** The system property DJL reads (on every library it loads) to find this class. */
    public static final String PROPERTY = "ai.djl.pytorch.native_helper";

    private static final String NVRTC = "libcaffe2_nvrtc.so";
    private static final AtomicReference<String> SKIPPED = new AtomicReference<>();

    private NativeLoader() {}

    /** Makes DJL load libtorch through this class, unless someone already named a helper. */
    public static void install() {
        if (System.getProperty(PROPERTY) == null) {
            System.setProperty(PROPERTY, NativeLoader.class.getName());
        }
    }

    /** Called by DJL for every library of libtorch, in DJL's order. */
    public static void load(String path) {
        try {
            System.load(path);
        } catch (UnsatisfiedLinkError e) {
            String message = String.valueOf(e.getMessage());
            if (!Path.of(path).getFileName().toString().equals(NVRTC) || !message.contains("libcuda.so.1")) {
                throw e;
            }
            SKIPPED.set(path);
            LoggerFactory.getLogger(NativeLoader.class).info("No NVIDIA driver on this machine: not loading {}, which"
                    + " only compiles CUDA kernels at run time", path);
        }
    }

    /** The run-time CUDA compiler library left out because {@code libcuda.so.1} is missing; null if none was. */
    public static String skipped() {
        return SKIPPED.get();
    }
}
