package dropgrid.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.List;

/**
 * The arrays a fused block of {@link dropgrid.kernels.Kernels} computes with, read from the child blocks
 * that carry HF's names: each block's parameters in the order it declares them (a {@code Linear}'s
 * weight then bias, a {@code LayerNorm}'s gamma then beta).
 */
final class BlockWeights {

    private BlockWeights() {}

    static List<NDArray> of(ParameterStore ps, NDArray like, boolean training, Block... blocks) {
        List<NDArray> out = new ArrayList<>();
        for (Block block : blocks) {
            for (var p : block.getDirectParameters()) {
                out.add(ps.getValue(p.getValue(), like.getDevice(), training));
            }
        }
        return out;
    }

    /** For the child blocks that only hold a fused block's weights and are never run alone. */
    static UnsupportedOperationException notRunAlone(String block, String computedBy) {
        return new UnsupportedOperationException(block + " only holds weights: " + computedBy + " computes it "
                + "as one block (dropgrid.kernels.Kernels)");
    }
}
