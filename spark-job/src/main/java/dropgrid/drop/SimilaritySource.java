package dropgrid.drop;

import java.util.List;

/**
 * Runs the similarity pass for a data-dependent strategy: the (pre-trained or fine-tuned) encoder with
 * only {@code keptLayers} kept, over the strategy's sample of training examples. Strategies ask for all
 * layers once, except greedy block influence, which asks again after each removal.
 */
@FunctionalInterface
public interface SimilaritySource {

    LayerSimilarity measure(List<Integer> keptLayers);
}
