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
 * attentionMask)}, each (B, T) int64; {@code attentionMask} is 1 on real tokens and 0 on padding.
 * Output of {@code forward}: {@code NDList(lastHiddenState (B, T, E), ...)}.
 */
public interface Encoder extends Block {

    Architecture architecture();

    /** Layers in the checkpoint this encoder was built from (L). */
    int pretrainedDepth();

    /** Original (0-based, bottom-up) indices of the layers this encoder kept, ascending. */
    List<Integer> keptLayers();

    /**
     * Every hidden state: index 0 is the input of the first kept layer (the embedding output), index
     * i the output of the i-th kept layer; each (B, T, E). Used by similarity-based strategies.
     */
    NDList hiddenStates(ParameterStore parameterStore, NDList inputs, boolean training);
}
