package dropgrid.model;

import dropgrid.kernels.Activation;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The feed-forward non-linearities named in HF {@code config.json} ({@code activation} in DistilBERT,
 * {@code ff_activation} in XLNet, {@code hidden_act} in ALBERT).
 */
public enum HiddenActivation {
    /** HF's {@code "gelu"}: exact, with erf (Google's BERT used the tanh approximation). */
    GELU("gelu", Activation.GELU),
    /** HF's {@code "gelu_new"}: the tanh approximation, ALBERT's. */
    GELU_NEW("gelu_new", Activation.GELU_TANH),
    RELU("relu", Activation.RELU);

    private final String hfName;
    private final Activation kernel;

    HiddenActivation(String hfName, Activation kernel) {
        this.hfName = hfName;
        this.kernel = kernel;
    }

    /** The activation as the feed-forward block computes it. */
    public Activation kernel() {
        return kernel;
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
