package dropgrid.engine;

/**
 * Which CUDA device a Spark GPU address names. Spark hands a task the addresses its discovery script
 * reported; with {@code CUDA_VISIBLE_DEVICES} set in the executor, an address is an index into that
 * list (as pyspark's {@code TorchDistributor} reads it), and CUDA numbers the listed devices 0, 1, …
 * in list order. Either way the address is the CUDA ordinal in this process: {@code "1"} is
 * {@code cuda:1}. An address that is not such an ordinal is a misconfigured discovery script, and
 * guessing would put two tasks on one GPU.
 */
public final class GpuAddress {

    private GpuAddress() {}

    /**
     * The CUDA ordinal an address names.
     *
     * @throws IllegalArgumentException when it is not a device index (0, 1, … without leading zeros)
     */
    public static int parse(String address) {
        String a = address == null ? "" : address.trim();
        if (!a.matches("0|[1-9][0-9]{0,8}")) {
            throw new IllegalArgumentException("Spark gave this task GPU address '" + address + "'; dropgrid needs a"
                    + " CUDA device index (0, 1, ...): make the GPU discovery script print indices, as Spark's"
                    + " getGpusResources.sh and docker/gpu-discovery.sh do");
        }
        return Integer.parseInt(a);
    }

    /**
     * Checks that this process has a GPU with that ordinal.
     *
     * @param ordinal the ordinal an address named
     * @param visibleDevices the executor's {@code CUDA_VISIBLE_DEVICES}, null when unset
     * @param gpuCount the GPUs this process sees (after {@code CUDA_VISIBLE_DEVICES})
     * @throws IllegalArgumentException naming the address, the environment and what is allowed
     */
    public static void check(int ordinal, String visibleDevices, int gpuCount) {
        if (ordinal < 0 || ordinal >= gpuCount) {
            String visible = visibleDevices == null ? "CUDA_VISIBLE_DEVICES is unset"
                    : "CUDA_VISIBLE_DEVICES=" + visibleDevices + ", and an address is an index into that list";
            throw new IllegalArgumentException("Spark gave this task GPU address " + ordinal + " but this process"
                    + " sees " + gpuCount + " GPU" + (gpuCount == 1 ? "" : "s") + " (" + visible + "); the"
                    + " discovery script must report the indices of the GPUs this executor may use, as CUDA"
                    + " numbers them here (docker/gpu-discovery.sh does)");
        }
    }
}
