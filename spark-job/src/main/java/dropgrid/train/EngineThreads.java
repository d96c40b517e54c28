package dropgrid.train;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * CPU threads libtorch uses for one operator (intra-op), so several cells can share a machine.
 *
 * <p>The setting is process-wide: cells running side by side in one executor JVM should all ask for
 * the same number. {@code OMP_NUM_THREADS} (read by OpenMP when libtorch loads, so it must be in the
 * executor's environment) and {@code -Dai.djl.pytorch.num_threads} / {@code num_interop_threads} (read
 * when DJL starts the engine) are the start-up equivalents; this call works at any time.
 */
public final class EngineThreads {

    private EngineThreads() {}

    /** Sets intra-op threads; 0 leaves the library default (all cores, or what the environment says). */
    public static void use(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("threads = " + threads + " is not allowed; must be >= 0 (0 = default)");
        }
        Engine.getInstance();
        if (threads > 0 && JniUtils.getNumThreads() != threads) {
            JniUtils.setNumThreads(threads);
        }
    }

    /** The intra-op threads libtorch uses now. */
    public static int current() {
        Engine.getInstance();
        return JniUtils.getNumThreads();
    }
}
