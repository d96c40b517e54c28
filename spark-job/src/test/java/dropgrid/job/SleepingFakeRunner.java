package dropgrid.job;

import dropgrid.train.Cell;
import dropgrid.train.CellResult;

/** Takes {@code dropgrid.test.sleepMillis} (default 1500) per cell, so a test can kill a run mid-grid. */
public class SleepingFakeRunner extends ScoringFakeRunner {

    @Override
    public CellResult run(Cell cell) {
        try {
            Thread.sleep(Long.getLong("dropgrid.test.sleepMillis", 1500));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CellResult.failed(cell, e, "cpu()", "test", java.time.Instant.now());
        }
        return super.run(cell);
    }
}
