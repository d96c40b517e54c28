package dropgrid.vocabulary;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/** How a cell ended, as the {@code status} column, cell files and JSON output spell it. */
public enum Status {
    OK,
    FAILED;

    /** The spelling in rows and files: {@code ok}, {@code failed}. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The status spelled {@code text}; anything else is an {@link IllegalArgumentException} naming the allowed. */
    @JsonCreator
    public static Status parse(String text) {
        return Arrays.stream(values()).filter(s -> s.id().equals(text)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("status '" + text + "' is not one of "
                        + Arrays.stream(values()).map(Status::id).toList()));
    }
}
