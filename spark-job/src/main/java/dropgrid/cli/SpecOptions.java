package dropgrid.cli;

import dropgrid.experiment.SpecReader;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The spec a command reads and the values replacing its {@code output} and {@code glue_dir} (run, plan). */
final class SpecOptions {

    @Parameters(index = "0", paramLabel = "SPEC", description = "experiment spec (YAML or .json), local or s3a://")
    String location;

    @Option(names = "--output", paramLabel = "DIR", description = "replaces the spec's output (local or s3a://)")
    String output;

    @Option(names = "--glue-dir", paramLabel = "DIR", description = "replaces the spec's glue_dir")
    String glueDir;

    SpecReader.Overrides overrides() {
        return SpecReader.Overrides.fromCommandLine(output, glueDir);
    }
}
