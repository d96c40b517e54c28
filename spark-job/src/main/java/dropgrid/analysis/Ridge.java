package dropgrid.analysis;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.CholeskyDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Ridge regression with an intercept, fitted in closed form as scikit-learn's {@code Ridge} does for
 * dense input: centre X and Y on their training means, solve (XᵀX + αI) W = XᵀY by Cholesky, intercept
 * = ȳ − x̄ W. Several target columns are fitted at once.
 */
final class Ridge {

    private final double[][] weights; // (features × targets)
    private final double[] intercept;

    private Ridge(double[][] weights, double[] intercept) {
        this.weights = weights;
        this.intercept = intercept;
    }

    /** Fits {@code y} (n × targets) on {@code x} (n × features) with penalty {@code alpha} > 0. */
    static Ridge fit(double[][] x, double[][] y, double alpha) {
        if (!(alpha > 0)) {
            throw new IllegalArgumentException("ridge penalty alpha = " + alpha + " is not allowed; must be > 0");
        }
        int n = x.length;
        if (n == 0 || y.length != n) {
            throw new IllegalArgumentException("ridge needs as many target rows as feature rows (>= 1); got "
                    + n + " and " + y.length);
        }
        int f = x[0].length;
        int k = y[0].length;
        double[] xMean = columnMeans(x);
        double[] yMean = columnMeans(y);
        double[][] gram = new double[f][f];
        double[][] xty = new double[f][k];
        double[] xc = new double[f];
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < f; i++) {
                xc[i] = x[r][i] - xMean[i];
            }
            for (int i = 0; i < f; i++) {
                double xi = xc[i];
                double[] row = gram[i];
                for (int j = i; j < f; j++) {
                    row[j] += xi * xc[j];
                }
                for (int t = 0; t < k; t++) {
                    xty[i][t] += xi * (y[r][t] - yMean[t]);
                }
            }
        }
        for (int i = 0; i < f; i++) {
            for (int j = 0; j < i; j++) {
                gram[i][j] = gram[j][i];
            }
            gram[i][i] += alpha;
        }
        RealMatrix w = new CholeskyDecomposition(new Array2DRowRealMatrix(gram, false))
                .getSolver().solve(new Array2DRowRealMatrix(xty, false));
        double[][] weights = w.getData();
        double[] intercept = new double[k];
        for (int t = 0; t < k; t++) {
            double s = yMean[t];
            for (int i = 0; i < f; i++) {
                s -= xMean[i] * weights[i][t];
            }
            intercept[t] = s;
        }
        return new Ridge(weights, intercept);
    }

    /** The fitted values for rows {@code x} (n × targets). */
    double[][] predict(double[][] x) {
        int k = intercept.length;
        double[][] out = new double[x.length][k];
        for (int r = 0; r < x.length; r++) {
            for (int t = 0; t < k; t++) {
                double s = intercept[t];
                for (int i = 0; i < weights.length; i++) {
                    s += x[r][i] * weights[i][t];
                }
                out[r][t] = s;
            }
        }
        return out;
    }

    private static double[] columnMeans(double[][] m) {
        double[] mean = new double[m[0].length];
        for (double[] row : m) {
            for (int i = 0; i < mean.length; i++) {
                mean[i] += row[i];
            }
        }
        for (int i = 0; i < mean.length; i++) {
            mean[i] /= m.length;
        }
        return mean;
    }
}
