package dropgrid.model;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.List;

/**
 * A pre-trained encoder body (embeddings + the kept layers), what strategies and the trainer see of
 * every architecture.
 *
 * <p>Input convention for every block in this package: {@code NDList(inputIds, tokenTypeIds,
 * attentionMask)}, each (B, T) int64; {@code attentionMask} is 1 on real tokens and 0 on padding
 * ({@link EncoderInputs} checks it). Output of {@code forward}: {@code NDList(lastHiddenState (B, T, E),
 * ...)}.
 */
public interface Encoder extends Block {

    /** The config of the checkpoint this encoder was built from. */
    ModelConfig config();

    default Architecture architecture() {
        return config().architecture();
    }

    /** Layers in the checkpoint this encoder was built from (L). */
    default int pretrainedDepth() {
        return config().depth();
    }

    /** Original (0-based, bottom-up) indices of the layers this encoder kept, ascending. */
    List<Integer> keptLayers();

    /**
     * Every hidden state: index 0 is the input of the first kept layer (the embedding output), index
     * i the output of the i-th kept layer; each (B, T, E). Used by similarity-based strategies.
     */
    NDList hiddenStates(ParameterStore parameterStore, NDList inputs, boolean training);

    /**
     * The layers an encoder of a {@code depth}-layer checkpoint can keep: strictly ascending indices in
     * [0, depth); empty keeps only the embeddings.
     *
     * @return an immutable copy of {@code kept}
     */
    static List<Integer> checkKeptLayers(List<Integer> kept, int depth) {
        for (int i = 0; i < kept.size(); i++) {
            int k = kept.get(i);
            if (k < 0 || k >= depth || (i > 0 && k <= kept.get(i - 1))) {
                throw new IllegalArgumentException("kept layers " + kept
                        + " must be strictly ascending indices in [0, " + depth + ")");
            }
        }
        return List.copyOf(kept);
    }
}
