package dropgrid.cli;

import dropgrid.job.GridPlan;
import dropgrid.job.GridStatus;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dropgrid status OUTPUT}: from another shell, what a grid writing to OUTPUT is doing (its
 * driver, totals, and each running cell's task, strategy, K, step/total, loss, tokens/s and ETA), as
 * one JSON object; works on local disks and {@code s3a://}.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Print what the grid writing to OUTPUT is doing right now (driver, totals, running cells) as"
                + " JSON.")
final class StatusCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "OUTPUT", description = "a run's output (local or s3a://)")
    String output;

    @Override
    public Integer call() throws Exception {
        GridStatus status = GridStatus.read(output, GridPlan.hadoopConfiguration());
        spec.commandLine().getOut().println(JsonOutput.MAPPER.writeValueAsString(status));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
