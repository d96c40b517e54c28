package dropgrid.job;

import dropgrid.train.Cell;
import dropgrid.train.CellResult;

/** Breaks the runner contract on purpose for one cell (bottom, K = 2, MRPC) by throwing. */
public class ThrowingFakeRunner extends ScoringFakeRunner {

    @Override
    public CellResult run(Cell cell) {
        if (cell.strategy().equals("bottom") && cell.drop() == 2 && cell.task().equals("MRPC")) {
            throw new IllegalStateException("forced failure of bottom K=2 on MRPC");
        }
        return super.run(cell);
    }
}
