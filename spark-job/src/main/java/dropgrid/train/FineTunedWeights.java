package dropgrid.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dropgrid.model.HfParameters;
import dropgrid.model.Weights;
import java.util.Map;
import java.util.Set;

/**
 * The current parameters of a live (fine-tuned) model as {@link Weights} under Hugging Face keys, so
 * the model loaders can build a smaller model from a fine-tuned one exactly as from a checkpoint
 * (two-stage cells: fine-tune, drop, fine-tune again). Keys follow the loaders' naming: DJL child names
 * are HF attribute names behind a two-digit position prefix, kept layers keep their original index,
 * and DJL's LayerNorm {@code gamma}/{@code beta} are HF's {@code weight}/{@code bias}. The classifier
 * head is included, so the smaller model starts from the fine-tuned head.
 */
public final class FineTunedWeights implements Weights {

    private final String source;
    private final Map<String, Parameter> parameters;

    private FineTunedWeights(String source, Map<String, Parameter> parameters) {
        this.source = source;
        this.parameters = parameters;
    }

    /** A view of {@code model}'s parameters; values are copied when read, so later training does not leak in. */
    public static FineTunedWeights of(Block model, String source) {
        return new FineTunedWeights(source, HfParameters.of(model));
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public Set<String> names() {
        return parameters.keySet();
    }

    @Override
    public long[] shape(String name) {
        return array(name).getShape().getShape();
    }

    @Override
    public float[] floats(String name) {
        return array(name).toFloatArray();
    }

    private NDArray array(String name) {
        Parameter p = parameters.get(name);
        if (p == null) {
            throw new IllegalArgumentException(source + " has no tensor '" + name + "'");
        }
        return p.getArray();
    }

    @Override
    public void close() {
        // The parameters belong to the model; it frees them.
    }
}
