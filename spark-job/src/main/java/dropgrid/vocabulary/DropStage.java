package dropgrid.vocabulary;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;

/**
 * When the layers of a cell are dropped (paper §6.4 "layer dropping on fine-tuned models"). The
 * constant names are part of every cell id ({@code Cell.canonical()}): never rename them.
 */
public enum DropStage {
    /** Drop from the pre-trained model, then fine-tune once (the paper's main setting). */
    PRETRAINED,
    /** Fine-tune the full model, drop from the fine-tuned model, fine-tune again ("BERT-FT-6"). */
    FINETUNED;

    /** The spelling in rows, files and on the command line: {@code pretrained}, {@code finetuned}. */
    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The stage spelled {@code text}; anything else is an {@link IllegalArgumentException} naming the allowed. */
    @JsonCreator
    public static DropStage parse(String text) {
        return Arrays.stream(values()).filter(s -> s.id().equals(text)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("drop stage '" + text + "' is not one of "
                        + Arrays.stream(values()).map(DropStage::id).toList()));
    }
}
