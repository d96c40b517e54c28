package dropgrid.job;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills {@code baseline_headline} and {@code delta_headline}: each row is compared with the unpruned
 * (K = 0) row of the same model, task and seed trained under the same hyper-parameters and limits,
 * so rows from an earlier spec with other settings never borrow the wrong baseline.
 */
final class Baselines {

    private Baselines() {}

    /** The rows with baselines filled, ordered by model, task, seed, stage, strategy, K, cell id. */
    static List<ResultRow> fill(Collection<ResultRow> rows) {
        Map<List<Object>, Double> baselines = new HashMap<>();
        for (ResultRow r : rows) {
            if (r.drop() != null && r.drop() == 0 && r.ok() && r.headline() != null) {
                baselines.put(key(r), r.headline());
            }
        }
        List<ResultRow> out = new ArrayList<>();
        for (ResultRow r : rows) {
            out.add(r.withBaseline(baselines.get(key(r))));
        }
        out.sort(Comparator.comparing(ResultRow::modelId)
                .thenComparing(ResultRow::task)
                .thenComparing(ResultRow::seed)
                .thenComparing(r -> r.dropStage().id())
                .thenComparing(r -> r.drop() == 0 ? "" : r.strategy())
                .thenComparing(ResultRow::drop)
                .thenComparing(ResultRow::cellId));
        return out;
    }

    private static List<Object> key(ResultRow r) {
        return Arrays.asList(r.modelId(), r.architecture(), r.modelSource(), r.task(), r.seed(),
                r.hpLearningRate(), r.hpBatchSize(), r.hpEpochs(), r.hpMaxSeqLength(), r.hpWarmupRatio(),
                r.hpLinearDecay(), r.hpWeightDecay(), r.hpMaxGradNorm(), r.hpDropout(), r.hpDynamicPadding(),
                r.hpLengthGrouping(), r.limitMaxTrainExamples(), r.limitMaxEvalExamples(), r.limitMaxSteps());
    }
}
