package dropgrid.engine;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Datasheet peak dense throughput of common NVIDIA data-centre GPUs, TFLOP/s, for model FLOPs
 * utilisation (MFU = achieved / peak). Without sparsity; fp32 is the CUDA-core rate, tf32/bf16/fp16 the
 * tensor-core rate. A GPU not listed has no peak unless the user gives one ({@code --peak-tflops}).
 */
public final class GpuPeaks {

    /** One GPU: a substring of the driver's name and its peaks by precision. */
    private record Entry(String nameContains, Map<String, Double> tflops) {}

    // Most specific names first: "H100 PCIe" before "H100". A10G (AWS) is not an A10 and is not listed.
    private static final List<Entry> TABLE = List.of(
            new Entry("H100 PCIE", Map.of("fp32", 51.0, "tf32", 378.0, "bf16", 756.0, "fp16", 756.0)),
            new Entry("H100", Map.of("fp32", 67.0, "tf32", 494.7, "bf16", 989.4, "fp16", 989.4)),
            new Entry("A100", Map.of("fp32", 19.5, "tf32", 156.0, "bf16", 312.0, "fp16", 312.0)),
            new Entry("L40S", Map.of("fp32", 91.6, "tf32", 183.0, "bf16", 362.1, "fp16", 362.1)),
            new Entry("L4", Map.of("fp32", 30.3, "tf32", 60.0, "bf16", 121.0, "fp16", 121.0)),
            new Entry("A10", Map.of("fp32", 31.2, "tf32", 62.5, "bf16", 125.0, "fp16", 125.0)),
            new Entry("V100-PCIE", Map.of("fp32", 14.0, "fp16", 112.0)),
            new Entry("V100", Map.of("fp32", 15.7, "fp16", 125.0)),
            new Entry("T4", Map.of("fp32", 8.1, "fp16", 65.0)));

    private GpuPeaks() {}

    /**
     * The peak for a GPU and precision in TFLOP/s, or null when unknown (or the GPU has no such mode:
     * no TF32/bf16 before Ampere).
     */
    public static Double tflops(String gpuName, String precision) {
        if (gpuName == null) {
            return null;
        }
        String name = gpuName.toUpperCase(Locale.ROOT);
        for (Entry e : TABLE) {
            // "A10" must match neither "A100" nor "A10G": the name goes on with no letter or digit.
            int at = name.indexOf(e.nameContains());
            int end = at + e.nameContains().length();
            if (at >= 0 && (end == name.length() || !Character.isLetterOrDigit(name.charAt(end)))) {
                return e.tflops().get(precision);
            }
        }
        return null;
    }
}
