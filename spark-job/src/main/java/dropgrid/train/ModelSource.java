package dropgrid.train;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where a cell's {@code modelSource} lives on this machine: a local model directory. */
public final class ModelSource {

    private ModelSource() {}

    /**
     * The local directory of {@code source}.
     *
     * @throws IllegalArgumentException when it is not a directory, naming it and what is allowed
     */
    public static Path resolve(String source) {
        if (source.contains("://")) {
            throw new IllegalArgumentException("model source '" + source + "' is remote; the cell runner loads"
                    + " models from a local directory (stage it to the executor first)");
        }
        Path dir = Path.of(source);
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("model source '" + source + "' is not a directory; give a model"
                    + " directory (config.json + model.safetensors, or a TF checkpoint with bert_config.json)");
        }
        return dir;
    }
}
