package dropgrid.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link Tokenizer} that runs a Hugging Face {@code tokenizer.json} in the real HF tokenizers library
 * (Rust, through DJL's JNI binding), so normalisation, pre-tokenisation, the model, the post-processor
 * template and "longest first" truncation are HF's own code.
 *
 * <p>DJL fixes the truncation length when a native tokenizer is built, so this keeps one native
 * tokenizer per {@code maxLength} asked for (usually one or two). One instance may be shared by
 * threads: the native tokenizers are only configured while being built and HF's {@code encode} takes
 * the tokenizer immutably. {@link #close()} frees the native memory; call it once no thread encodes.
 */
final class TokenizerJson implements Tokenizer {

    /** GLUE fine-tuning's usual length (the paper's 128): the first native tokenizer is then the one used. */
    private static final int FIRST_MAX_LENGTH = 128;

    private final String source;
    private final String json;
    private final long padId;
    private final long padTypeId;
    private final PaddingSide paddingSide;
    private final Map<Integer, HuggingFaceTokenizer> byMaxLength = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param source where the JSON came from, for error messages
     * @param json the {@code tokenizer.json} text
     */
    TokenizerJson(String source, String json, long padId, long padTypeId, PaddingSide paddingSide) {
        this.source = source;
        this.json = json;
        this.padId = padId;
        this.padTypeId = padTypeId;
        this.paddingSide = paddingSide;
        // Build one now so a file the library rejects fails at load time, naming the file.
        nativeTokenizer(FIRST_MAX_LENGTH);
    }

    @Override
    public Encoding encode(String textA, String textB, int maxLength) {
        if (textA == null) {
            throw new IllegalArgumentException("textA is null; a sentence is required (textB may be null)");
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength is " + maxLength + "; it must be at least 1");
        }
        HuggingFaceTokenizer tokenizer = nativeTokenizer(maxLength);
        ai.djl.huggingface.tokenizers.Encoding encoding;
        try {
            encoding = textB == null
                    ? tokenizer.encode(textA, true, false)
                    : tokenizer.encode(textA, textB, true, false);
        } catch (RuntimeException e) {
            // The library refuses e.g. a maxLength too short to hold the special tokens.
            throw new IllegalArgumentException(
                    "tokenizer " + source + " cannot encode at maxLength " + maxLength + ": " + e.getMessage(), e);
        }
        long[] ids = encoding.getIds();
        if (ids.length > maxLength) {
            // HF leaves the input uncut when maxLength cannot even hold the special tokens.
            throw new IllegalArgumentException(
                    "maxLength " + maxLength + " is too short for the special tokens of tokenizer " + source
                            + " (" + (textB == null ? "single sentence" : "pair") + " left uncut at " + ids.length
                            + " tokens)");
        }
        return new Encoding(ids, encoding.getTypeIds());
    }

    private HuggingFaceTokenizer nativeTokenizer(int maxLength) {
        if (closed) {
            throw new IllegalStateException("tokenizer " + source + " is closed");
        }
        return byMaxLength.computeIfAbsent(maxLength, this::build);
    }

    private HuggingFaceTokenizer build(int maxLength) {
        String length = Integer.toString(maxLength);
        Map<String, String> options = Map.of(
                "addSpecialTokens", "true",
                "truncation", "LONGEST_FIRST",
                "padding", "false",
                "maxLength", length,
                // DJL clamps maxLength to modelMaxLength (default 512); HF's encode does not.
                "modelMaxLength", length,
                "doLowerCase", "false");
        try (ByteArrayInputStream in = new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))) {
            return HuggingFaceTokenizer.newInstance(in, options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer " + source + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(
                    "the Hugging Face tokenizers library rejects " + source + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long padId() {
        return padId;
    }

    @Override
    public long padTypeId() {
        return padTypeId;
    }

    @Override
    public PaddingSide paddingSide() {
        return paddingSide;
    }

    @Override
    public void close() {
        closed = true;
        byMaxLength.values().forEach(HuggingFaceTokenizer::close);
        byMaxLength.clear();
    }

    @Override
    public String toString() {
        return "TokenizerJson[" + source + "]";
    }
}
