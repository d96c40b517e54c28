package dropgrid.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dropgrid.engine.CudaDriver;
import dropgrid.train.Cell;
import dropgrid.train.CellResult;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Every row says which engine build ran its cell, and a GPU cell's row names the GPU as the driver does. */
class EngineColumnsTest {

    @Test
    void aCpuRowNamesTheJarsCpuEngineAndNoGpu() {
        Cell cell = ResultFilesTest.cell("top", 2, 1);
        ResultRow row = ResultRow.of(cell, ResultFilesTest.ok(cell, 0.5, Instant.now()), "h", "v");
        assertEquals("pytorch 2.7.1 cpu", row.engine());
        assertNull(row.gpuName());
    }

    @Test
    void aGpuRowNamesTheDriversGpuOfItsOrdinal() {
        Cell cell = ResultFilesTest.cell("top", 2, 1);
        Cell placed = cell.placed(1, true, 1);
        ResultRow row = ResultRow.of(cell, CellResult.failed(placed, new IllegalStateException("x"), "gpu(1)", "h",
                Instant.now()), "h", "v");
        assertEquals("pytorch 2.7.1 cpu", row.engine());
        String expected = CudaDriver.devices().gpus().stream().filter(g -> g.ordinal() == 1)
                .map(CudaDriver.Gpu::name).findFirst().orElse(null);
        assertEquals(expected, row.gpuName());
    }
}
