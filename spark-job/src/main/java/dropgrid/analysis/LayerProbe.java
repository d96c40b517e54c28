package dropgrid.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dropgrid.glue.GlueTask;
import dropgrid.glue.Split;
import dropgrid.glue.TaskScore;
import dropgrid.model.Encoder;
import java.util.ArrayList;
import java.util.List;

/**
 * What each layer of a fine-tuned model knows about the task (the paper's Figure 4): per hidden state
 * (0 = embedding output, i = output of the i-th kept layer), the dev score of a linear probe on that
 * state's summary-token vector ([CLS]; XLNet's last token).
 *
 * <p>The probe, exactly: the fine-tuned encoder is frozen (dropout off, no gradients); the summary-token
 * vector of every training row is a feature row; a ridge model with intercept and penalty
 * {@link #ALPHA} is fitted in closed form (scikit-learn's {@code RidgeClassifier} for classification:
 * targets +1 for the row's class and −1 for the others, one column per class, the prediction is the
 * column with the largest value; {@code Ridge} on the gold score for STS-B); the dev rows are scored
 * with the task's headline metric ×100.
 *
 * @param scores per hidden state, the probe's dev headline score
 * @param trainExamples rows the probes were fitted on
 * @param devExamples rows they were scored on
 */
public record LayerProbe(List<Double> scores, int trainExamples, int devExamples) {

    /** scikit-learn's default penalty. */
    public static final double ALPHA = 1.0;

    public LayerProbe {
        scores = List.copyOf(scores);
    }

    /**
     * Fits one probe per hidden state of {@code encoder} on {@code train} and scores it on {@code dev}.
     *
     * @param trainTargets per training row in batch order, the class index (classification) or gold score
     * @param devTargets the same for the dev rows
     */
    public static LayerProbe fit(Encoder encoder, GlueTask task, Split devSplit, Iterable<NDList> train,
            double[] trainTargets, Iterable<NDList> dev, double[] devTargets) {
        List<double[][]> trainFeatures = features(encoder, train);
        List<double[][]> devFeatures = features(encoder, dev);
        check("training", trainFeatures, trainTargets);
        check("dev", devFeatures, devTargets);
        List<Double> scores = new ArrayList<>();
        for (int s = 0; s < trainFeatures.size(); s++) {
            double[][] out = Ridge.fit(trainFeatures.get(s), targets(task, trainTargets), ALPHA)
                    .predict(devFeatures.get(s));
            scores.add(score(task, devSplit, out, devTargets));
        }
        return new LayerProbe(scores, trainTargets.length, devTargets.length);
    }

    private static void check(String what, List<double[][]> features, double[] targets) {
        if (features.get(0).length != targets.length) {
            throw new IllegalArgumentException(what + " batches hold " + features.get(0).length + " rows but "
                    + targets.length + " targets were given");
        }
    }

    /** The ridge targets: ±1 one-vs-rest columns per class, or the gold score as one column. */
    static double[][] targets(GlueTask task, double[] targets) {
        int k = task.isRegression() ? 1 : task.numOutputs();
        double[][] y = new double[targets.length][k];
        for (int r = 0; r < targets.length; r++) {
            if (task.isRegression()) {
                y[r][0] = targets[r];
            } else {
                for (int c = 0; c < k; c++) {
                    y[r][c] = c == (int) targets[r] ? 1 : -1;
                }
            }
        }
        return y;
    }

    private static double score(GlueTask task, Split split, double[][] out, double[] gold) {
        if (task.isRegression()) {
            double[] predicted = new double[out.length];
            for (int r = 0; r < out.length; r++) {
                predicted[r] = out[r][0];
            }
            return TaskScore.of(task, split, predicted, gold).headline();
        }
        int[] predicted = new int[out.length];
        int[] labels = new int[out.length];
        for (int r = 0; r < out.length; r++) {
            int best = 0;
            for (int c = 1; c < out[r].length; c++) {
                if (out[r][c] > out[r][best]) {
                    best = c;
                }
            }
            predicted[r] = best;
            labels[r] = (int) gold[r];
        }
        return TaskScore.of(task, split, predicted, labels).headline();
    }

    /** Per hidden state, the summary-token vector of every row (rows in batch order) in double. */
    static List<double[][]> features(Encoder encoder, Iterable<NDList> batches) {
        int states = encoder.keptLayers().size() + 1;
        boolean last = SummaryToken.last(encoder);
        List<List<double[]>> rows = new ArrayList<>();
        for (int s = 0; s < states; s++) {
            rows.add(new ArrayList<>());
        }
        for (NDList batch : batches) {
            try (NDManager scope = batch.head().getManager().newSubManager()) {
                batch.attach(scope);
                NDList hidden = encoder.hiddenStates(new ParameterStore(scope, false), batch, false);
                long width = batch.head().getShape().get(1);
                for (int s = 0; s < states; s++) {
                    NDArray summary = hidden.get(s).get(new NDIndex(":, {}, :", last ? width - 1 : 0));
                    int size = (int) summary.getShape().get(1);
                    float[] values = summary.toType(DataType.FLOAT32, false).toFloatArray();
                    for (int r = 0; r < values.length / size; r++) {
                        double[] row = new double[size];
                        for (int i = 0; i < size; i++) {
                            row[i] = values[r * size + i];
                        }
                        rows.get(s).add(row);
                    }
                }
            }
        }
        List<double[][]> out = new ArrayList<>();
        for (List<double[]> r : rows) {
            if (r.isEmpty()) {
                throw new IllegalArgumentException("no rows to fit or score a layer probe on");
            }
            out.add(r.toArray(double[][]::new));
        }
        return out;
    }
}
