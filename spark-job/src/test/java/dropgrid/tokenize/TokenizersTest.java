package dropgrid.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dropgrid.model.Architecture;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class TokenizersTest {

    static final Path RESOURCES = Path.of("src/test/resources/tokenizers");

    @Test
    void bertVocabTxtLowerCasesStripsAccentsAndMarksTheSecondSegment() {
        // Reference: transformers 5.24 BertTokenizerFast.from_pretrained(dir with this vocab.txt)
        try (Tokenizer tokenizer = Tokenizers.load(RESOURCES.resolve("bert-base-uncased"), Architecture.BERT)) {
            Tokenizer.Encoding e = tokenizer.encode("Hello World Café", "second one", 128);
            assertArrayEquals(new long[] {101, 7592, 2088, 7668, 102, 2117, 2028, 102}, e.ids());
            assertArrayEquals(new long[] {0, 0, 0, 0, 0, 1, 1, 1}, e.typeIds());
            assertEquals(0, tokenizer.padId());
        }
    }
}
