package dropgrid.report;

/**
 * Cost at one K relative to the baseline, as the mean over tasks of (cell mean / baseline mean) − 1, in
 * percent, so that slow tasks do not dominate.
 */
public record Cost(String model, int drop, int tasks, double paramsTotal, double paramsChangePercent,
        double finetuneTimeChangePercent, double evalTimeChangePercent) {}
