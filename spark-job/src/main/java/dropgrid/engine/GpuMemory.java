package dropgrid.engine;

import ai.djl.pytorch.jni.JniUtils;

/**
 * GPU memory between cells. libtorch's caching allocator keeps the blocks a finished cell freed;
 * handing them back to the driver lets the next cell (or another process sharing the GPU) start from
 * the same baseline instead of fragmenting what is left.
 */
public final class GpuMemory {

    private GpuMemory() {}

    /**
     * Returns libtorch's cached, unused GPU blocks to the driver ({@code CUDACachingAllocator::emptyCache},
     * which DJL's cu128 JNI exposes; a no-op on a CPU build). Tensors still alive are not touched.
     */
    public static void release() {
        JniUtils.emptyCudaCache();
    }

    /** Bytes in use on the GPU with this CUDA ordinal, by this process and any other. */
    public static long usedBytes(int ordinal) {
        return CudaDriver.usedBytes(ordinal);
    }
}
