package dropgrid.drop;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What a strategy chose for one model: the layers kept and dropped (original 0-based indices, ascending)
 * and the per-layer scores a data-dependent strategy measured, which the cell's result row records
 * ({@code CellResult.layerScores}).
 *
 * @param kept layers kept, ascending
 * @param dropped layers dropped, ascending
 * @param layerScores one score per original layer (what each strategy's Javadoc says), empty for static
 *     strategies; NaN where a layer has no score
 * @param seconds wall time spent measuring (the similarity passes), 0 for static strategies
 */
public record Selection(List<Integer> kept, List<Integer> dropped, List<Double> layerScores, double seconds) {

    public Selection {
        kept = List.copyOf(kept);
        dropped = List.copyOf(dropped);
        layerScores = List.copyOf(layerScores);
    }

    /** A selection whose dropped layers are the complement of {@code kept} in 0..depth-1. */
    public static Selection of(int depth, List<Integer> kept, List<Double> layerScores, double seconds) {
        return new Selection(kept, complement(depth, kept), layerScores, seconds);
    }

    /** The layers of 0..depth-1 not in {@code layers}, ascending. */
    static List<Integer> complement(int depth, Collection<Integer> layers) {
        List<Integer> rest = new ArrayList<>();
        for (int layer = 0; layer < depth; layer++) {
            if (!layers.contains(layer)) {
                rest.add(layer);
            }
        }
        return List.copyOf(rest);
    }
}
