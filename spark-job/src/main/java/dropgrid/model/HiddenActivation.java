package dropgrid.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The feed-forward non-linearities named in HF {@code config.json} ({@code activation} in DistilBERT,
 * {@code ff_activation} in XLNet).
 */
public enum HiddenActivation {
    /** HF's {@code "gelu"}: exact, with erf (Google's BERT used the tanh approximation). */
    GELU("gelu"),
    RELU("relu");

    private final String hfName;

    HiddenActivation(String hfName) {
        this.hfName = hfName;
    }

    public NDArray apply(NDArray x) {
        return switch (this) {
            case GELU -> Activation.gelu(x);
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
