package dropgrid.cli;

import dropgrid.engine.NativeLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code dropgrid} command line. Every subcommand that produces data prints one JSON object on
 * stdout; logs go to stderr. Exit codes: 0 success, 1 the work failed, 2 bad usage or bad input.
 */
@Command(
        name = "dropgrid",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Layer-dropping experiments on pre-trained transformers (Sajjad et al., arXiv 2004.03844).",
        subcommands = {
            RunCommand.class,
            PlanCommand.class,
            CollectCommand.class,
            ReportCommand.class,
            FinetuneCommand.class,
            FetchModelCommand.class,
            FetchGlueCommand.class,
            EncodeCommand.class,
            BenchCommand.class,
            DoctorCommand.class,
            SelectCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        NativeLoader.install();
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
