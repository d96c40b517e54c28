package dropgrid.cli;

import dropgrid.job.GridJob;
import dropgrid.job.RunnerLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dropgrid run SPEC}: runs every cell of a spec that has no committed result and prints one
 * JSON summary. Failed cells are results too (rows with status {@code failed} and a reason), and the
 * grid finishes every cell either way; the exit code tells scripts and CI how it went: 0 when every
 * cell of this run succeeded, 1 when any failed or the job itself died, 2 for bad input.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a grid: skip committed cells, run the rest one per Spark task, rebuild <output>/results/."
                + " Exits 1 when any cell of this run failed (its row says why).")
final class RunCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin SpecOptions specOptions;

    @Mixin SparkOptions sparkOptions;

    @Option(names = "--rerun-failed", description = "also rerun cells whose newest result failed")
    boolean rerunFailed;

    @Option(names = "--force", description = "rerun every cell")
    boolean force;

    @Option(names = "--runner", paramLabel = "CLASS",
            description = "CellRunner class (default: spark.dropgrid.runner, else " + RunnerLoader.DEFAULT_RUNNER + ")")
    String runner;

    @Override
    public Integer call() throws Exception {
        GridJob.Summary summary = GridJob.launch(specOptions.location, specOptions.overrides(),
                new GridJob.Options(sparkOptions.master, rerunFailed, force, runner), System.getenv());
        spec.commandLine().getOut().println(JsonOutput.MAPPER.writeValueAsString(summary));
        spec.commandLine().getOut().flush();
        return summary.failed() > 0 ? 1 : 0;
    }
}
