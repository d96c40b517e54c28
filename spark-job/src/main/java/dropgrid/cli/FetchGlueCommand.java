package dropgrid.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dropgrid.glue.GlueCache;
import dropgrid.glue.GlueManifest;
import dropgrid.glue.GlueTask;
import dropgrid.hub.Checksum;
import dropgrid.hub.Download;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dropgrid fetch-glue}: downloads the GLUE train and dev sets from the Hugging Face Hub
 * ({@code nyu-mll/glue} at a pinned revision, Parquet) into the cache that specs read when {@code
 * glue_dir} is unset. Every file is checked against the SHA-256 in {@link GlueManifest}; reruns skip
 * verified files and resume partial ones. Prints one JSON summary on stdout.
 */
@Command(
        name = "fetch-glue",
        mixinStandardHelpOptions = true,
        description = "Download GLUE (Hugging Face nyu-mll/glue Parquet, pinned revision, SHA-256 checked) into the"
                + " cache specs use when glue_dir is unset. Resumable; prints a JSON summary.")
public final class FetchGlueCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--tasks", split = ",", paramLabel = "TASK",
            description = "GLUE tasks to fetch, comma-separated (default: all nine): CoLA, SST-2, MRPC, STS-B, QQP,"
                    + " MNLI, QNLI, RTE, WNLI.")
    List<String> tasks = Arrays.stream(GlueTask.values()).map(GlueTask::dirName).toList();

    @Option(names = "--dir", paramLabel = "DIR",
            description = "Target directory (default: $DROPGRID_HOME/glue, else ~/.cache/dropgrid/glue).")
    Path dir;

    @Option(names = "--base-url", paramLabel = "URL",
            description = "Hub endpoint (default: $HF_ENDPOINT, else https://huggingface.co).")
    String baseUrl;

    @Option(names = "--manifest", paramLabel = "FILE",
            description = "JSON table of files, sizes and SHA-256 to use instead of the built-in nyu-mll/glue one"
                    + " (for a mirror holding another revision).")
    Path manifest;

    /** One fetched file in the summary. */
    record FetchedFile(String task, String path, long bytes, String sha256, String outcome) {}

    /** The JSON summary. */
    record Summary(String dir, String repository, String revision, List<String> tasks, List<FetchedFile> files,
            long bytesTotal) {}

    @Override
    public Integer call() throws IOException {
        List<GlueTask> chosen = tasks.stream().map(GlueTask::parse).distinct().toList();
        GlueManifest table = manifest == null ? GlueManifest.builtIn() : GlueManifest.read(manifest);
        Path target = dir == null ? GlueCache.defaultDir() : dir;
        String base = baseUrl != null ? baseUrl
                : System.getenv().getOrDefault("HF_ENDPOINT", "https://huggingface.co");
        Summary summary = fetch(table, chosen, target, base, spec.commandLine().getErr(), System.console() != null);
        ObjectMapper json = new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .disable(SerializationFeature.INDENT_OUTPUT);
        spec.commandLine().getOut().println(json.writeValueAsString(summary));
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** Fetches the files of {@code tasks} into {@code dir}, drawing a progress bar per file on {@code err}. */
    static Summary fetch(GlueManifest table, List<GlueTask> tasks, Path dir, String baseUrl, PrintWriter err,
            boolean interactive) throws IOException {
        Download download = Download.withDefaults();
        List<FetchedFile> fetched = new ArrayList<>();
        long total = 0;
        for (GlueManifest.HubFile file : table.filesOf(tasks)) {
            ProgressBar bar = new ProgressBar(err, file.path(), interactive);
            Download.Outcome outcome = download.fetch(table.url(baseUrl, file),
                    dir.resolve(file.path()), file.bytes(), Checksum.sha256(file.sha256()), bar);
            String state = outcome.name().toLowerCase(Locale.ROOT);
            bar.finish(state);
            String task = tasks.stream().filter(t -> t.hfName().equals(file.taskDir())).findFirst().orElseThrow()
                    .dirName();
            fetched.add(new FetchedFile(task, file.path(), file.bytes(), file.sha256(), state));
            total += file.bytes();
        }
        return new Summary(dir.toAbsolutePath().toString(), table.repository(), table.revision(),
                tasks.stream().map(GlueTask::dirName).toList(), fetched, total);
    }
}
