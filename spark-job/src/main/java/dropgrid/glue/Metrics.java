package dropgrid.glue;

import java.util.Arrays;

/**
 * GLUE's metrics, computed as scikit-learn and SciPy compute them (the GLUE and Hugging Face scorers
 * call those): {@code accuracy_score}, {@code f1_score} (binary, positive class 1), {@code
 * matthews_corrcoef}, {@code scipy.stats.pearsonr} and {@code spearmanr}. Values are fractions.
 *
 * <p>Degenerate inputs get a defined number, never an exception or NaN, so that a collapsed model
 * still produces a headline:
 * <ul>
 *   <li>F1 with no true and no predicted positives is 0.0 (scikit-learn's {@code zero_division} default);
 *   <li>MCC is 0.0 when either labels or predictions hold a single class (scikit-learn);
 *   <li>Pearson and Spearman are 0.0 when either side is constant or has fewer than two values. SciPy
 *       returns NaN (with a warning) or raises there; we follow scikit-learn's MCC convention instead, so
 *       a model that predicts one constant scores 0 on STS-B as it does on CoLA, and task averages stay
 *       numbers.
 * </ul>
 * Empty inputs and inputs of different lengths are an {@link IllegalArgumentException}.
 */
public final class Metrics {

    private Metrics() {}

    /** Fraction of predictions equal to the gold label. */
    public static double accuracy(int[] predicted, int[] gold) {
        check(predicted.length, gold.length);
        long correct = 0;
        for (int i = 0; i < gold.length; i++) {
            if (predicted[i] == gold[i]) {
                correct++;
            }
        }
        return (double) correct / gold.length;
    }

    /** F1 of the positive class 1 over binary 0/1 labels: 2·TP / (2·TP + FP + FN). */
    public static double f1(int[] predicted, int[] gold) {
        check(predicted.length, gold.length);
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < gold.length; i++) {
            binary("prediction", i, predicted[i]);
            binary("gold label", i, gold[i]);
            if (predicted[i] == 1 && gold[i] == 1) {
                tp++;
            } else if (predicted[i] == 1) {
                fp++;
            } else if (gold[i] == 1) {
                fn++;
            }
        }
        long denominator = 2 * tp + fp + fn;
        return denominator == 0 ? 0.0 : 2.0 * tp / denominator;
    }

    /**
     * Matthews correlation coefficient, multi-class form (Gorodkin's R_K) exactly as scikit-learn
     * computes it from the confusion matrix; equals the binary MCC for two classes.
     */
    public static double mcc(int[] predicted, int[] gold) {
        check(predicted.length, gold.length);
        int classes = 0;
        for (int i = 0; i < gold.length; i++) {
            if (predicted[i] < 0 || gold[i] < 0) {
                throw new IllegalArgumentException("class indices must be >= 0, got prediction " + predicted[i]
                        + " and gold " + gold[i] + " at position " + i);
            }
            classes = Math.max(classes, Math.max(predicted[i], gold[i]) + 1);
        }
        long[] trueCount = new long[classes];
        long[] predCount = new long[classes];
        long correct = 0;
        for (int i = 0; i < gold.length; i++) {
            trueCount[gold[i]]++;
            predCount[predicted[i]]++;
            if (predicted[i] == gold[i]) {
                correct++;
            }
        }
        long n = gold.length;
        double covTrueTrue = (double) n * n - dot(trueCount, trueCount);
        double covPredPred = (double) n * n - dot(predCount, predCount);
        double covTruePred = (double) correct * n - dot(trueCount, predCount);
        if (covTrueTrue * covPredPred == 0) {
            return 0.0;
        }
        return covTruePred / Math.sqrt(covTrueTrue * covPredPred);
    }

    /** Pearson's r; 0.0 when either side is constant (see the class comment). */
    public static double pearson(double[] x, double[] y) {
        check(x.length, y.length);
        // Tested by equality, as SciPy does: the mean of equal values can differ from them in the last bit.
        if (isConstant(x) || isConstant(y)) {
            return 0.0;
        }
        double meanX = mean(x);
        double meanY = mean(y);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            double dx = x[i] - meanX;
            double dy = y[i] - meanY;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        double r = sxy / (Math.sqrt(sxx) * Math.sqrt(syy));
        // Rounding can push |r| a hair past 1 for perfectly correlated inputs; SciPy clips the same way.
        return Math.max(-1.0, Math.min(1.0, r));
    }

    /** Spearman's ρ: Pearson's r of the ranks, ties sharing their average rank (SciPy's default). */
    public static double spearman(double[] x, double[] y) {
        check(x.length, y.length);
        return pearson(averageRanks(x), averageRanks(y));
    }

    /** 1-based ranks, tied values getting the mean of the ranks they span ({@code rankdata("average")}). */
    static double[] averageRanks(double[] values) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(values[a], values[b]));
        double[] ranks = new double[values.length];
        for (int start = 0; start < order.length; ) {
            int stop = start + 1;
            while (stop < order.length && values[order[stop]] == values[order[start]]) {
                stop++;
            }
            double rank = (start + 1 + stop) / 2.0;
            for (int k = start; k < stop; k++) {
                ranks[order[k]] = rank;
            }
            start = stop;
        }
        return ranks;
    }

    private static boolean isConstant(double[] v) {
        for (double d : v) {
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("metric inputs must be finite, got " + d);
            }
            if (d != v[0]) {
                return false;
            }
        }
        return true;
    }

    private static double mean(double[] v) {
        double sum = 0;
        for (double d : v) {
            sum += d;
        }
        return sum / v.length;
    }

    private static double dot(long[] a, long[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    private static void binary(String what, int position, int value) {
        if (value != 0 && value != 1) {
            throw new IllegalArgumentException("F1 needs binary 0/1 labels, got " + what + " " + value
                    + " at position " + position);
        }
    }

    private static void check(int predicted, int gold) {
        if (gold == 0) {
            throw new IllegalArgumentException("cannot score an empty dev set");
        }
        if (predicted != gold) {
            throw new IllegalArgumentException(
                    "got " + predicted + " predictions for " + gold + " gold labels; they must pair up");
        }
    }
}
