package dropgrid.job;

import dropgrid.engine.EngineInfo;
import dropgrid.engine.GpuAddress;
import dropgrid.engine.GpuMemory;
import dropgrid.engine.NativeLoader;
import dropgrid.train.Cell;
import dropgrid.train.CellResult;
import dropgrid.train.TrainingProgress;
import dropgrid.vocabulary.Status;
import java.io.Serializable;
import java.time.Instant;
import java.util.Map;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.util.LongAccumulator;

/**
 * What one Spark task does with its one cell, on the executor: place it on the task's GPU or CPU
 * threads, stage remote inputs, run the runner and commit the result file at once. A runner that
 * throws anyway yields a failed row and the grid goes on; a task that Spark kills commits nothing, so
 * the cell stays pending. A GPU cell on an executor whose engine cannot use that GPU fails the task
 * instead (Spark's retries, then the job), so the cell never runs on the CPU by accident.
 */
final class CellTask implements Function<Cell, CellTask.Outcome> {

    static {
        NativeLoader.install();
    }

    /**
     * What the driver learns about a finished cell.
     *
     * @param cellId the cell's id
     * @param label model, task, strategy and K, for the console
     * @param status how it ended
     * @param failureReason why it failed, else empty
     * @param seconds wall time of the task
     */
    record Outcome(String cellId, String label, Status status, String failureReason, double seconds)
            implements Serializable {}

    private final String runnerClass;
    private final String output;
    private final String specHash;
    private final String version;
    private final Broadcast<HadoopConf> hadoopConf;
    private final LongAccumulator ok;
    private final LongAccumulator failed;

    CellTask(String runnerClass, String output, String specHash, String version, Broadcast<HadoopConf> hadoopConf,
            LongAccumulator ok, LongAccumulator failed) {
        this.runnerClass = runnerClass;
        this.output = output;
        this.specHash = specHash;
        this.version = version;
        this.hadoopConf = hadoopConf;
        this.ok = ok;
        this.failed = failed;
    }

    @Override
    public Outcome call(Cell cell) {
        long t0 = System.nanoTime();
        Instant started = Instant.now();
        Cell placed = place(cell);
        int gpu = placed.gpu() == null ? 0 : placed.gpu();
        if (placed.useGpu()) {
            EngineInfo.current().requireGpu(gpu);
        }
        String device = placed.useGpu() ? "gpu(" + gpu + ")" : "cpu()";
        LiveStatus status = new LiveStatus(new StatusBoard(output, hadoopConf.value().get()),
                StatusBoard.CellStatus.starting(cell, CellResult.Execution.localHost(), started));
        CellResult result;
        try {
            Cell local = InputStaging.stage(placed, hadoopConf.value().get());
            try {
                result = RunnerLoader.get(runnerClass).run(local, status::training);
            } finally {
                if (placed.useGpu()) {
                    GpuMemory.release();
                }
            }
            if (result == null) {
                throw new IllegalStateException("runner " + runnerClass + " returned no result");
            }
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Exception | LinkageError | AssertionError e) {
            if (killed()) {
                throw e;
            }
            result = CellResult.failed(placed, e, device, CellResult.Execution.localHost(), started);
        }
        if (killed()) {
            throw new IllegalStateException("task for cell " + cell.id() + " was killed; its result is not committed");
        }
        ResultRow row = ResultRow.of(cell, result, specHash, version);
        new ResultFiles(output, hadoopConf.value().get()).commit(row);
        status.finished(row);
        (row.ok() ? ok : failed).add(1);
        return new Outcome(cell.id(), status.label(), row.status(), row.failureReason(),
                (System.nanoTime() - t0) / 1e9);
    }

    /** A running cell's status on the board: the first and last write at once, the others at most every interval. */
    private static final class LiveStatus {

        private final StatusBoard board;
        private final long intervalNanos;
        private StatusBoard.CellStatus current;
        private long written;

        LiveStatus(StatusBoard board, StatusBoard.CellStatus first) {
            this.board = board;
            this.intervalNanos = board.interval().toNanos();
            this.current = first;
            board.write(first);
            this.written = System.nanoTime();
        }

        void training(TrainingProgress progress) {
            current = current.training(progress);
            long now = System.nanoTime();
            if (now - written >= intervalNanos) {
                board.write(current);
                written = now;
            }
        }

        void finished(ResultRow row) {
            board.write(current.finished(row));
        }

        String label() {
            return current.label();
        }
    }

    private static Cell place(Cell cell) {
        TaskContext tc = TaskContext.get();
        Map<String, ResourceInformation> resources = tc == null ? Map.of() : tc.resourcesJMap();
        int taskCpus = SparkEnv.get() == null ? 1 : SparkEnv.get().conf().getInt("spark.task.cpus", 1);
        return place(cell, resources, taskCpus);
    }

    /**
     * The GPU comes from Spark's resource scheduling when {@code spark.task.resource.gpu.amount} is set;
     * threads from the spec, else {@code spark.task.cpus}.
     */
    static Cell place(Cell cell, Map<String, ResourceInformation> resources, int taskCpus) {
        Integer gpu = null;
        boolean useGpu = cell.useGpu();
        ResourceInformation info = resources.get("gpu");
        if (info != null && info.addresses().length > 0) {
            gpu = GpuAddress.parse(info.addresses()[0]);
            useGpu = true;
        }
        return cell.placed(cell.threads() > 0 ? cell.threads() : taskCpus, useGpu, gpu);
    }

    private static boolean killed() {
        TaskContext tc = TaskContext.get();
        return tc != null && tc.isInterrupted();
    }
}
