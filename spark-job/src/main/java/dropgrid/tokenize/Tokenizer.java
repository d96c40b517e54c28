package dropgrid.tokenize;

/**
 * Text to ids exactly as the model's Hugging Face tokenizer does it: special tokens, token types and
 * "longest first" truncation, without padding (batches pad themselves, to their own longest row).
 */
public interface Tokenizer extends AutoCloseable {

    /** Which side padding goes: XLNet pads on the left so its summary token stays last. */
    enum PaddingSide { LEFT, RIGHT }

    /**
     * One encoded example.
     *
     * @param ids token ids with special tokens
     * @param typeIds token-type (segment) ids, same length
     */
    record Encoding(long[] ids, long[] typeIds) {
        public Encoding {
            if (ids.length != typeIds.length) {
                throw new IllegalArgumentException(
                        "ids (" + ids.length + ") and type ids (" + typeIds.length + ") differ in length");
            }
        }

        public int length() {
            return ids.length;
        }
    }

    /**
     * Encodes a sentence or a pair.
     *
     * @param textA first sentence
     * @param textB second sentence or {@code null}
     * @param maxLength total length cap, special tokens included
     */
    Encoding encode(String textA, String textB, int maxLength);

    long padId();

    /** The token type padding positions get (0 for BERT; XLNet uses its own pad segment). */
    long padTypeId();

    PaddingSide paddingSide();

    @Override
    void close();
}
