package dropgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code doctor} on the jar's CPU libtorch (in this JVM) and on the CUDA libtorch of PyPI's torch
 * 2.7.1 wheel (in a child JVM set up by {@code bin/libtorch-env}, as the launcher does). The wheel is
 * named by {@code DROPGRID_LIBTORCH}; CI installs it (.ci/run), elsewhere its test is skipped without it.
 */
class DoctorCommandTest {

    @TempDir Path tmp;

    @Test
    void doctorOnTheCpuJarShowsTheCpuBuildAndWhyAGpuGridWouldStop() {
        var r = FetchModelCommandTest.run("doctor");
        assertEquals(0, r.exit(), r.err());
        assertEquals("pytorch 2.7.1 cpu", r.json().get("engine").asText());
        assertEquals("cpu", r.json().get("flavor").asText());
        assertFalse(r.json().get("cuda_build").asBoolean());
        assertTrue(Files.isRegularFile(Path.of(r.json().get("libtorch").asText(), "libtorch.so")));
        assertTrue(r.json().get("threads").asInt() >= 1);
        assertTrue(r.json().get("cuda_problem").asText().contains("is a CPU build"));
        assertEquals(1, FetchModelCommandTest.run("doctor", "--gpu").exit());
    }

    @Test
    void doctorOnTheWheelsCudaLibtorchLoadsTheCu128Jni() throws IOException, InterruptedException {
        String wheel = System.getenv("DROPGRID_LIBTORCH");
        if (wheel == null && "true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI must name the torch 2.7.1 wheel in DROPGRID_LIBTORCH (.ci/run installs it)");
        }
        assumeTrue(wheel != null, "DROPGRID_LIBTORCH names no CUDA libtorch");
        Map<String, String> env = libtorchEnv(wheel);
        assertEquals("cu128", env.get("PYTORCH_FLAVOR"));
        assertEquals("2.7.1", env.get("PYTORCH_VERSION"));
        assertTrue(env.get("LD_LIBRARY_PATH").contains("/nvidia/cudnn/lib"), env.get("LD_LIBRARY_PATH"));
        env.put("DJL_CACHE_DIR", tmp.resolve("djl").toString());

        JsonNode doctor = childDoctor(env, List.of(), 0);
        assertEquals("pytorch 2.7.1 cu128", doctor.get("engine").asText());
        assertEquals(env.get("PYTORCH_LIBRARY_PATH"), doctor.get("libtorch").asText());
        assertTrue(doctor.get("cuda_build").asBoolean());
        // DJL took the cu128 JNI out of pytorch-jni-2.7.1-0.36.0.jar into the natives cache.
        assertEquals(tmp.resolve("djl/pytorch/2.7.1-cu128-linux-x86_64/0.36.0-libdjl_torch.so").toString(),
                doctor.get("jni_library").asText());
        int gpus = doctor.get("gpu_count").asInt();
        assertEquals(gpus > 0 && doctor.get("cuda_usable").asBoolean(), doctor.get("cuda_problem").isNull());
        if (gpus == 0) {
            assertTrue(doctor.get("cuda_problem").asText().contains("is a CUDA build, yet"),
                    doctor.get("cuda_problem").asText());
            childDoctor(env, List.of("--gpu"), 1);
        }
        if (!Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libcuda.so.1"))) {
            assertNotNull(doctor.get("nvrtc_skipped").textValue(), "no driver here: libcaffe2_nvrtc.so is left out");
        }
    }

    /** The export lines of bin/libtorch-env, as a map. */
    static Map<String, String> libtorchEnv(String dir) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("../bin/libtorch-env", dir).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        Map<String, String> env = new HashMap<>();
        for (String line : out.split("\n")) {
            assertTrue(line.startsWith("export ") && line.contains("="), line);
            String assignment = line.substring("export ".length());
            env.put(assignment.substring(0, assignment.indexOf('=')), assignment.substring(assignment.indexOf('=') + 1));
        }
        return env;
    }

    private JsonNode childDoctor(Map<String, String> env, List<String> options, int expectedExit)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile(tmp, "doctor", ".log");
        List<String> args = new ArrayList<>(List.of("doctor"));
        args.addAll(options);
        Process p = ChildJvm.start(List.of(), "dropgrid.cli.Main", args, env, log);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "doctor did not finish");
        String out = Files.readString(log);
        assertEquals(expectedExit, p.exitValue(), out);
        String json = out.lines().filter(l -> l.startsWith("{\"engine\"")).findFirst().orElseThrow(
                () -> new AssertionError("no doctor JSON in\n" + out));
        return new ObjectMapper().readTree(json);
    }
}
