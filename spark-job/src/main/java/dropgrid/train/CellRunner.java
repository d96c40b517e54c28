package dropgrid.train;

import java.util.function.Consumer;

/**
 * Runs one cell to a result. Implementations never throw for a cell's own failure: they return
 * {@link CellResult#failed}, so the grid records the reason and goes on. The Spark job creates the
 * runner on each executor from its class name (public no-argument constructor), so a runner may keep
 * per-JVM caches such as loaded weights.
 */
public interface CellRunner {

    CellResult run(Cell cell);

    /**
     * As {@link #run(Cell)}, telling {@code progress} where fine-tuning is after every step (what the
     * grid's live status shows). A runner with nothing to report need not override it.
     */
    default CellResult run(Cell cell, Consumer<TrainingProgress> progress) {
        return run(cell);
    }
}
