package dropgrid.train;

import dropgrid.glue.Example;
import dropgrid.glue.GlueData;
import dropgrid.glue.GlueTask;
import dropgrid.glue.Split;
import dropgrid.model.PretrainedModels;
import dropgrid.storage.Location;
import dropgrid.tokenize.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a cell reads before any model is built: its task, the checkpoint and its tokenizer (kept per JVM
 * in {@link CheckpointCache}), the training set (with the cell's limits and seed) as examples and
 * encoded, and the collator that batches it.
 *
 * @param seqLength tokens per example: {@code max_seq_length}, cut to what the model's positions cover
 */
record CellInputs(Cell cell, GlueTask task, Path glueDir, PretrainedModels.Checkpoint checkpoint, Tokenizer tokenizer,
        int seqLength, List<Example> trainExamples, List<EncodedExample> train, Collator collator) {

    /** @param log where a model download and a cut sequence length are reported */
    static CellInputs read(Cell cell, Consumer<String> log) {
        GlueTask task = GlueTask.parse(cell.task());
        Hyperparameters hp = cell.hyperparameters();
        Path modelDir = ModelSource.resolve(cell.modelSource(), log);
        Path glueDir = localGlueDir(cell.glueDir());
        PretrainedModels.Checkpoint checkpoint = CheckpointCache.checkpoint(modelDir);
        if (checkpoint.architecture() != cell.architecture()) {
            throw new IllegalArgumentException("cell says architecture " + cell.architecture().id() + " but "
                    + modelDir + " holds a " + checkpoint.architecture().id() + " checkpoint");
        }
        Tokenizer tokenizer = CheckpointCache.tokenizer(modelDir, cell.architecture());
        int seqLength = checkpoint.config().sequenceLength(hp.maxSeqLength());
        if (seqLength < hp.maxSeqLength()) {
            log.accept("max_seq_length " + hp.maxSeqLength() + " cut to " + seqLength + ", the positions " + modelDir
                    + " covers");
        }
        List<Example> trainExamples = GlueData.load(glueDir, task, Split.TRAIN, cell.limits().maxTrainExamples(),
                cell.seed());
        // Every dev file is read once now, so an unreadable one costs seconds, not a fine-tuning.
        task.devSplits().forEach(split -> GlueData.load(glueDir, task, split));
        return new CellInputs(cell, task, glueDir, checkpoint, tokenizer, seqLength, trainExamples,
                encode(trainExamples, task, tokenizer, seqLength), Collator.of(tokenizer, hp.dynamicPadding(), seqLength));
    }

    /** One dev split, read with the cell's limits and seed and encoded as the training set is. */
    List<EncodedExample> dev(Split split) {
        List<Example> examples = GlueData.load(glueDir, task, split, cell.limits().maxEvalExamples(), cell.seed());
        return encode(examples, task, tokenizer, seqLength);
    }

    private static List<EncodedExample> encode(List<Example> examples, GlueTask task, Tokenizer tokenizer,
            int maxLength) {
        List<EncodedExample> encoded = new ArrayList<>(examples.size());
        for (Example e : examples) {
            Tokenizer.Encoding enc = tokenizer.encode(e.textA(), e.textB(), maxLength);
            encoded.add(task.isRegression()
                    ? new EncodedExample(enc.ids(), enc.typeIds(), -1, (float) e.score())
                    : new EncodedExample(enc.ids(), enc.typeIds(), task.labelIndex(e.label()), Float.NaN));
        }
        return encoded;
    }

    private static Path localGlueDir(String glueDir) {
        Location location = Location.of(glueDir);
        if (location.isRemote()) {
            throw new IllegalArgumentException("glue_dir '" + glueDir + "' is not a local directory; the cell runner"
                    + " reads GLUE from local disk (stage remote data to the executor first)");
        }
        return location.path();
    }
}
