package dropgrid.drop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Block-influence dropping (ShortGPT, Men et al. 2024, "ShortGPT: Layers in Large Language Models are
 * More Redundant Than You Expect"): BI = 1 − mean cosine between a layer's input and output over all
 * tokens; drop the K layers of LOWEST influence (equal BI drops the higher layer first). Rationale: the
 * same idea as the paper's contribution, re-derived for LLMs, with the all-token average as default.
 *
 * <p>Greedy mode re-measures the pruned model after each removal, so each next choice sees the layers
 * that are really left (K + 1 similarity passes instead of one).
 *
 * <p>Scores: BI by original layer index — from the full model, or in greedy mode each dropped layer's BI
 * when it was removed and each kept layer's BI in the last pass.
 */
public final class BlockInfluence implements DropStrategy {

    private final MeasuredOnce measured;
    private final SimilarityMode mode;
    private final boolean greedy;
    private final boolean allowAll;

    public BlockInfluence(SimilaritySource source, SimilarityMode mode, boolean greedy, boolean allowAll) {
        this.measured = new MeasuredOnce(source);
        this.mode = mode;
        this.greedy = greedy;
        this.allowAll = allowAll;
    }

    @Override
    public String name() {
        return "block-influence";
    }

    @Override
    public Selection select(int depth, int drop) {
        DropStrategy.checkDrop(name(), depth, drop, allowAll);
        LayerSimilarity full = measured.full(name(), depth);
        double[] influence = influence(full);
        if (!greedy) {
            List<Integer> dropped = Contribution.mostSimilarFirst(negated(influence)).subList(0, drop);
            return Selection.of(depth, Selection.complement(depth, dropped), Contribution.boxed(influence),
                    full.seconds());
        }
        List<Integer> kept = new ArrayList<>(LayerSimilarity.allLayers(depth));
        double[] scores = influence.clone();
        double seconds = full.seconds();
        LayerSimilarity current = full;
        for (int step = 0; step < drop; step++) {
            if (step > 0) {
                current = measured.measure(name(), depth, List.copyOf(kept));
                seconds += current.seconds();
            }
            double[] now = influence(current);
            for (int layer : kept) {
                scores[layer] = now[layer];
            }
            int weakest = Contribution.mostSimilarFirst(negated(now)).get(0);
            kept.remove(Integer.valueOf(weakest));
        }
        return Selection.of(depth, List.copyOf(kept), Contribution.boxed(scores), seconds);
    }

    private double[] influence(LayerSimilarity similarity) {
        return Arrays.stream(similarity.layerCosine(mode)).map(c -> 1.0 - c).toArray();
    }

    /** Lowest influence first = highest negated influence first; NaN (layers already gone) sort last. */
    private static double[] negated(double[] influence) {
        return Arrays.stream(influence).map(bi -> Double.isNaN(bi) ? Double.NEGATIVE_INFINITY : -bi).toArray();
    }
}
