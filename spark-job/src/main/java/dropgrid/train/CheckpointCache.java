package dropgrid.train;

import dropgrid.model.Architecture;
import dropgrid.model.PretrainedModels;
import dropgrid.tokenize.Tokenizer;
import dropgrid.tokenize.Tokenizers;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checkpoints and tokenizers, read once per JVM and kept: an executor runs many cells of one model,
 * and each cell builds its own model from them. Checkpoints are memory-mapped, so keeping them is cheap,
 * and they may be shared by cells running at once.
 */
final class CheckpointCache {

    private static final Map<Path, PretrainedModels.Checkpoint> CHECKPOINTS = new ConcurrentHashMap<>();
    private static final Map<Path, Tokenizer> TOKENIZERS = new ConcurrentHashMap<>();

    private CheckpointCache() {}

    static PretrainedModels.Checkpoint checkpoint(Path modelDir) {
        return CHECKPOINTS.computeIfAbsent(modelDir, PretrainedModels::read);
    }

    static Tokenizer tokenizer(Path modelDir, Architecture architecture) {
        return TOKENIZERS.computeIfAbsent(modelDir, dir -> Tokenizers.load(dir, architecture));
    }
}
