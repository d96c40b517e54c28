package dropgrid.drop;

import java.util.List;

/**
 * The full-model similarity pass of a data-dependent strategy, run on first use and kept: {@code keep}
 * and {@code select} may both be called for one cell, and the pass is the expensive part.
 */
final class MeasuredOnce {

    private final SimilaritySource source;
    private LayerSimilarity full;

    MeasuredOnce(SimilaritySource source) {
        if (source == null) {
            throw new IllegalArgumentException("a data-dependent strategy needs a similarity source");
        }
        this.source = source;
    }

    /** The pass over all {@code depth} layers; checks that the source measured what was asked. */
    synchronized LayerSimilarity full(String strategy, int depth) {
        if (full == null) {
            full = measure(strategy, depth, LayerSimilarity.allLayers(depth));
        }
        if (full.pretrainedDepth() != depth) {
            throw new IllegalArgumentException("strategy '" + strategy + "': asked about L = " + depth
                    + " layers but the measured model has " + full.pretrainedDepth());
        }
        return full;
    }

    /** A fresh pass with only {@code kept} layers (greedy re-measurement). */
    LayerSimilarity measure(String strategy, int depth, List<Integer> kept) {
        LayerSimilarity s = source.measure(kept);
        if (s.pretrainedDepth() != depth || !s.keptLayers().equals(kept)) {
            throw new IllegalStateException("strategy '" + strategy + "': asked to measure layers " + kept + " of "
                    + depth + " but got layers " + s.keptLayers() + " of " + s.pretrainedDepth());
        }
        return s;
    }
}
