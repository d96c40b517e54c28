package dropgrid.drop;

import java.util.Arrays;
import java.util.List;

/**
 * Angular-block dropping (Gromov et al. 2024, "The Unreasonable Ineffectiveness of the Deeper Layers"):
 * drop the contiguous block of K layers whose input (the hidden state before the block) and output (after
 * it) are closest in angular distance arccos(cos)/π, averaged over the sample. Rationale: a block that
 * barely turns the representation can be cut out as a whole, which per-layer scores cannot see. Equal
 * distances pick the deeper block, where Gromov et al. found the redundancy.
 *
 * <p>Scores: by original layer ℓ, the distance of the block starting at ℓ (layers ℓ..ℓ+K-1); NaN where the
 * block would run past the top layer, and everywhere for K = 0 (no block).
 */
public final class AngularBlock implements DropStrategy {

    private final MeasuredOnce measured;
    private final SimilarityMode mode;
    private final boolean allowAll;

    public AngularBlock(SimilaritySource source, SimilarityMode mode, boolean allowAll) {
        this.measured = new MeasuredOnce(source);
        this.mode = mode;
        this.allowAll = allowAll;
    }

    @Override
    public String name() {
        return "angular-block";
    }

    @Override
    public Selection select(int depth, int drop) {
        DropStrategy.checkDrop(name(), depth, drop, allowAll);
        LayerSimilarity similarity = measured.full(name(), depth);
        double[] distance = new double[depth];
        Arrays.fill(distance, Double.NaN);
        if (drop == 0) {
            return Selection.of(depth, LayerSimilarity.allLayers(depth), Contribution.boxed(distance),
                    similarity.seconds());
        }
        int best = -1;
        for (int start = 0; start + drop <= depth; start++) {
            // Hidden state `start` is the block's input, `start + drop` its output (full model: index = layer).
            distance[start] = similarity.angle(mode, start, start + drop);
            if (best < 0 || distance[start] <= distance[best]) {
                best = start;
            }
        }
        List<Integer> dropped = LayerSimilarity.allLayers(depth).subList(best, best + drop);
        return Selection.of(depth, Selection.complement(depth, dropped), Contribution.boxed(distance),
                similarity.seconds());
    }
}
