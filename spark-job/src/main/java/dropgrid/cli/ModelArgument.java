package dropgrid.cli;

import dropgrid.job.InputStaging;
import dropgrid.storage.Location;
import dropgrid.train.ModelSource;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The {@code --model} of every command (a mixin where it is required), resolved as a cell resolves its
 * model source: a directory, a model name or {@code hf:<org>/<name>[@<revision>]} ({@link ModelSource},
 * fetched on first use), or an {@code s3a://} prefix (copied to local disk first, as executors do).
 */
final class ModelArgument {

    static final String DESCRIPTION = "Model: a directory (HF or Google TF layout), an s3a:// prefix of one, a"
            + " model name (bert-base-uncased, roberta-base, ...) or hf:<org>/<name>[@<revision>].";

    @Option(names = "--model", required = true, description = DESCRIPTION)
    String model;

    /** The local directory of the {@code --model} given; downloads are reported on {@code err}. */
    Path localDir(PrintWriter err) {
        return localDir(model, err);
    }

    /** The local directory of {@code model}; downloads are reported on {@code err}. */
    static Path localDir(String model, PrintWriter err) {
        if (Location.of(model).isRemote()) {
            return InputStaging.localModel(model);
        }
        return ModelSource.resolve(model, line -> {
            err.println(line);
            err.flush();
        });
    }
}
