package dropgrid.train;

import ai.djl.ndarray.NDManager;
import dropgrid.glue.GlueTask;
import dropgrid.glue.Split;
import dropgrid.glue.TaskScore;
import dropgrid.model.SequenceClassifier;
import java.util.List;

/**
 * Scores a fine-tuned classifier on the cell's dev set: every dev split of the task (MNLI has two),
 * predicted by {@link Evaluator} and scored with the task's official metrics.
 */
final class DevSet {

    /** Dev-set batches: no activations kept for backward, so larger than training batches. */
    private static final int MIN_BATCH = 32;

    private DevSet() {}

    static CellResult.Evaluation evaluate(SequenceClassifier classifier, CellInputs in, NDManager manager) {
        long start = System.nanoTime();
        TaskScore score = null;
        int examples = 0;
        for (Split split : in.task().devSplits()) {
            List<EncodedExample> dev = in.dev(split);
            float[][] outputs = Evaluator.predict(classifier, manager, dev, in.collator(),
                    Math.max(MIN_BATCH, in.cell().hyperparameters().batchSize()));
            TaskScore splitScore = score(in.task(), split, dev, outputs);
            score = score == null ? splitScore : score.plus(splitScore);
            examples += dev.size();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new CellResult.Evaluation(score.metrics(), score.headline(), examples, seconds, examples / seconds);
    }

    /** Regression tasks score the single output, classification tasks its argmax. */
    static TaskScore score(GlueTask task, Split split, List<EncodedExample> dev, float[][] outputs) {
        if (task.isRegression()) {
            double[] predicted = new double[dev.size()];
            double[] gold = new double[dev.size()];
            for (int i = 0; i < dev.size(); i++) {
                predicted[i] = outputs[i][0];
                gold[i] = dev.get(i).score();
            }
            return TaskScore.of(task, split, predicted, gold);
        }
        int[] gold = dev.stream().mapToInt(EncodedExample::label).toArray();
        return TaskScore.of(task, split, Evaluator.argmax(outputs), gold);
    }
}
