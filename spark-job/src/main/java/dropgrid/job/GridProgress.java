package dropgrid.job;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.util.LongAccumulator;

/**
 * Reports cells done/failed/pending, throughput and ETA on stderr while the grid runs: a line
 * rewritten in place on a terminal (local mode), a plain line every 30 seconds otherwise (driver logs).
 */
final class GridProgress implements AutoCloseable {

    private final int total;
    private final LongAccumulator ok;
    private final LongAccumulator failed;
    private final boolean live;
    private final PrintStream err = System.err;
    private final long start = System.nanoTime();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dropgrid-progress");
        t.setDaemon(true);
        return t;
    });

    GridProgress(int total, LongAccumulator ok, LongAccumulator failed, boolean live) {
        this.total = total;
        this.ok = ok;
        this.failed = failed;
        this.live = live;
        timer.scheduleAtFixedRate(this::print, live ? 1 : 30, live ? 1 : 30, TimeUnit.SECONDS);
    }

    String line() {
        long done = ok.value() + failed.value();
        double minutes = (System.nanoTime() - start) / 60e9;
        double perMinute = minutes > 0 ? done / minutes : 0;
        String eta = done == 0 ? "?" : format(Duration.ofSeconds((long) ((total - done) / perMinute * 60)));
        return String.format("dropgrid: %d/%d cells done (%d failed), %d pending, %.2f cells/min, ETA %s",
                done, total, failed.value(), total - done, perMinute, eta);
    }

    private void print() {
        if (live) {
            err.print("\r" + line() + "   ");
        } else {
            err.println(line());
        }
        err.flush();
    }

    private static String format(Duration d) {
        return d.toHours() > 0 ? d.toHours() + "h" + d.toMinutesPart() + "m"
                : d.toMinutes() + "m" + d.toSecondsPart() + "s";
    }

    @Override
    public void close() {
        timer.shutdownNow();
        err.println((live ? "\r" : "") + line());
    }
}
