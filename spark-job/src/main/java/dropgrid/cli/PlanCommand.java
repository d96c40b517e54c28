package dropgrid.cli;

import dropgrid.experiment.Grid;
import dropgrid.experiment.SpecReader;
import dropgrid.job.GridPlan;
import dropgrid.job.Preflight;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code dropgrid plan SPEC}: validates a spec, checks its inputs as {@code run} would before its first
 * cell (GLUE files parsed, local models loaded, the output's {@code results/}), and prints its cells as
 * JSON lines (one per cell, then one {@code {"summary": ...}} line) without starting Spark. With earlier
 * results in the output, the cells carry time estimates.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = "Validate a spec and print its cells (JSON lines) and a summary, without running anything.")
final class PlanCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin SpecOptions specOptions;

    @Override
    public Integer call() throws Exception {
        var hadoop = GridPlan.hadoopConfiguration();
        Grid grid = SpecReader.load(specOptions.location, hadoop, System.getenv(), specOptions.overrides());
        Preflight.check(grid, hadoop, Preflight.Mode.PLAN);
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
