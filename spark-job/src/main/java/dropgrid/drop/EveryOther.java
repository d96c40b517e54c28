package dropgrid.drop;

import java.util.ArrayList;
import java.util.List;

/**
 * LayerDrop's "every other" pruning at inference (Fan et al. 2019, "Reducing Transformer Depth on Demand
 * with Structured Dropout", §5): to prune at rate p drop the layers at depth d ≡ 0 (mod ⌊1/p⌋), 1-based —
 * fairseq's README keeps 0-based layers 0, 2, 4, … to halve a model. Here the K dropped layers are the
 * 1-based numbers ⌊i·L/K⌋ for i = 1..K: exactly Fan et al.'s set whenever K divides L (L = 12, K = 4 drops
 * 3, 6, 9, 12) and an even spread otherwise (K = 5 drops 2, 4, 7, 9, 12). Rationale: spread-out dropping is
 * what LayerDrop-trained models are pruned with, a natural comparison for the paper's alternate dropping.
 *
 * @param allowAll whether K = L (embeddings only) is allowed
 */
public record EveryOther(boolean allowAll) implements DropStrategy {

    @Override
    public String name() {
        return "layerdrop";
    }

    @Override
    public List<Integer> keep(int depth, int drop) {
        DropStrategy.checkDrop(name(), depth, drop, allowAll);
        List<Integer> dropped = new ArrayList<>();
        for (int i = 1; i <= drop; i++) {
            dropped.add((int) ((long) i * depth / drop) - 1);
        }
        return Selection.complement(depth, dropped);
    }
}
