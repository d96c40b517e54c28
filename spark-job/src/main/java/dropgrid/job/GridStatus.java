package dropgrid.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * What {@code dropgrid status OUTPUT} prints: who runs the grid, its totals, and every cell's live
 * state as the driver's console shows it, read from {@code OUTPUT/status/} and the output's lock.
 *
 * @param output the output location
 * @param driver who holds the output's lock (a running driver); null when none does
 * @param run the totals the driver last wrote; null before any run
 * @param cells every cell of the last run that started, running ones first
 */
public record GridStatus(String output, OutputLock.Holder driver, StatusBoard.RunStatus run,
        List<StatusBoard.CellStatus> cells) {

    /** Reads the status of {@code output}; a location that does not exist is bad input. */
    public static GridStatus read(String output, Configuration conf) {
        try {
            Path dir = new Path(output);
            if (!dir.getFileSystem(conf).exists(dir)) {
                throw new IllegalArgumentException("output " + output + " does not exist");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + output, e);
        }
        StatusBoard board = new StatusBoard(output, conf);
        return new GridStatus(output, OutputLock.holder(output, conf), board.run(), board.cells());
    }

    /** Cells running now (by their last status). */
    public long running() {
        return cells.stream().filter(StatusBoard.CellStatus::running).count();
    }
}
