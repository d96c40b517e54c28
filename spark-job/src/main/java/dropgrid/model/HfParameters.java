package dropgrid.model;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model's parameters under their Hugging Face keys ({@code bert.encoder.layer.7.attention.self.query.weight}),
 * built from the block tree: every block here is added under its HF attribute name, so the path of
 * child names is the key. What {@link TensorBinding}s bind and {@code FineTunedWeights} exposes.
 */
public final class HfParameters {

    private HfParameters() {}

    /**
     * Every parameter of {@code model} under its HF key, in block order. DJL's LayerNorm {@code
     * gamma}/{@code beta} are HF's {@code weight}/{@code bias}.
     */
    public static Map<String, Parameter> of(Block model) {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect(model, "", out);
        return out;
    }

    private static void collect(Block block, String prefix, Map<String, Parameter> out) {
        for (var p : block.getDirectParameters()) {
            String name = switch (p.getKey()) {
                case "gamma" -> "weight";
                case "beta" -> "bias";
                default -> p.getKey();
            };
            out.put(prefix + name, p.getValue());
        }
        for (var child : block.getChildren()) {
            // DJL prefixes child names with their two-digit position ("01embeddings").
            collect(child.getValue(), prefix + child.getKey().substring(2) + ".", out);
        }
    }

    /**
     * Loads a model whose checkpoint keys are its HF keys (DistilBERT, RoBERTa, XLNet): each parameter's
     * key, or the key without the base-model prefix (HF base-model checkpoints drop it). Tensors the
     * model does not use (LM heads, XLNet's {@code mask_emb}, the dropped layers) are ignored; the head
     * is optional.
     *
     * @param basePrefix the base model's attribute ({@code "distilbert."})
     * @param headPrefixes the head's attributes ({@code "classifier."})
     * @return whether the whole classification head came from the checkpoint
     */
    static boolean loadByKey(Block model, Weights weights, String basePrefix, List<String> headPrefixes) {
        List<TensorBinding> bindings = new ArrayList<>();
        List<String> headKeys = new ArrayList<>();
        for (Map.Entry<String, Parameter> e : of(model).entrySet()) {
            String key = e.getKey();
            boolean head = headPrefixes.stream().anyMatch(key::startsWith);
            List<String> names = key.startsWith(basePrefix)
                    ? List.of(key, key.substring(basePrefix.length()))
                    : List.of(key);
            bindings.add(new TensorBinding(key, e.getValue(), names, Set.of(), !head));
            if (head) {
                headKeys.add(key);
            }
        }
        return TensorBinding.loadAll(weights, bindings).containsAll(headKeys);
    }
}
