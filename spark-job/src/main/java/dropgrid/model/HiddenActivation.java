package dropgrid.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The feed-forward non-linearities named in HF {@code config.json} ({@code activation} in DistilBERT,
 * {@code ff_activation} in XLNet, {@code hidden_act} in ALBERT).
 */
public enum HiddenActivation {
    /** HF's {@code "gelu"}: exact, with erf (Google's BERT used the tanh approximation). */
    GELU("gelu"),
    /** HF's {@code "gelu_new"}: the tanh approximation, 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))), ALBERT's. */
    GELU_NEW("gelu_new"),
    RELU("relu");

    private final String hfName;

    HiddenActivation(String hfName) {
        this.hfName = hfName;
    }

    public NDArray apply(NDArray x) {
        return switch (this) {
            case GELU -> Activation.gelu(x);
            case GELU_NEW -> {
                NDArray inner = x.pow(Scalars.like(x, 3)).mul(Scalars.like(x, 0.044715)).add(x)
                        .mul(Scalars.like(x, Math.sqrt(2 / Math.PI)));
                yield inner.tanh().add(Scalars.like(x, 1)).mul(x).mul(Scalars.like(x, 0.5));
            }
            case RELU -> Activation.relu(x);
        };
    }

    /** Parses a {@code config.json} value; {@code key} names the field for the error. */
    public static HiddenActivation parse(String key, String value) {
        for (HiddenActivation a : values()) {
            if (a.hfName.equals(value)) {
                return a;
            }
        }
        throw new IllegalArgumentException(key + " '" + value + "' is not supported; allowed: "
                + Arrays.stream(values()).map(a -> a.hfName).collect(Collectors.joining(", ")));
    }
}
