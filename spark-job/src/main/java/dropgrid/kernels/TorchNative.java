package dropgrid.kernels;

import ai.djl.engine.Engine;
import ai.djl.util.Utils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * {@code libdropgrid_torch.so}, dropgrid's JNI kernels ({@code src/main/native}), loaded into the
 * libtorch that DJL started: the jar carries the library, built against the torch 2.7.1 headers, and it
 * binds by soname to whichever libtorch 2.7.1 is loaded (DJL's CPU build or a CUDA build from the PyPI
 * wheel). Where it cannot load (another platform or libtorch version, or {@code DROPGRID_NATIVE=off} /
 * {@code -Ddropgrid.native=off}) {@link #available()} is false, {@link #status()} says why, and the
 * model runs on DJL's own operators in fp32.
 *
 * <p>Tensors cross as DJL handles ({@code PtNDArray.getHandle()}); every handle returned is new and
 * must be wrapped in a {@code PtNDArray}, which frees it.
 */
public final class TorchNative {

    static final String LIBRARY = "libdropgrid_torch.so";
    static final String RESOURCE = "/native/linux-x86_64/" + LIBRARY;
    /** The libtorch whose headers the library was compiled against; another version may differ in ABI. */
    static final String TORCH_VERSION = "2.7.1";

    private static final Load LOAD = load();

    private record Load(boolean available, String status) {}

    private TorchNative() {}

    /** Whether the native kernels are loaded and usable. */
    public static boolean available() {
        return LOAD.available();
    }

    /** "loaded from PATH" or why the native kernels are absent: for logs and result rows. */
    public static String status() {
        return LOAD.status();
    }

    private static Load load() {
        String setting = System.getProperty("dropgrid.native", System.getenv().getOrDefault("DROPGRID_NATIVE", ""));
        if (setting.equalsIgnoreCase("off") || setting.equalsIgnoreCase("false")) {
            return absent("switched off by " + (System.getProperty("dropgrid.native") != null
                    ? "-Ddropgrid.native" : "DROPGRID_NATIVE"));
        }
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch");
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return absent("built for linux-x86_64, this is " + os + "-" + arch);
        }
        Engine engine = Engine.getEngine("PyTorch");
        if (!TORCH_VERSION.equals(engine.getVersion())) {
            return absent("built for libtorch " + TORCH_VERSION + ", DJL loaded libtorch " + engine.getVersion());
        }
        try (InputStream in = TorchNative.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return absent(RESOURCE + " is not in the jar (built without the native step)");
            }
            byte[] bytes = in.readAllBytes();
            Path file = Utils.getEngineCacheDir("dropgrid").resolve(sha256(bytes).substring(0, 16)).resolve(LIBRARY);
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                Path tmp = Files.createTempFile(file.getParent(), LIBRARY, ".tmp");
                Files.write(tmp, bytes);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
            System.load(file.toString());
            String compiled = torchVersion();
            if (!compiled.startsWith(TORCH_VERSION)) {
                return absent(file + " was compiled against torch " + compiled);
            }
            LoggerFactory.getLogger(TorchNative.class).debug("native kernels loaded from {}", file);
            return new Load(true, "loaded from " + file);
        } catch (IOException | UncheckedIOException | UnsatisfiedLinkError e) {
            return absent(e.toString());
        }
    }

    private static Load absent(String why) {
        LoggerFactory.getLogger(TorchNative.class).warn("dropgrid native kernels not loaded ({}): fp32 on DJL "
                + "operators only", why);
        return new Load(false, "absent: " + why);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- the JNI functions (dropgrid_torch.cpp documents each) -----------------------------------

    static native String torchVersion();

    static native long attentionBlock(long x, long mask, long[] weights, int heads, double eps,
            double attentionDropout, double hiddenDropout, boolean training, int precision, boolean firstOnly);

    static native long feedForwardBlock(long x, long[] weights, int activation, double eps, double innerDropout,
            double hiddenDropout, boolean training, int precision);

    static native long relativeAttentionBlock(long h, long relative, long segmentDiffers, long masked, long[] weights,
            double eps, double dropout, boolean training, int precision);

    static native long linear(long x, long weight, long bias, int precision);

    static native long activation(long x, int activation, int precision);

    static native long softmaxDropout(long scores, long mask, double p, int precision);

    static native long dropout(long x, double p, boolean training);

    static native double globalNorm(long[] gradients);

    static native void adamw(long[] params, long[] gradients, long[] firstMoments, long[] secondMoments,
            long step, double lr, double beta1, double beta2, double weightDecay, double eps, long gradScale,
            long foundInf);

    static native void unscaleGradients(long[] gradients, long foundInf, long scale);

    static native void updateScale(long scale, long growthTracker, long foundInf, double growthFactor,
            double backoffFactor, int growthInterval);

    static native void releaseGradients(long[] params);

    static native boolean releaseFreeMemory();

    static native void allowTf32(boolean allow);

    static native boolean tf32Allowed();
}
