package dropgrid.drop;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalDouble;

/**
 * Contribution-based dropping (paper §3, "Contribution-based Dropping"): a layer whose output is most
 * like its input contributes least, so drop the K layers with the HIGHEST input/output cosine similarity,
 * measured with the pre-trained model on [CLS] (the paper) or averaged over all tokens. Equal scores drop
 * the higher layer first, as the paper finds upper layers least needed.
 *
 * <p>Threshold mode drops every layer whose similarity exceeds the threshold (the paper's other
 * formulation), highest first, but never more than K: K = L-1 leaves the threshold alone in charge, and
 * the selection records how many were dropped.
 *
 * <p>Scores: each layer's mean input/output cosine, by original layer index.
 */
public final class Contribution implements DropStrategy {

    private final MeasuredOnce measured;
    private final SimilarityMode mode;
    private final OptionalDouble threshold;
    private final boolean allowAll;

    public Contribution(SimilaritySource source, SimilarityMode mode, OptionalDouble threshold, boolean allowAll) {
        this.measured = new MeasuredOnce(source);
        this.mode = mode;
        this.threshold = threshold;
        this.allowAll = allowAll;
    }

    @Override
    public String name() {
        return "contribution";
    }

    @Override
    public Selection select(int depth, int drop) {
        DropStrategy.checkDrop(name(), depth, drop, allowAll);
        LayerSimilarity similarity = measured.full(name(), depth);
        double[] scores = similarity.layerCosine(mode);
        List<Integer> dropped = new ArrayList<>();
        for (int layer : mostSimilarFirst(scores)) {
            boolean above = threshold.isEmpty() || scores[layer] > threshold.getAsDouble();
            if (dropped.size() < drop && above) {
                dropped.add(layer);
            }
        }
        return Selection.of(depth, Selection.complement(depth, dropped), boxed(scores), similarity.seconds());
    }

    /** Layers by descending score, ties broken towards the higher layer. */
    static List<Integer> mostSimilarFirst(double[] scores) {
        List<Integer> order = new ArrayList<>(LayerSimilarity.allLayers(scores.length));
        order.sort(Comparator.comparingDouble((Integer layer) -> scores[layer]).thenComparingInt(layer -> layer)
                .reversed());
        return order;
    }

    static List<Double> boxed(double[] scores) {
        return Arrays.stream(scores).boxed().toList();
    }
}
