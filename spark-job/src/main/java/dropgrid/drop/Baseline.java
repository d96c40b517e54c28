package dropgrid.drop;

import java.util.List;

/**
 * The unpruned baseline, strategy {@code none}: every layer is kept, so K must be 0. Every grid runs
 * it once per model, task and seed, and a result row's Δ is measured against it.
 */
public record Baseline() implements DropStrategy {

    @Override
    public String name() {
        return dropgrid.vocabulary.Baseline.STRATEGY;
    }

    @Override
    public List<Integer> keep(int depth, int drop) {
        if (drop != 0) {
            throw new IllegalArgumentException("strategy '" + name() + "' keeps every layer, so drop must be 0, got "
                    + drop);
        }
        return LayerSimilarity.allLayers(depth);
    }
}
