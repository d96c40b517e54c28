package dropgrid.cli;

import dropgrid.train.Cell;
import dropgrid.train.CellResult;
import dropgrid.train.CellRunner;
import java.util.concurrent.atomic.AtomicInteger;

/** A runner that counts its calls and fails every cell: a test that must never see a cell run uses it. */
public class RecordingRunner implements CellRunner {

    static final AtomicInteger CALLS = new AtomicInteger();

    @Override
    public CellResult run(Cell cell) {
        CALLS.incrementAndGet();
        throw new IllegalStateException("RecordingRunner ran cell " + cell.id());
    }
}
