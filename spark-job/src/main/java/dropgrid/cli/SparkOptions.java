package dropgrid.cli;

import picocli.CommandLine.Option;

/** Where the Spark work of a command runs ({@code run}, {@code collect}). */
final class SparkOptions {

    @Option(names = "--master", paramLabel = "URL", description = "Spark master; default: as configured"
            + " (spark-submit), else local mode on this machine (cores / threads per cell at once)")
    String master;
}
