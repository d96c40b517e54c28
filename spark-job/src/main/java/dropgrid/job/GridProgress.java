package dropgrid.job;

import dropgrid.vocabulary.Status;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.spark.util.LongAccumulator;

/**
 * The driver's console while the grid runs, fed by the cells' live status ({@link StatusBoard}): one
 * line per failed cell with its reason the moment it fails, and either a table of the running cells
 * (task, strategy, K, step/total, loss, tokens/s, ETA) redrawn in place on a terminal, or a totals line
 * every 30 seconds in a log. It also keeps {@code status/_run.json} current for {@code dropgrid status}.
 */
final class GridProgress implements AutoCloseable {

    private static final Pattern EXCEPTION_CLASS =
            Pattern.compile("^([a-z][\\w$]*\\.)+[A-Z][\\w$]*(Exception|Error): ");

    private final StatusBoard board;
    private final StatusBoard.RunStatus start;
    private final LongAccumulator ok;
    private final LongAccumulator failed;
    private final boolean live;
    private final PrintStream err = System.err;
    private final long startNanos = System.nanoTime();
    private final Set<String> announced = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dropgrid-progress");
        t.setDaemon(true);
        return t;
    });
    private int tableLines;
    private long lastLogLine = System.nanoTime();

    GridProgress(StatusBoard board, StatusBoard.RunStatus start, LongAccumulator ok, LongAccumulator failed,
            boolean live) {
        this.board = board;
        this.start = start;
        this.ok = ok;
        this.failed = failed;
        this.live = live;
        long every = Math.max(100, Math.min(board.interval().toMillis(), live ? 1000 : 5000));
        timer.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.MILLISECONDS);
    }

    /** Says on the console that a cell failed and why, once per cell, whoever learns it first. */
    synchronized void announceFailure(String cellId, String label, String reason) {
        if (!announced.add(cellId)) {
            return;
        }
        clearTable();
        err.println("dropgrid: failed: " + label + " (cell " + cellId + "): " + readable(reason));
        err.flush();
    }

    /** A failure reason without the exception's class name, which the result row keeps. */
    static String readable(String reason) {
        String r = reason == null ? "" : EXCEPTION_CLASS.matcher(reason.strip()).replaceFirst("");
        r = r.lines().findFirst().orElse("");
        return r.length() > 400 ? r.substring(0, 400) + " ..." : r;
    }

    private synchronized void poll() {
        try {
            List<StatusBoard.CellStatus> cells = board.cells();
            for (StatusBoard.CellStatus c : cells) {
                if (Status.FAILED.id().equals(c.state())) {
                    announceFailure(c.cellId(), c.label(), c.failureReason());
                }
            }
            board.write(totals(null));
            if (live) {
                drawTable(cells.stream().filter(StatusBoard.CellStatus::running).toList());
            } else if ((System.nanoTime() - lastLogLine) / 1e9 >= 30) {
                err.println(summaryLine());
                err.flush();
                lastLogLine = System.nanoTime();
            }
        } catch (RuntimeException e) {
            // The console is advisory; the grid goes on.
        }
    }

    private StatusBoard.RunStatus totals(Instant finishedAt) {
        return new StatusBoard.RunStatus(start.runName(), start.cells(), start.skipped(), start.toRun(), ok.value(),
                failed.value(), start.startedAt(), Instant.now(), finishedAt);
    }

    String summaryLine() {
        long done = ok.value() + failed.value();
        double minutes = (System.nanoTime() - startNanos) / 60e9;
        double perMinute = minutes > 0 ? done / minutes : 0;
        String eta = done == 0 ? "?" : format(Duration.ofSeconds((long) ((start.toRun() - done) / perMinute * 60)));
        return String.format(Locale.ROOT, "dropgrid: %d/%d cells done (%d failed), %d pending, %.2f cells/min, ETA %s",
                done, start.toRun(), failed.value(), start.toRun() - done, perMinute, eta);
    }

    private void drawTable(List<StatusBoard.CellStatus> running) {
        List<String> lines = new ArrayList<>();
        lines.add(summaryLine());
        for (StatusBoard.CellStatus c : running.subList(0, Math.min(running.size(), 12))) {
            lines.add("  " + row(c));
        }
        if (running.size() > 12) {
            lines.add("  ... and " + (running.size() - 12) + " more running");
        }
        clearTable();
        lines.forEach(err::println);
        err.flush();
        tableLines = lines.size();
    }

    static String row(StatusBoard.CellStatus c) {
        if (c.step() == null) {
            return String.format(Locale.ROOT, "%-40s starting", c.label());
        }
        return String.format(Locale.ROOT, "%-40s %sstep %d/%d  loss %s  %s tokens/s  ETA %s", c.label(),
                c.stage().isEmpty() ? "" : c.stage() + " ", c.step(), c.total(),
                c.loss() == null ? "?" : String.format(Locale.ROOT, "%.4f", c.loss()),
                c.tokensPerSecond() == null ? "?" : String.format(Locale.ROOT, "%.0f", c.tokensPerSecond()),
                c.etaSeconds() == null ? "?" : format(Duration.ofSeconds(Math.round(c.etaSeconds()))));
    }

    /** Moves the cursor back over the table drawn last and clears it (ANSI), so new lines replace it. */
    private void clearTable() {
        if (tableLines > 0) {
            err.print("\033[" + tableLines + "F\033[J");
            tableLines = 0;
        }
    }

    static String format(Duration d) {
        return d.toHours() > 0 ? d.toHours() + "h" + d.toMinutesPart() + "m"
                : d.toMinutes() + "m" + String.format(Locale.ROOT, "%02d", d.toSecondsPart()) + "s";
    }

    @Override
    public synchronized void close() {
        timer.shutdownNow();
        poll();
        clearTable();
        board.write(totals(Instant.now()));
    }
}
