package dropgrid.report;

/**
 * One strategy × K cell of a strategy table.
 *
 * @param average mean over {@link StrategyTable#tasks()} of the per-task means over seeds, with its interval
 * @param delta {@code average} minus the baseline's average over the same tasks; unknown without baseline
 * @param best whether this strategy has the highest mean average at this K and stage (marked only when at
 *     least two strategies are compared there)
 */
public record StrategyScore(String strategy, int drop, String stage, Estimate average, Estimate delta, boolean best) {}
