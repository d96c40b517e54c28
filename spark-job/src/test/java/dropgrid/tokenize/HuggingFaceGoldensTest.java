package dropgrid.tokenize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dropgrid.model.Architecture;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every tokenizer against the ids and token types transformers gives for the same 600 GLUE sentences,
 * pairs and edge cases at max lengths 32 (over half truncate) and 128; fixtures from
 * {@code src/test/python/make_tokenizer_goldens.py}.
 */
class HuggingFaceGoldensTest {

    private static final Path DIR = Path.of("src/test/resources/tokenizers");
    private static final ObjectMapper JSON = new ObjectMapper();

    record Input(String task, String textA, String textB) {}

    static List<Input> inputs() throws IOException {
        List<Input> inputs = new ArrayList<>();
        for (JsonNode row : JSON.readTree(DIR.resolve("inputs.json").toFile())) {
            inputs.add(new Input(row.get("task").asText(), row.get("textA").asText(),
                    row.get("textB").isNull() ? null : row.get("textB").asText()));
        }
        return inputs;
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "bert-base-uncased, BERT, RIGHT",
        "bert-cased, BERT, RIGHT",
        "distilbert, DISTILBERT, RIGHT",
        "roberta, ROBERTA, RIGHT",
        "xlnet, XLNET, LEFT",
        "albert, ALBERT, RIGHT"
    })
    void idsAndTokenTypesEqualHuggingFaceOnEveryInput(String name, Architecture architecture, Tokenizer.PaddingSide side)
            throws IOException {
        List<Input> inputs = inputs();
        JsonNode golden = JSON.readTree(DIR.resolve(name).resolve("goldens.json").toFile());
        List<String> mismatches = new ArrayList<>();
        int compared = 0;
        int truncatedPairs = 0;
        try (Tokenizer tokenizer = Tokenizers.load(DIR.resolve(name), architecture)) {
            assertEquals(golden.get("padId").asLong(), tokenizer.padId(), "pad id");
            assertEquals(side, tokenizer.paddingSide());
            for (Map.Entry<String, JsonNode> byLength : golden.get("maxLengths").properties()) {
                int maxLength = Integer.parseInt(byLength.getKey());
                JsonNode expected = byLength.getValue();
                assertEquals(inputs.size(), expected.size(), "golden rows at max length " + maxLength);
                for (int i = 0; i < inputs.size(); i++) {
                    Input input = inputs.get(i);
                    long[] ids = longs(expected.get(i).get("ids"));
                    long[] typeIds = expected.get(i).get("typeIds").asText().chars().mapToLong(c -> c - '0').toArray();
                    Tokenizer.Encoding actual = tokenizer.encode(input.textA(), input.textB(), maxLength);
                    compared++;
                    if (input.textB() != null && ids.length == maxLength) {
                        truncatedPairs++;
                    }
                    if (!Arrays.equals(ids, actual.ids()) || !Arrays.equals(typeIds, actual.typeIds())) {
                        mismatches.add(input + " at " + maxLength + ": expected " + Arrays.toString(ids) + " / "
                                + Arrays.toString(typeIds) + " got " + Arrays.toString(actual.ids()) + " / "
                                + Arrays.toString(actual.typeIds()));
                    }
                }
            }
        }
        assertEquals(2 * 600, compared);
        assertTrue(truncatedPairs > 100, "pairs cut to max length: " + truncatedPairs);
        assertEquals(List.of(), mismatches.subList(0, Math.min(5, mismatches.size())),
                mismatches.size() + " of " + compared + " encodings differ from Hugging Face");
    }

    @Test
    void xlnetPadsOnTheLeftWithItsOwnPadSegment() {
        try (Tokenizer tokenizer = Tokenizers.load(DIR.resolve("xlnet"), Architecture.XLNET)) {
            // transformers 4's XLNetTokenizer.pad_token_type_id; <cls> has type 2, so pads need a fourth.
            assertEquals(3, tokenizer.padTypeId());
            assertEquals(Tokenizer.PaddingSide.LEFT, tokenizer.paddingSide());
        }
    }

    private static long[] longs(JsonNode array) {
        long[] values = new long[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).asLong();
        }
        return values;
    }
}
