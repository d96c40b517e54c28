package dropgrid.report;

import java.util.List;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * A score with its uncertainty over seeds: a mean over seeds, or an average or difference of such means,
 * with its standard error and a two-sided 95 % Student-t interval.
 *
 * <p>Why t over seeds: a cell has few seeds (2–5). The interval must account for the standard deviation
 * itself being estimated from those few values, which the t quantile does (n = 3: 4.30 instead of the
 * normal 1.96); a bootstrap over three values has only ten distinct resamples. An average over tasks (or
 * a difference of two cells) combines independent means: its squared standard error is the sum of theirs
 * (divided by the number of tasks squared), with Welch–Satterthwaite degrees of freedom — for one task
 * this is the plain t interval, for a difference it is Welch's interval.
 *
 * @param mean the point value (NaN when unknown)
 * @param std sample standard deviation over seeds (ddof = 1) for a mean over seeds; NaN for combinations
 *     and for a single seed
 * @param standardError the mean's standard error; NaN when it cannot be estimated (one seed)
 * @param degreesOfFreedom of the t quantile: n − 1 over seeds, Welch–Satterthwaite for combinations
 * @param minSeeds fewest seeds behind any part
 * @param maxSeeds most seeds behind any part
 */
public record Estimate(double mean, double std, double standardError, double degreesOfFreedom, int minSeeds,
        int maxSeeds) {

    public static final double LEVEL = 0.95;
    public static final Estimate UNKNOWN = new Estimate(Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, 0);

    /** Mean, std and interval of one cell's scores over its seeds. */
    public static Estimate ofSeeds(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("an estimate over seeds needs at least one value");
        }
        int n = values.size();
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        if (n == 1) {
            return new Estimate(mean, Double.NaN, Double.NaN, Double.NaN, 1, 1);
        }
        double squares = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        double std = Math.sqrt(squares / (n - 1));
        return new Estimate(mean, std, std / Math.sqrt(n), n - 1, n, n);
    }

    /** The unweighted mean of independent estimates (one per task). */
    public static Estimate meanOf(List<Estimate> parts) {
        if (parts.isEmpty()) {
            return UNKNOWN;
        }
        int k = parts.size();
        double mean = parts.stream().mapToDouble(Estimate::mean).sum() / k;
        double[] variances = parts.stream().mapToDouble(p -> p.standardError() * p.standardError()).toArray();
        double variance = 0;
        for (double v : variances) {
            variance += v;
        }
        return new Estimate(mean, Double.NaN, Math.sqrt(variance) / k, welchDegrees(parts, variances),
                parts.stream().mapToInt(Estimate::minSeeds).min().orElseThrow(),
                parts.stream().mapToInt(Estimate::maxSeeds).max().orElseThrow());
    }

    /** This minus an independent estimate, with Welch's interval. */
    public Estimate minus(Estimate other) {
        List<Estimate> parts = List.of(this, other);
        double[] variances = {standardError * standardError, other.standardError * other.standardError};
        return new Estimate(mean - other.mean, Double.NaN, Math.sqrt(variances[0] + variances[1]),
                welchDegrees(parts, variances), Math.min(minSeeds, other.minSeeds), Math.max(maxSeeds, other.maxSeeds));
    }

    /** Welch–Satterthwaite: (Σ v)² / Σ v² / ν over the parts' squared standard errors v and degrees ν. */
    private static double welchDegrees(List<Estimate> parts, double[] variances) {
        double sum = 0;
        double denominator = 0;
        double degrees = 0;
        for (int i = 0; i < variances.length; i++) {
            sum += variances[i];
            denominator += variances[i] * variances[i] / parts.get(i).degreesOfFreedom();
            degrees += parts.get(i).degreesOfFreedom();
        }
        // All parts without spread: the interval is the point whatever ν; keep the parts' total.
        return sum == 0 ? degrees : sum * sum / denominator;
    }

    /** Whether a 95 % interval exists: at least two seeds behind every part. */
    public boolean hasInterval() {
        return Double.isFinite(mean) && Double.isFinite(standardError) && degreesOfFreedom > 0;
    }

    /** Half the interval's width; NaN without an interval. */
    public double halfWidth() {
        if (!hasInterval()) {
            return Double.NaN;
        }
        if (standardError == 0) {
            return 0;
        }
        return new TDistribution(null, degreesOfFreedom).inverseCumulativeProbability(0.5 + LEVEL / 2) * standardError;
    }

    public double low() {
        return mean - halfWidth();
    }

    public double high() {
        return mean + halfWidth();
    }

    /** Whether this interval lies wholly above the other's; false when either has none. */
    public boolean separatesAbove(Estimate other) {
        return hasInterval() && other.hasInterval() && low() > other.high();
    }
}
