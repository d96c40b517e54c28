package dropgrid.job;

import dropgrid.storage.Location;
import dropgrid.train.Cell;
import dropgrid.train.TrainingProgress;
import dropgrid.vocabulary.DropStage;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code <output>/status/}: what a grid is doing right now, for the driver's console and for {@code
 * dropgrid status} in another shell, on a local disk or on S3 alike. Each running cell's task writes
 * {@code <cell_id>.json} (where fine-tuning is: step, loss, tokens/s, ETA), at most every few seconds and
 * once more when it ends; the driver writes {@code _run.json} (the grid's totals). Status is advisory:
 * a write that fails is logged and skipped, never fails a cell. The driver clears the directory when a
 * run starts.
 */
public final class StatusBoard {

    /**
     * One cell's live state.
     *
     * @param cellId the cell
     * @param modelId its model
     * @param task its GLUE task
     * @param strategy its strategy
     * @param drop K
     * @param dropStage {@code pretrained} or {@code finetuned}
     * @param state {@code running}, {@code ok} or {@code failed}
     * @param stage the fine-tuning stage of a two-stage cell ({@code stage 1}, {@code stage 2}), else empty
     * @param step optimiser steps taken; null before fine-tuning starts
     * @param total steps the stage will take
     * @param loss mean training loss over the last 50 steps
     * @param tokensPerSecond non-padding tokens per second
     * @param etaSeconds seconds left in this stage at the pace so far
     * @param host where the cell runs
     * @param startedAt when the cell's task started
     * @param updatedAt when this was written
     * @param failureReason why a failed cell failed
     */
    public record CellStatus(String cellId, String modelId, String task, String strategy, int drop, String dropStage,
            String state, String stage, Integer step, Integer total, Double loss, Double tokensPerSecond,
            Double etaSeconds, String host, Instant startedAt, Instant updatedAt, String failureReason) {

        static CellStatus starting(Cell cell, String host, Instant startedAt) {
            return new CellStatus(cell.id(), cell.modelId(), cell.task(), cell.strategy(), cell.drop(),
                    cell.stage().id(), RUNNING, "", null, null, null, null, null, host, startedAt, Instant.now(), "");
        }

        CellStatus training(TrainingProgress p) {
            return new CellStatus(cellId, modelId, task, strategy, drop, dropStage, RUNNING, p.stage(), p.step(),
                    p.total(), finite(p.loss()), finite(p.tokensPerSecond()), finite(p.etaSeconds()), host, startedAt,
                    Instant.now(), "");
        }

        CellStatus finished(ResultRow row) {
            return new CellStatus(cellId, modelId, task, strategy, drop, dropStage, row.status().id(), stage, step,
                    total, loss, tokensPerSecond, 0.0, host, startedAt, Instant.now(), row.failureReason());
        }

        boolean running() {
            return RUNNING.equals(state);
        }

        /** {@code bert-smoke RTE top K=1}. */
        String label() {
            return modelId + " " + task + " " + strategy + " K=" + drop
                    + (DropStage.FINETUNED.id().equals(dropStage) ? " (after fine-tune)" : "");
        }

        private static Double finite(double v) {
            return Double.isFinite(v) ? v : null;
        }
    }

    /**
     * The grid's totals, as the driver last wrote them.
     *
     * @param runName the spec's name
     * @param cells cells in the grid
     * @param skipped cells with a committed result, not run again
     * @param toRun cells this run runs
     * @param ok of those, finished ok so far
     * @param failed of those, failed so far
     * @param startedAt when the run started
     * @param updatedAt when this was written
     * @param finishedAt when the run ended; null while it runs
     */
    public record RunStatus(String runName, int cells, int skipped, int toRun, long ok, long failed, Instant startedAt,
            Instant updatedAt, Instant finishedAt) {}

    static final String RUNNING = "running";
    private static final String RUN_FILE = "_run.json";
    private static final Logger LOG = LoggerFactory.getLogger(StatusBoard.class);

    private final Path dir;
    private final Configuration conf;

    StatusBoard(String output, Configuration conf) {
        this.dir = new Path(output, "status");
        this.conf = conf;
    }

    /** How often a running cell's status is written: often on a local disk, sparingly on S3 (each is a PUT). */
    Duration interval() {
        boolean remote = Location.of(dir.toString()).isRemote();
        return Duration.ofMillis(Long.getLong("dropgrid.status.millis", remote ? 10_000 : 1_000));
    }

    void write(CellStatus status) {
        write(status.cellId() + ".json", status);
    }

    void write(RunStatus status) {
        write(RUN_FILE, status);
    }

    private void write(String name, Object value) {
        try {
            FileSystem fs = ResultFiles.plain(dir, conf);
            byte[] bytes = ResultFiles.JSON.writeValueAsBytes(value);
            Path target = new Path(dir, name);
            if ("s3a".equals(dir.getFileSystem(conf).getScheme())) {
                put(fs, target, bytes);
                return;
            }
            // Readers in another shell must never see half a file.
            Path tmp = new Path(new Path(dir, "_tmp"), name + "." + UUID.randomUUID().toString().substring(0, 8));
            put(fs, tmp, bytes);
            // rename(2) replaces the old file in one step; a file system that refuses gets it removed first.
            if (!fs.rename(tmp, target) && !(fs.delete(target, false) && fs.rename(tmp, target))) {
                fs.delete(tmp, false);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot write status {} to {}: {}", name, dir, e.toString());
        }
    }

    private static void put(FileSystem fs, Path path, byte[] bytes) throws IOException {
        try (OutputStream out = fs.create(path, true)) {
            out.write(bytes);
        }
    }

    /** Every cell's last status, running ones first, then by start time. */
    List<CellStatus> cells() {
        List<CellStatus> cells = new ArrayList<>();
        try {
            FileSystem fs = ResultFiles.plain(dir, conf);
            if (!fs.exists(dir)) {
                return cells;
            }
            for (FileStatus f : fs.listStatus(dir,
                    p -> p.getName().endsWith(".json") && !p.getName().startsWith("_"))) {
                CellStatus s = read(fs, f.getPath(), CellStatus.class);
                if (s != null) {
                    cells.add(s);
                }
            }
        } catch (IOException e) {
            LOG.debug("cannot list {}: {}", dir, e.toString());
        }
        cells.sort(Comparator.comparing((CellStatus s) -> !s.running())
                .thenComparing(CellStatus::startedAt, Comparator.nullsLast(Comparator.naturalOrder())));
        return cells;
    }

    /** The driver's last totals, or null before any run wrote them. */
    RunStatus run() {
        try {
            return read(ResultFiles.plain(dir, conf), new Path(dir, RUN_FILE), RunStatus.class);
        } catch (IOException e) {
            return null;
        }
    }

    private static <T> T read(FileSystem fs, Path file, Class<T> type) {
        try (InputStream in = fs.open(file)) {
            return ResultFiles.JSON.readValue(in.readAllBytes(), type);
        } catch (FileNotFoundException replaced) {
            return null;
        } catch (IOException | RuntimeException unreadable) {
            LOG.debug("cannot read status {}: {}", file, unreadable.toString());
            return null;
        }
    }

    /** Removes the last run's status, so what is shown belongs to this run. */
    void clear() {
        try {
            FileSystem fs = ResultFiles.plain(dir, conf);
            if (fs.exists(dir)) {
                fs.delete(dir, true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir, e);
        }
    }
}
