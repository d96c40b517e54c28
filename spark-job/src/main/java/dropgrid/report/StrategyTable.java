package dropgrid.report;

import java.util.List;
import java.util.Map;

/**
 * The average score per strategy × K of one model and stage (the paper's Table 2 / Figure 2), in one
 * {@link ScoreView}.
 *
 * @param tasks the tasks every average is over (present in the baseline and in every compared cell)
 * @param excludedTasks tasks left out, with the cells that lack them
 * @param baseline the baseline's average over {@code tasks}; {@link Estimate#UNKNOWN} without a baseline
 * @param minSeeds fewest seeds behind any averaged task score
 * @param maxSeeds most seeds behind any averaged task score
 */
public record StrategyTable(String model, String stage, ScoreView view, List<String> tasks,
        Map<String, String> excludedTasks, Estimate baseline, List<StrategyScore> scores, int minSeeds, int maxSeeds) {

    public boolean hasBaseline() {
        return !Double.isNaN(baseline.mean());
    }
}
