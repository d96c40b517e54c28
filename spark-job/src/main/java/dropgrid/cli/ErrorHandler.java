package dropgrid.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns exceptions from a command's work into one readable line on stderr. Bad input
 * ({@link IllegalArgumentException}) exits 2 like a usage error; anything else exits 1. The stack
 * trace is printed only with {@code DROPGRID_DEBUG=1}.
 */
final class ErrorHandler implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
        // Bad input says all there is to say itself; a cause would repeat it, or show a Java class name.
        boolean badInput = e instanceof IllegalArgumentException;
        cli.getErr().println(cli.getCommandSpec().qualifiedName() + ": " + (badInput ? first(e) : message(e)));
        if ("1".equals(System.getenv("DROPGRID_DEBUG"))) {
            e.printStackTrace(cli.getErr());
        }
        return e instanceof IllegalArgumentException ? 2 : 1;
    }

    /** A command line picocli cannot parse: the reason and where the options are listed, on one line; exit 2. */
    static int usage(CommandLine.ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        String name = cli.getCommandSpec().qualifiedName();
        cli.getErr().println(name + ": " + e.getMessage() + " (`" + name + " --help` lists the options)");
        cli.getErr().flush();
        return 2;
    }

    private static String first(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static String message(Throwable e) {
        StringBuilder s = new StringBuilder(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !s.toString().contains(cause.getMessage())) {
                s.append(" (caused by ").append(cause.getMessage()).append(')');
            }
        }
        return s.toString();
    }
}
