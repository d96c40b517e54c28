package dropgrid.cli;

import dropgrid.job.GridJob;
import dropgrid.experiment.SpecReader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dropgrid run SPEC}: runs every cell of a spec that has no committed result and prints one
 * JSON summary. Failed cells are results (rows with status {@code failed}), so the exit code is 0
 * when the grid ran; 2 for a bad spec, 1 when the job itself died.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run a grid: skip committed cells, run the rest one per Spark task, rebuild <output>/results/."
                + " Exits 1 when any cell of this run failed (its row says why).")
final class RunCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SPEC", description = "experiment spec (YAML or .json), local or s3a://")
    String specLocation;

    @Option(names = "--output", paramLabel = "DIR", description = "replaces the spec's output (local or s3a://)")
    String output;

    @Option(names = "--glue-dir", paramLabel = "DIR", description = "replaces the spec's glue_dir")
    String glueDir;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master; default: as configured (spark-submit), else local[cores / threads per cell]")
    String master;

    @Option(names = "--rerun-failed", description = "also rerun cells whose newest result failed")
    boolean rerunFailed;

    @Option(names = "--force", description = "rerun every cell")
    boolean force;

    @Option(names = "--runner", paramLabel = "CLASS",
            description = "CellRunner class (default: spark.dropgrid.runner, else " + GridJob.DEFAULT_RUNNER + ")")
    String runner;

    @Override
    public Integer call() throws Exception {
        GridJob.Summary summary = GridJob.launch(specLocation, SpecReader.Overrides.fromCommandLine(output, glueDir),
                new GridJob.Options(master, rerunFailed, force, runner), System.getenv());
        spec.commandLine().getOut().println(JsonOutput.MAPPER.writeValueAsString(summary));
        spec.commandLine().getOut().flush();
        // The grid finishes every cell either way; a non-zero exit tells scripts and CI that some failed.
        return summary.failed() > 0 ? 1 : 0;
    }
}
