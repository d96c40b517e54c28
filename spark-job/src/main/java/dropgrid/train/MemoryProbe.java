package dropgrid.train;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Peak memory of a cell: the Java heap's peak (the sum of the heap pools' peaks) and the process's peak
 * resident set size from {@code /proc/self/status} {@code VmHWM}, which includes libtorch's native
 * memory. Both are process-wide: cells running side by side in one executor JVM share one figure.
 */
public final class MemoryProbe {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private MemoryProbe() {}

    /**
     * Starts a measurement: resets the heap pools' peaks and, where the kernel allows it, the RSS
     * high-water mark (writing {@code 5} to {@code /proc/self/clear_refs}); otherwise the RSS peak is the
     * process's since it started.
     */
    public static void reset() {
        for (MemoryPoolMXBean pool : heapPools()) {
            pool.resetPeakUsage();
        }
        try {
            Files.writeString(CLEAR_REFS, "5", StandardCharsets.US_ASCII);
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            // Not Linux, or not allowed: VmHWM then covers the process's whole life, still an upper bound.
        }
    }

    /** Peak heap in use since {@link #reset}, in bytes. */
    public static long peakHeapBytes() {
        long sum = 0;
        for (MemoryPoolMXBean pool : heapPools()) {
            sum += pool.getPeakUsage().getUsed();
        }
        return sum;
    }

    /** Peak resident set size in bytes ({@code VmHWM}), or 0 where {@code /proc} is missing. */
    public static long peakRssBytes() {
        return statusBytes("VmHWM:");
    }

    /** Resident set size now ({@code VmRSS}), or 0 where {@code /proc} is missing. */
    public static long rssBytes() {
        return statusBytes("VmRSS:");
    }

    /** A {@code /proc/self/status} field in kB, as bytes. */
    static long statusBytes(String field) {
        try {
            for (String line : Files.readAllLines(STATUS, StandardCharsets.US_ASCII)) {
                if (line.startsWith(field)) {
                    // "VmHWM:   123456 kB"
                    String[] parts = line.substring(field.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    private static List<MemoryPoolMXBean> heapPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP).toList();
    }
}
