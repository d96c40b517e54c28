package dropgrid.drop;

import java.util.Locale;

/** Which tokens a layer's input/output cosine is measured on. */
public enum SimilarityMode {
    /** The [CLS] (summary) token only, as the paper measures contribution. */
    CLS,
    /** Every non-padding token, each token weighing the same (ShortGPT's expectation over tokens). */
    TOKENS;

    /** The spelling in options and the CLI: {@code cls}, {@code tokens}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SimilarityMode parse(String value) {
        for (SimilarityMode m : values()) {
            if (m.id().equalsIgnoreCase(value)) {
                return m;
            }
        }
        throw new IllegalArgumentException("mode = '" + value + "' is not allowed; allowed: cls, tokens");
    }
}
