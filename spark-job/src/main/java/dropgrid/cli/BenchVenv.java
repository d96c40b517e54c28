package dropgrid.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The Python environment of the benchmarks' Hugging Face side: a venv under
 * {@code $DROPGRID_BENCH_VENV} (default {@code ~/.cache/dropgrid/bench-venv}) per set of pinned
 * requirements, created with {@code python3 -m venv} and pip the first time it is needed.
 */
final class BenchVenv {

    private BenchVenv() {}

    /** The venv's interpreter, creating the venv (and installing {@code requirements}) if needed. */
    static Path python(String requirements, PrintWriter log) throws IOException, InterruptedException {
        String root = System.getenv("DROPGRID_BENCH_VENV");
        Path base = root != null ? Path.of(root) : Path.of(System.getProperty("user.home"), ".cache", "dropgrid",
                "bench-venv");
        Path venv = base.resolve(sha256(requirements).substring(0, 12));
        Path python = venv.resolve("bin/python");
        if (Files.exists(venv.resolve(".complete"))) {
            return python;
        }
        Files.createDirectories(venv);
        Path file = venv.resolve("requirements.txt");
        Files.writeString(file, requirements, StandardCharsets.UTF_8);
        log.println("bench: creating " + venv + " from the pinned requirements (first use; torch's wheels are"
                + " about 3 GB)");
        log.flush();
        run(List.of("python3", "-m", "venv", venv.toString()));
        run(List.of(python.toString(), "-m", "pip", "install", "--quiet", "-r", file.toString()));
        Files.writeString(venv.resolve(".complete"), requirements, StandardCharsets.UTF_8);
        return python;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue());
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
