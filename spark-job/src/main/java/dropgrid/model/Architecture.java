package dropgrid.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The encoder families dropgrid can load, fine-tune and drop layers from. */
public enum Architecture {
    BERT,
    DISTILBERT,
    ROBERTA,
    XLNET,
    ALBERT;

    /** The spelling used in specs, result rows and HF {@code model_type}: lower case. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a spec or {@code config.json} value; the error lists the allowed ones. */
    public static Architecture parse(String value) {
        for (Architecture a : values()) {
            if (a.id().equalsIgnoreCase(value)) {
                return a;
            }
        }
        throw new IllegalArgumentException(
                "unknown architecture '" + value + "'; allowed: "
                        + Arrays.stream(values()).map(Architecture::id).collect(Collectors.joining(", ")));
    }
}
