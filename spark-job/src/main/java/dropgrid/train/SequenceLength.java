package dropgrid.train;

import dropgrid.model.BertConfig;
import dropgrid.model.DistilBert;
import dropgrid.model.Roberta;
import dropgrid.model.XLNet;
import java.util.OptionalInt;

/**
 * How many tokens an example may have: the requested {@code max_seq_length}, cut to what the model's
 * position table covers, as HF tokenizers cap {@code model_max_length}. RoBERTa numbers positions from
 * {@code pad_token_id + 1} (fairseq's {@code make_positions}), so its table covers {@code
 * max_position_embeddings - pad_token_id - 1} tokens; XLNet's positions are relative and unbounded.
 */
public final class SequenceLength {

    private SequenceLength() {}

    /** The tokens the model's position table covers, or empty when it has none. */
    public static OptionalInt limit(Object config) {
        if (config instanceof BertConfig bert) {
            return OptionalInt.of(bert.maxPositionEmbeddings());
        }
        if (config instanceof DistilBert.DistilBertConfig distil) {
            return OptionalInt.of(distil.maxPositionEmbeddings());
        }
        if (config instanceof Roberta.RobertaConfig roberta) {
            return OptionalInt.of(roberta.bert().maxPositionEmbeddings() - roberta.padTokenId() - 1);
        }
        if (config instanceof XLNet.XLNetConfig) {
            return OptionalInt.empty();
        }
        throw new IllegalArgumentException("no sequence limit known for " + config.getClass().getSimpleName());
    }

    /** {@code requested}, or the model's limit when that is smaller. */
    public static int of(Object config, int requested) {
        OptionalInt limit = limit(config);
        return limit.isPresent() ? Math.min(requested, limit.getAsInt()) : requested;
    }
}
