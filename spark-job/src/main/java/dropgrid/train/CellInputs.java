package dropgrid.train;

import dropgrid.glue.Example;
import dropgrid.glue.GlueData;
import dropgrid.glue.GlueTask;
import dropgrid.glue.Split;
import dropgrid.model.PretrainedModels;
import dropgrid.tokenize.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a cell reads before any model is built: its task, the checkpoint and its tokenizer (kept per JVM
 * in {@link CheckpointCache}), the training set (with the cell's limits and seed) as examples and
 * encoded, and the collator that batches it.
 */
record CellInputs(Cell cell, GlueTask task, Path glueDir, PretrainedModels.Checkpoint checkpoint, Tokenizer tokenizer,
        List<Example> trainExamples, List<EncodedExample> train, Collator collator) {

    static CellInputs read(Cell cell) {
        GlueTask task = GlueTask.parse(cell.task());
        Hyperparameters hp = cell.hyperparameters();
        Path modelDir = ModelSource.resolve(cell.modelSource());
        Path glueDir = localGlueDir(cell.glueDir());
        PretrainedModels.Checkpoint checkpoint = CheckpointCache.checkpoint(modelDir);
        if (checkpoint.architecture() != cell.architecture()) {
            throw new IllegalArgumentException("cell says architecture " + cell.architecture().id() + " but "
                    + modelDir + " holds a " + checkpoint.architecture().id() + " checkpoint");
        }
        Tokenizer tokenizer = CheckpointCache.tokenizer(modelDir, cell.architecture());
        List<Example> trainExamples = GlueData.load(glueDir, task, Split.TRAIN, cell.limits().maxTrainExamples(),
                cell.seed());
        return new CellInputs(cell, task, glueDir, checkpoint, tokenizer, trainExamples,
                encode(trainExamples, task, tokenizer, hp.maxSeqLength()),
                Collator.of(tokenizer, hp.dynamicPadding(), hp.maxSeqLength()));
    }

    /** One dev split, read with the cell's limits and seed and encoded as the training set is. */
    List<EncodedExample> dev(Split split) {
        List<Example> examples = GlueData.load(glueDir, task, split, cell.limits().maxEvalExamples(), cell.seed());
        return encode(examples, task, tokenizer, cell.hyperparameters().maxSeqLength());
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
        if (glueDir.contains("://")) {
            throw new IllegalArgumentException("glue_dir '" + glueDir + "' is not a local directory; the cell runner"
                    + " reads GLUE from local disk (stage remote data to the executor first)");
        }
        return Path.of(glueDir);
    }
}
