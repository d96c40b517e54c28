package dropgrid.model;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/**
 * An encoder's kept layers applied bottom-up with every hidden state kept, as HF's encoders do with
 * {@code output_hidden_states=True}: what {@link Encoder#hiddenStates} returns for every architecture.
 *
 * <p>A sequence classifier that reads only the first token's last hidden state ([CLS], {@code <s>}) asks
 * for {@link #firstTokenOnly()}: the last layer then computes that row alone, its query attending over
 * every position as before, so the classifier's logits and every gradient are those of the full stack,
 * for three quarters fewer of the last layer's products (an eighth of a 6-layer BERT's). HF computes
 * every row and drops all but one.
 */
final class LayerStack {

    private static final String FIRST_TOKEN_ONLY = "first_token_only";

    private LayerStack() {}

    /** Forward parameters that ask an encoder for its last hidden state at the first token only, (B, 1, E). */
    static PairList<String, Object> firstTokenOnly() {
        return new PairList<>(List.of(FIRST_TOKEN_ONLY), List.of(Boolean.TRUE));
    }

    /** Whether a block's forward parameters ask for the first token only. */
    static boolean firstTokenOnly(PairList<String, Object> params) {
        return params != null && Boolean.TRUE.equals(params.get(FIRST_TOKEN_ONLY));
    }

    /**
     * @param inputs the first layer's input: the hidden state (B, T, E), then what every layer takes
     *     after it (the additive attention mask, or XLNet's relative encodings, segment differences and
     *     mask)
     * @param params the encoder's forward parameters, handed to the last layer when they ask for {@link
     *     #firstTokenOnly()}
     * @return the first hidden state, then each layer's output, each (B, T, E); the last (B, 1, E) when
     *     {@code params} ask for the first token only and a layer is kept
     */
    static NDList run(ParameterStore ps, List<? extends Block> layers, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList context = inputs.subNDList(1);
        NDList states = new NDList(inputs.head());
        for (int i = 0; i < layers.size(); i++) {
            NDList in = new NDList(states.get(states.size() - 1));
            in.addAll(context);
            boolean last = i == layers.size() - 1;
            states.add(layers.get(i).forward(ps, in, training, last && firstTokenOnly(params) ? params : null).head());
        }
        return states;
    }

    /** Every hidden state at every position. */
    static NDList run(ParameterStore ps, List<? extends Block> layers, NDList inputs, boolean training) {
        return run(ps, layers, inputs, training, null);
    }
}
