package dropgrid.cli;

import dropgrid.job.GridPlan;
import dropgrid.experiment.Grid;
import dropgrid.experiment.SpecReader;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dropgrid plan SPEC}: validates a spec and prints its cells as JSON lines (one per cell, then
 * one {@code {"summary": ...}} line) without starting Spark. With earlier results in the output, the
 * cells carry time estimates.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Validate a spec and print its cells (JSON lines) and a summary, without running anything.")
final class PlanCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SPEC", description = "experiment spec (YAML or .json), local or s3a://")
    String specLocation;

    @Option(names = "--output", paramLabel = "DIR", description = "replaces the spec's output")
    String output;

    @Option(names = "--glue-dir", paramLabel = "DIR", description = "replaces the spec's glue_dir")
    String glueDir;

    @Override
    public Integer call() throws Exception {
        var hadoop = GridPlan.hadoopConfiguration();
        Grid grid = SpecReader.load(specLocation, hadoop, System.getenv(), SpecReader.Overrides.fromCommandLine(output, glueDir));
        GridPlan plan = GridPlan.of(grid, hadoop);
        PrintWriter out = spec.commandLine().getOut();
        for (GridPlan.CellPlan cell : plan.cells()) {
            out.println(JsonOutput.MAPPER.writeValueAsString(cell));
        }
        out.println(JsonOutput.MAPPER.writeValueAsString(Map.of("summary", plan.summary())));
        out.flush();
        return 0;
    }
}
