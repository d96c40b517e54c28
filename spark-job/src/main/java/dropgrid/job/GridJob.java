package dropgrid.job;

import dropgrid.engine.MallocSettings;
import dropgrid.experiment.Grid;
import dropgrid.experiment.SpecReader;
import dropgrid.storage.Location;
import dropgrid.train.Cell;
import dropgrid.vocabulary.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * The Spark driver of a grid: finds the cells without a committed result, runs them longest first,
 * one cell per task, and rebuilds {@code <output>/results/} from the committed cell files. No master
 * is set here except the local default the CLI asks for when none is configured.
 */
public final class GridJob {

    private GridJob() {}

    /**
     * How to run.
     *
     * @param master Spark master; null = as configured (spark-submit), else local mode
     * @param rerunFailed also rerun cells whose newest result failed
     * @param force rerun every cell
     * @param runnerClass runner class name; null = {@link RunnerLoader#RUNNER_CONF} or else
     *     {@link RunnerLoader#DEFAULT_RUNNER}
     */
    public record Options(String master, boolean rerunFailed, boolean force, String runnerClass) {}

    /**
     * What a run did.
     *
     * @param runName the spec's name
     * @param output the output location
     * @param cells cells in the grid
     * @param skipped cells with a committed result that were not rerun
     * @param ran cells run now
     * @param ok of those, how many succeeded
     * @param failed of those, how many failed
     * @param rows rows in the rebuilt results dataset
     * @param results the results dataset's location
     * @param seconds wall time of the run
     */
    public record Summary(String runName, String output, int cells, int skipped, int ran, long ok, long failed,
            int rows, String results, double seconds) {}

    /**
     * Starts Spark, runs the spec's grid, stops Spark. A local spec is validated, and its inputs and
     * output checked ({@link Preflight}), before Spark starts.
     */
    public static Summary launch(String specLocation, SpecReader.Overrides overrides, Options options,
            Map<String, String> env) {
        Grid grid = Location.of(specLocation).isRemote() ? null
                : SpecReader.load(specLocation, HadoopConf.fromSystemProperties(), env, overrides);
        // spark-submit's --conf arrives as system properties: a missing runner fails before Spark starts.
        RunnerLoader.check(options.runnerClass() != null ? options.runnerClass()
                : System.getProperty(RunnerLoader.RUNNER_CONF, RunnerLoader.DEFAULT_RUNNER));
        if (grid != null) {
            Logs.under(grid.output(), HadoopConf.fromSystemProperties());
            Preflight.check(grid, HadoopConf.fromSystemProperties(), Preflight.Mode.RUN);
        }
        SparkSession spark = session(grid == null ? "dropgrid run" : "dropgrid run " + grid.name(), options.master(),
                grid == null ? 0 : grid.threadsPerTask(), grid == null ? 0 : grid.gpusPerTask());
        try {
            if (grid == null) {
                grid = SpecReader.load(specLocation, spark.sparkContext().hadoopConfiguration(), env, overrides);
                Logs.under(grid.output(), spark.sparkContext().hadoopConfiguration());
            }
            return run(spark, grid, options);
        } finally {
            spark.stop();
        }
    }

    /**
     * Starts Spark, rebuilds an output's results dataset from its committed cell files, stops Spark. An
     * output without {@code cells/} is an error, not an empty dataset written over {@code results/}.
     */
    public static int collect(String output, String master) {
        Configuration hadoop = HadoopConf.fromSystemProperties();
        requireCells(output, hadoop);
        Logs.under(output, hadoop);
        new ResultsDirectory(output, hadoop).checkReplaceable();
        SparkSession spark = session("dropgrid collect", master, 0, 0);
        try (OutputLock lock = OutputLock.acquire(output, spark.sparkContext().hadoopConfiguration(), "collect")) {
            return ResultTable.rebuild(spark, output).size();
        } finally {
            spark.stop();
        }
    }

    private static void requireCells(String output, Configuration hadoop) {
        try {
            org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(output);
            FileSystem fs = dir.getFileSystem(hadoop);
            if (!fs.exists(dir)) {
                throw new IllegalArgumentException("output " + output + " does not exist");
            }
            if (!fs.exists(new org.apache.hadoop.fs.Path(dir, "cells"))) {
                throw new IllegalArgumentException("output " + output + " has no cells/ directory, so there is"
                        + " nothing to collect; give the directory a run wrote (it holds cells/ and results/)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the output " + output, e);
        }
    }

    /**
     * Runs the pending cells of a grid on an existing session (tests share one) and rebuilds the
     * results. Checks the grid's inputs and output first and holds the output's lock throughout.
     */
    public static Summary run(SparkSession spark, Grid grid, Options options) {
        long t0 = System.nanoTime();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String runner = options.runnerClass() != null ? options.runnerClass()
                : jsc.getConf().get(RunnerLoader.RUNNER_CONF, RunnerLoader.DEFAULT_RUNNER);
        RunnerLoader.check(runner);
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Preflight.check(grid, hadoop, Preflight.Mode.RUN);
        try (OutputLock lock = OutputLock.acquire(grid.output(), hadoop, "run " + grid.name())) {
            return runLocked(spark, jsc, grid, options, runner, hadoop, t0);
        }
    }

    private static Summary runLocked(SparkSession spark, JavaSparkContext jsc, Grid grid, Options options,
            String runner, Configuration hadoop, long t0) {
        Map<String, ResultRow> committed =
                ResultFiles.newestPerCell(new ResultFiles(grid.output(), hadoop).read(true).rows());
        List<Cell> pending = new ArrayList<>();
        int failedBefore = 0;
        for (Cell c : grid.cells()) {
            ResultRow done = committed.get(c.id());
            if (options.force() || done == null || (options.rerunFailed() && !done.ok())) {
                pending.add(c);
            } else if (!done.ok()) {
                failedBefore++;
            }
        }
        // Longest first, so the last wave is made of short cells and no executor idles behind one long one.
        pending.sort(Comparator.comparingDouble(grid::costUnits).reversed());
        int skipped = grid.cells().size() - pending.size();
        String name = "dropgrid run '" + grid.name() + "'";
        System.err.printf("%s: %d cells, %d with committed results skipped, %d to run with %s%n", name,
                grid.cells().size(), skipped, pending.size(), runner);
        if (failedBefore > 0) {
            System.err.printf("%s: %d of the skipped cells failed when they last ran; --rerun-failed runs them"
                    + " again%n", name, failedBefore);
        }
        long ok = 0;
        long failed = 0;
        StatusBoard board = new StatusBoard(grid.output(), hadoop);
        board.clear();
        try {
            if (!pending.isEmpty()) {
                EngineProbe.requireGpus(jsc, grid, pending.get(0));
                LongAccumulator okCount = jsc.sc().longAccumulator("dropgrid cells ok");
                LongAccumulator failedCount = jsc.sc().longAccumulator("dropgrid cells failed");
                Broadcast<HadoopConf> conf = jsc.broadcast(new HadoopConf(hadoop));
                jsc.setJobDescription("dropgrid run '" + grid.name() + "': " + pending.size() + " of "
                        + grid.cells().size() + " cells, longest first");
                CellTask task = new CellTask(runner, grid.output(), grid.specHash(), version(), conf, okCount,
                        failedCount);
                StatusBoard.RunStatus start = new StatusBoard.RunStatus(grid.name(), grid.cells().size(), skipped,
                        pending.size(), 0, 0, Instant.now(), Instant.now(), null);
                try (GridProgress progress = new GridProgress(board, start, okCount, failedCount,
                        System.getenv("DROPGRID_TTY") != null)) {
                    for (CellTask.Outcome o : jsc.parallelize(pending, pending.size()).map(task).collect()) {
                        if (o.status() == Status.OK) {
                            ok++;
                        } else {
                            failed++;
                            progress.announceFailure(o.cellId(), o.label(), o.failureReason());
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            // The job died (e.g. an executor lost more often than spark.task.maxFailures): what was
            // committed still becomes a results dataset, then the error goes up.
            try {
                ResultTable.rebuild(spark, grid.output());
            } catch (RuntimeException rebuildError) {
                e.addSuppressed(rebuildError);
            }
            throw e;
        }
        jsc.setJobDescription("dropgrid collect '" + grid.name() + "'");
        int rows = ResultTable.rebuild(spark, grid.output()).size();
        String results = ResultFiles.resultsDir(grid.output());
        System.err.printf("%s: ran %d cells, %d ok, %d failed; %d result rows in %s%n", name, pending.size(), ok,
                failed, rows, results);
        if (failed > 0) {
            System.err.printf("%s: the reasons are above and in results/ (failure_reason); once fixed, run again"
                    + " with --rerun-failed%n", name);
        }
        return new Summary(grid.name(), grid.output(), grid.cells().size(), skipped, pending.size(), ok, failed, rows,
                results, (System.nanoTime() - t0) / 1e9);
    }

    /** Where a run's consolidated results dataset lives. */
    public static String resultsDir(String output) {
        return ResultFiles.resultsDir(output);
    }

    /** The jar's version from its manifest; "dev" when running from classes. */
    static String version() {
        String v = GridJob.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * A session for the CLI. When neither {@code --master} nor {@code spark.master} is set, the grid
     * runs in this JVM on {@code local[N]}: N = cores / threads per cell, or 1 for a GPU grid (one GPU).
     */
    static SparkSession session(String appName, String master, int threadsPerTask, int gpusPerTask) {
        SparkSession.Builder builder = SparkSession.builder().appName(appName);
        SparkConf configured = new SparkConf();
        String chosen = master;
        if (chosen == null && !configured.contains("spark.master")) {
            int cores = Runtime.getRuntime().availableProcessors();
            // A task that dies (a lost connection to S3 while committing) is tried again, as on a cluster.
            chosen = "local[" + (gpusPerTask > 0 ? 1 : Math.max(1, cores / Math.max(1, threadsPerTask))) + ",4]";
        }
        if (chosen != null) {
            builder.master(chosen);
        }
        MallocSettings.ENVIRONMENT.forEach((name, value) -> {
            String key = "spark.executorEnv." + name;
            if (!configured.contains(key)) {
                builder.config(key, System.getenv().getOrDefault(name, value));
            }
        });
        boolean local = chosen != null && chosen.startsWith("local");
        if (local) {
            builder.config("spark.ui.showConsoleProgress", "false");
        }
        return builder.getOrCreate();
    }
}
