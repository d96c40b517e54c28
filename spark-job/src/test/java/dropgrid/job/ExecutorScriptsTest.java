package dropgrid.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The images' executor-side scripts, run with stand-ins for {@code nvidia-smi} and {@code java} on the
 * PATH: the GPU discovery script's addresses with and without {@code CUDA_VISIBLE_DEVICES}, and the
 * command line the entrypoint starts a Kubernetes executor with.
 */
class ExecutorScriptsTest {

    static final Path DOCKER = Path.of("../docker").toAbsolutePath().normalize();

    @TempDir Path bin;

    @Test
    void discoveryReportsCudaOrdinalsOfTheVisibleDevices() throws Exception {
        fake("nvidia-smi", "printf '0\\n1\\n2\\n3\\n'");
        assertEquals("{\"name\": \"gpu\", \"addresses\": [\"0\",\"1\",\"2\",\"3\"]}", discover(null));
        // Spark reads an address as an index into CUDA_VISIBLE_DEVICES: physical GPUs 2 and 3 are "0", "1".
        assertEquals("{\"name\": \"gpu\", \"addresses\": [\"0\",\"1\"]}", discover("2,3"));
        assertEquals("{\"name\": \"gpu\", \"addresses\": [\"0\",\"1\"]}", discover("GPU-5b1c7a3e,GPU-77aa0c1d"));
        // CUDA stops at the first entry that names no device.
        assertEquals("{\"name\": \"gpu\", \"addresses\": [\"0\"]}", discover("1,-1,2"));
        assertEquals("{\"name\": \"gpu\", \"addresses\": []}", discover(""));
    }

    @Test
    void discoveryWhereNvidiaSmiFailsFindsNoGpu() throws Exception {
        fake("nvidia-smi", "echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver' >&2; exit 9");
        assertEquals("{\"name\": \"gpu\", \"addresses\": []}", discover(null));
    }

    @Test
    void entrypointStartsTheKubernetesExecutorBackendWithSparksSettings() throws Exception {
        fake("java", "printf '%s\\n' \"$@\"");
        Map<String, String> env = Map.of("SPARK_JAVA_OPT_0", "-Dspark.app.id=a1", "SPARK_JAVA_OPT_1", "-Dx=1",
                "SPARK_JAVA_OPT_10", "-Dlast=10", "SPARK_EXECUTOR_MEMORY", "6g", "SPARK_DRIVER_URL", "spark://d:7078",
                "SPARK_EXECUTOR_ID", "3", "SPARK_EXECUTOR_CORES", "4", "SPARK_APPLICATION_ID", "a1",
                "SPARK_EXECUTOR_POD_IP", "10.0.0.7", "SPARK_EXECUTOR_POD_NAME", "exec-3");
        List<String> args = run(List.of(DOCKER.resolve("entrypoint.sh").toString(), "executor"), env).lines().toList();
        assertEquals(List.of("-Dspark.app.id=a1", "-Dx=1", "-Dlast=10", "-Xms6g", "-Xmx6g"), args.subList(0, 5));
        int main = args.indexOf("org.apache.spark.scheduler.cluster.k8s.KubernetesExecutorBackend");
        assertEquals("/opt/spark/jars/*", args.get(main - 1));
        assertEquals(List.of("--driver-url", "spark://d:7078", "--executor-id", "3", "--cores", "4", "--app-id", "a1",
                "--hostname", "10.0.0.7", "--resourceProfileId", "0", "--podName", "exec-3"),
                args.subList(main + 1, args.size()));
    }

    private String discover(String visible) throws Exception {
        return run(List.of(DOCKER.resolve("gpu-discovery.sh").toString()),
                visible == null ? Map.of() : Map.of("CUDA_VISIBLE_DEVICES", visible)).trim();
    }

    private void fake(String name, String body) throws IOException {
        Path f = bin.resolve(name);
        Files.writeString(f, "#!/usr/bin/env bash\n" + body + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private String run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("SPARK_") || k.equals("CUDA_VISIBLE_DEVICES"));
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        pb.environment().putAll(env);
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
