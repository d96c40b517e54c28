package dropgrid.job;

import dropgrid.engine.EngineInfo;
import dropgrid.engine.GpuUnavailableException;
import dropgrid.experiment.Grid;
import dropgrid.train.Cell;
import dropgrid.train.CellResult;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * Before the first cell of a GPU grid, one Spark task placed like a cell looks at the engine of its
 * executor. A grid asks for GPUs when its spec does ({@code resources.gpus_per_task}) or when Spark
 * hands tasks GPUs ({@code spark.task.resource.gpu.amount}); if that task's engine cannot use the GPU
 * it was given, the grid stops there with one message instead of one failed row per cell.
 */
final class EngineProbe {

    /**
     * What the probing task saw.
     *
     * @param host the executor's host
     * @param engine the engine it loaded, e.g. {@code pytorch 2.7.1 cu128}
     * @param gpu the CUDA ordinal its GPU address named
     * @param gpuName that GPU's name, null when it has none
     * @param problem why it cannot run a GPU cell, null when it can
     * @param addressed whether Spark gave the task a GPU address
     */
    record Seen(String host, String engine, int gpu, String gpuName, String problem, boolean addressed)
            implements Serializable {}

    private EngineProbe() {}

    /** Whether the grid's cells will ask for a GPU. */
    static boolean wantsGpu(Grid grid, JavaSparkContext jsc) {
        return grid.gpusPerTask() > 0 || jsc.getConf().getDouble("spark.task.resource.gpu.amount", 0) > 0;
    }

    /**
     * Runs the probe task when the grid wants GPUs, and returns what it saw (null for a CPU grid).
     *
     * @throws GpuUnavailableException when the probed executor cannot run a GPU cell
     */
    static Seen requireGpus(JavaSparkContext jsc, Grid grid, Cell first) {
        if (!wantsGpu(grid, jsc)) {
            return null;
        }
        jsc.setJobDescription("dropgrid: check that executors can use their GPU");
        Seen seen = jsc.parallelize(List.of(first), 1).map(EngineProbe::probe).collect().get(0);
        if (!jsc.isLocal() && !seen.addressed()) {
            // Without addresses every task of an executor would take cuda:0.
            throw new GpuUnavailableException("grid stopped before its first cell: the spec asks for "
                    + grid.gpusPerTask() + " GPU per task but Spark gives tasks no GPU; set"
                    + " spark.executor.resource.gpu.amount, spark.task.resource.gpu.amount=1 and a GPU discovery"
                    + " script (docs/cluster.md, \"GPU executors\")");
        }
        if (seen.problem() != null) {
            throw new GpuUnavailableException("grid stopped before its first cell: on executor " + seen.host() + ", "
                    + seen.problem());
        }
        System.err.printf("dropgrid: executor %s runs GPU cells on %s, cuda:%d (%s)%n", seen.host(), seen.engine(),
                seen.gpu(), seen.gpuName());
        return seen;
    }

    private static Seen probe(Cell cell) {
        TaskContext tc = TaskContext.get();
        Map<String, ResourceInformation> resources = tc == null ? Map.of() : tc.resourcesJMap();
        String host = CellResult.Execution.localHost();
        boolean addressed = resources.containsKey("gpu");
        try {
            Cell placed = CellTask.place(cell, resources, 1);
            int gpu = placed.gpu() == null ? 0 : placed.gpu();
            EngineInfo info = EngineInfo.current();
            try {
                info.requireGpu(gpu);
                return new Seen(host, info.engine(), gpu, info.gpuName(gpu), null, addressed);
            } catch (GpuUnavailableException e) {
                return new Seen(host, info.engine(), gpu, null, e.getMessage(), addressed);
            }
        } catch (RuntimeException | LinkageError e) {
            return new Seen(host, null, -1, null, "the PyTorch engine did not load: " + e, addressed);
        }
    }
}
