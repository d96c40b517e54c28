package dropgrid.job;

import dropgrid.experiment.Grid;
import dropgrid.experiment.SpecReader;
import dropgrid.storage.Location;
import dropgrid.train.Cell;
import dropgrid.vocabulary.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
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

    /** Starts Spark, runs the spec's grid, stops Spark. A local spec is validated before Spark starts. */
    public static Summary launch(String specLocation, SpecReader.Overrides overrides, Options options,
            Map<String, String> env) {
        Grid grid = Location.of(specLocation).isRemote() ? null
                : SpecReader.load(specLocation, HadoopConf.fromSystemProperties(), env, overrides);
        // spark-submit's --conf arrives as system properties: a missing runner fails before Spark starts.
        RunnerLoader.check(options.runnerClass() != null ? options.runnerClass()
                : System.getProperty(RunnerLoader.RUNNER_CONF, RunnerLoader.DEFAULT_RUNNER));
        SparkSession spark = session(grid == null ? "dropgrid run" : "dropgrid run " + grid.name(), options.master(),
                grid == null ? 0 : grid.threadsPerTask(), grid == null ? 0 : grid.gpusPerTask());
        try {
            if (grid == null) {
                grid = SpecReader.load(specLocation, spark.sparkContext().hadoopConfiguration(), env, overrides);
            }
            return run(spark, grid, options);
        } finally {
            spark.stop();
        }
    }

    /** Starts Spark, rebuilds an output's results dataset from its committed cell files, stops Spark. */
    public static int collect(String output, String master) {
        SparkSession spark = session("dropgrid collect", master, 0, 0);
        try {
            return ResultTable.rebuild(spark, output).size();
        } finally {
            spark.stop();
        }
    }

    /** Runs the pending cells of a grid on an existing session (tests share one) and rebuilds the results. */
    public static Summary run(SparkSession spark, Grid grid, Options options) {
        long t0 = System.nanoTime();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        String runner = options.runnerClass() != null ? options.runnerClass()
                : jsc.getConf().get(RunnerLoader.RUNNER_CONF, RunnerLoader.DEFAULT_RUNNER);
        RunnerLoader.check(runner);
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Map<String, ResultRow> committed = new ResultFiles(grid.output(), hadoop).latest();
        List<Cell> pending = new ArrayList<>();
        for (Cell c : grid.cells()) {
            ResultRow done = committed.get(c.id());
            if (options.force() || done == null || (options.rerunFailed() && !done.ok())) {
                pending.add(c);
            }
        }
        // Longest first, so the last wave is made of short cells and no executor idles behind one long one.
        pending.sort(Comparator.comparingDouble(grid::costUnits).reversed());
        int skipped = grid.cells().size() - pending.size();
        System.err.printf("dropgrid run '%s': %d cells, %d with committed results skipped, %d to run with %s%n",
                grid.name(), grid.cells().size(), skipped, pending.size(), runner);
        long ok = 0;
        long failed = 0;
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
                try (GridProgress progress = new GridProgress(pending.size(), okCount, failedCount,
                        jsc.isLocal() && System.console() != null)) {
                    for (CellTask.Outcome o : jsc.parallelize(pending, pending.size()).map(task).collect()) {
                        if (o.status() == Status.OK) {
                            ok++;
                        } else {
                            failed++;
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
        System.err.printf("dropgrid run '%s': %d result rows in %s%n", grid.name(), rows,
                ResultFiles.resultsDir(grid.output()));
        return new Summary(grid.name(), grid.output(), grid.cells().size(), skipped, pending.size(), ok, failed, rows,
                ResultFiles.resultsDir(grid.output()), (System.nanoTime() - t0) / 1e9);
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
        String chosen = master;
        if (chosen == null && !new SparkConf().contains("spark.master")) {
            int cores = Runtime.getRuntime().availableProcessors();
            chosen = "local[" + (gpusPerTask > 0 ? 1 : Math.max(1, cores / Math.max(1, threadsPerTask))) + "]";
        }
        if (chosen != null) {
            builder.master(chosen);
        }
        boolean local = chosen != null && chosen.startsWith("local");
        if (local) {
            builder.config("spark.ui.showConsoleProgress", "false");
        }
        SparkSession spark = builder.getOrCreate();
        if (local) {
            // In a terminal Spark's INFO lines would bury the progress line; clusters keep their log config.
            spark.sparkContext().setLogLevel("WARN");
        }
        return spark;
    }
}
