package dropgrid.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The engine of the test JVM: the CPU libtorch inside the job's dependencies. What doctor says about
 * it is checked against DJL's own view and the files on disk.
 */
class EngineInfoTest {

    @Test
    void describesTheCpuLibtorchOfTheJar() {
        EngineInfo info = EngineInfo.current();
        assertEquals("pytorch 2.7.1 cpu", info.engine());
        assertEquals("2.7.1", info.version());
        assertEquals("cpu", info.flavor());
        assertEquals(LibUtils.getLibtorchPath(), info.libtorch());
        assertTrue(Files.isRegularFile(Path.of(info.libtorch(), "libtorch.so")), info.libtorch());
        assertFalse(info.cudaBuild());
        assertFalse(info.cudaUsable());
        assertNotNull(info.jniLibrary());
        assertTrue(Path.of(info.jniLibrary()).startsWith(Path.of(info.nativesCache())), info.jniLibrary());
        assertTrue(Path.of(info.jniLibrary()).getParent().getFileName().toString().contains("-cpu-"), info.jniLibrary());
        assertEquals(JniUtils.getNumThreads(), info.threads());
        assertEquals(info.gpus().size(), info.gpuCount());
        assertEquals(info.gpuCount() == 0, info.gpuProblem() != null);
        assertNull(info.nvrtcSkipped());
        assertEquals("pytorch 2.7.1 cpu", EngineInfo.engineName());
    }

    @Test
    void aGpuCellOnTheCpuBuildNamesTheLibtorchAndTheFix() {
        EngineInfo info = EngineInfo.current();
        String problem = info.cudaProblem();
        assertNotNull(problem);
        assertTrue(problem.contains(info.libtorch()), problem);
        assertTrue(problem.contains("CPU build"), problem);
        assertTrue(problem.contains("PYTORCH_LIBRARY_PATH=<site-packages>/torch/lib"), problem);
        assertTrue(problem.contains("PYTORCH_FLAVOR=cu128"), problem);
        GpuUnavailableException e = assertThrows(GpuUnavailableException.class, () -> info.requireGpu(0));
        assertTrue(e.getMessage().startsWith("a cell asks for a GPU, but the PyTorch engine loaded from "),
                e.getMessage());
    }
}
