package dropgrid.job;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.pytorch.jni.LibUtils;
import dropgrid.engine.GpuUnavailableException;
import dropgrid.experiment.Grid;
import dropgrid.experiment.SpecReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A grid that asks for GPUs on an engine without CUDA stops before its first cell, with one message. */
class GpuGridTest {

    @TempDir Path dir;

    @Test
    void gpuGridOnTheCpuEngineStopsBeforeAnyCellRuns() {
        Grid grid = SpecReader.load("src/test/resources/grid/gpu-grid.yaml", new Configuration(),
                Map.of("GLUE_DIR", GridJobTest.GLUE, "OUTPUT", dir.resolve("out").toString()), SpecReader.Overrides.NONE);
        SparkSession spark = SparkSession.builder().master("local[1]").appName("GpuGridTest")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            GpuUnavailableException e = assertThrows(GpuUnavailableException.class,
                    () -> GridJob.run(spark, grid, GridJobTest.runner(ScoringFakeRunner.class)));
            assertTrue(e.getMessage().startsWith("grid stopped before its first cell: on executor "), e.getMessage());
            assertTrue(e.getMessage().contains("loaded from " + LibUtils.getLibtorchPath() + " (pytorch 2.7.1 cpu)"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("Fix: "), e.getMessage());
        } finally {
            spark.stop();
        }
        assertFalse(Files.exists(dir.resolve("out/cells")) && dir.resolve("out/cells").toFile().list().length > 0,
                "no cell may have run");
    }
}
