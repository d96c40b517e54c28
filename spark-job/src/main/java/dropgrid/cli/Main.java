package dropgrid.cli;

import dropgrid.engine.NativeLoader;
import dropgrid.job.Logs;
import java.nio.file.Path;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

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
            StatusCommand.class,
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

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Show Spark's, Hadoop's and libtorch's"
            + " log lines on the console too (they always go to OUTPUT/logs/, or to a temporary file the"
            + " command names when it fails).")
    boolean verbose;

    public static void main(String[] args) {
        NativeLoader.install();
        // Before any logger exists: Spark configures log4j on first use.
        Logs.quiet(Arrays.stream(args).filter(a -> !a.startsWith("-")).findFirst().orElse("dropgrid"),
                Arrays.asList(args).contains("--verbose"));
        int exit = commandLine().execute(args);
        Path log = Logs.finish();
        if (log != null && exit == 1) {
            System.err.println("dropgrid: the full log is " + log);
        } else if (log != null && Logs.temporary()) {
            log.toFile().delete();
        }
        System.exit(exit);
    }

    /** The configured command line, shared by {@link #main} and tests. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        cli.setParameterExceptionHandler(ErrorHandler::usage);
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
