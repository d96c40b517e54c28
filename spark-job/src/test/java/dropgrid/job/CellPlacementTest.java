package dropgrid.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dropgrid.train.Cell;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

/** How a task places its cell: Spark's GPU address when it assigned one, else CPU threads. */
class CellPlacementTest {

    static Cell cell(int threads, boolean useGpu) {
        Cell c = ResultFilesTest.cell("top", 2, 1);
        return c.placed(threads, useGpu, null);
    }

    @Test
    void assignedGpuAddressReachesTheCellWithoutChangingItsId() {
        Cell c = cell(0, false);
        Cell placed = CellTask.place(c, Map.of("gpu", new ResourceInformation("gpu", new String[] {"3"})), 4);
        assertTrue(placed.useGpu());
        assertEquals(3, placed.gpu());
        assertEquals(c.id(), placed.id());
    }

    @Test
    void withoutGpuResourcesTheCellGetsTheSpecsThreadsOrTheTaskCpus() {
        Cell fromSpec = CellTask.place(cell(2, false), Map.of(), 4);
        assertFalse(fromSpec.useGpu());
        assertNull(fromSpec.gpu());
        assertEquals(2, fromSpec.threads());
        assertEquals(4, CellTask.place(cell(0, false), Map.of(), 4).threads());
    }

    @Test
    void gpuGridInLocalModeUsesTheDefaultGpu() {
        Cell placed = CellTask.place(cell(0, true), Map.of(), 1);
        assertTrue(placed.useGpu());
        assertNull(placed.gpu());
    }
}
