package dropgrid.cli;

import dropgrid.hub.Download;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on stderr for a transfer. On a terminal it redraws in place (at most ten
 * times a second); elsewhere (logs, CI) it prints only the finished line, so logs do not fill with
 * carriage returns.
 */
final class ProgressBar implements Download.Progress {

    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final String label;
    private final boolean interactive;
    private long lastDraw;
    private long done;
    private long total;

    ProgressBar(PrintWriter err, String label, boolean interactive) {
        this.err = err;
        this.label = label;
        this.interactive = interactive;
    }

    @Override
    public void update(long done, long total) {
        this.done = done;
        this.total = total;
        long now = System.nanoTime();
        if (interactive && (now - lastDraw > 100_000_000L || done == total)) {
            lastDraw = now;
            err.print("\r" + line());
            err.flush();
        }
    }

    /** Ends the bar's line with a final state such as {@code downloaded} or {@code cached}. */
    void finish(String state) {
        err.println((interactive ? "\r" : "") + line() + "  " + state);
        err.flush();
    }

    private String line() {
        int filled = total == 0 ? 0 : (int) (WIDTH * done / total);
        return String.format(Locale.ROOT, "%-50s [%s%s] %3d%% %8.1f/%.1f MB", label, "#".repeat(filled),
                ".".repeat(WIDTH - filled), total == 0 ? 0 : 100 * done / total, done / 1e6, total / 1e6);
    }
}
