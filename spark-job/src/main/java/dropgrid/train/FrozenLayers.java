package dropgrid.train;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dropgrid.model.HfParameters;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Freezes transformer layers of a model before fine-tuning: their parameters take no gradient, so the
 * optimiser neither updates nor decays them (as {@code requires_grad = False} in PyTorch). The paper's
 * fine-tune-then-drop models froze the layers that were to be dropped during the first fine-tuning.
 */
public final class FrozenLayers {

    /** The original layer index in every architecture's HF key ({@code bert.encoder.layer.7.}, {@code transformer.layer.3.}). */
    private static final Pattern LAYER = Pattern.compile("(?:^|\\.)layer\\.(\\d+)\\.");

    private FrozenLayers() {}

    /**
     * Freezes every parameter of the layers with these original indices.
     *
     * @return the HF keys of the frozen parameters, in model order
     * @throws IllegalArgumentException when a layer index names no layer of the model
     */
    public static List<String> freeze(Block model, Collection<Integer> layers) {
        List<String> frozen = new ArrayList<>();
        List<Integer> found = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : HfParameters.of(model).entrySet()) {
            Matcher m = LAYER.matcher(e.getKey());
            if (m.find() && layers.contains(Integer.parseInt(m.group(1)))) {
                e.getValue().freeze(true);
                frozen.add(e.getKey());
                found.add(Integer.parseInt(m.group(1)));
            }
        }
        List<Integer> missing = layers.stream().filter(l -> !found.contains(l)).sorted().toList();
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("cannot freeze layer(s) " + missing + ": the model has no parameters"
                    + " under layer.<index> for them");
        }
        return frozen;
    }
}
