package dropgrid.model;

import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.List;

/**
 * An encoder's kept layers applied bottom-up with every hidden state kept, as HF's encoders do with
 * {@code output_hidden_states=True}: what {@link Encoder#hiddenStates} returns for every architecture.
 */
final class LayerStack {

    private LayerStack() {}

    /**
     * @param inputs the first layer's input: the hidden state (B, T, E), then what every layer takes
     *     after it (the additive attention mask, or XLNet's relative encodings, segment differences and
     *     mask)
     * @return the first hidden state, then each layer's output, each (B, T, E)
     */
    static NDList run(ParameterStore ps, List<? extends Block> layers, NDList inputs, boolean training) {
        NDList context = inputs.subNDList(1);
        NDList states = new NDList(inputs.head());
        for (Block layer : layers) {
            NDList in = new NDList(states.get(states.size() - 1));
            in.addAll(context);
            states.add(layer.forward(ps, in, training).head());
        }
        return states;
    }
}
