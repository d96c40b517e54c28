package dropgrid.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code dropgrid bench}: timings of the building blocks; one subcommand per measurement. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure load, forward and training speed on this machine.",
        subcommands = {BenchForwardCommand.class, BenchFinetuneCommand.class, BenchCompareCommand.class,
            BenchGpuCommand.class})
public final class BenchCommand implements Runnable {

    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
