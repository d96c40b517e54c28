package dropgrid.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dropgrid.model.Architecture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizersTest {

    static final Path RESOURCES = Path.of("src/test/resources/tokenizers");
    static final Path UNCASED_VOCAB = RESOURCES.resolve("bert-base-uncased").resolve("vocab.txt");

    // References: transformers 5.24 BertTokenizerFast.from_pretrained(dir with the bert-base-uncased
    // vocab.txt, do_lower_case=...)(["Hello world"], ["Ça va"]).
    static final long[] LOWER_CASED = {101, 7592, 2088, 102, 6187, 12436, 102};
    static final long[] KEPT_CASE = {101, 100, 2088, 102, 100, 12436, 102};
    static final long[] PAIR_TYPES = {0, 0, 0, 0, 1, 1, 1};

    @TempDir
    Path tmp;

    @Test
    void bertVocabTxtLowerCasesStripsAccentsAndMarksTheSecondSegment() {
        try (Tokenizer tokenizer = Tokenizers.load(RESOURCES.resolve("bert-base-uncased"), Architecture.BERT)) {
            Tokenizer.Encoding e = tokenizer.encode("Hello World Café", "second one", 128);
            assertArrayEquals(new long[] {101, 7592, 2088, 7668, 102, 2117, 2028, 102}, e.ids());
            assertArrayEquals(new long[] {0, 0, 0, 0, 0, 1, 1, 1}, e.typeIds());
            assertEquals(0, tokenizer.padId());
            assertEquals(0, tokenizer.padTypeId());
            assertEquals(Tokenizer.PaddingSide.RIGHT, tokenizer.paddingSide());
        }
    }

    @Test
    void easyBertAssetsTakeTheirCasingFromModelJson() throws IOException {
        Path assets = Files.createDirectories(tmp.resolve("model").resolve("assets"));
        Files.copy(UNCASED_VOCAB, assets.resolve("vocab.txt"));
        Files.writeString(assets.resolve("model.json"), "{\"doLowerCase\": false, \"maxSequenceLength\": 128}");
        assertArrayEquals(KEPT_CASE, encodeHelloPair(Tokenizers.load(tmp.resolve("model"), Architecture.BERT)));
        Files.writeString(assets.resolve("model.json"), "{\"doLowerCase\": true}");
        assertArrayEquals(LOWER_CASED, encodeHelloPair(Tokenizers.load(tmp.resolve("model"), Architecture.BERT)));
    }

    @Test
    void vocabOnlyDirectoryNameDecidesCasingUnlessToldExplicitly() throws IOException {
        Path cased = Files.createDirectories(tmp.resolve("bert-base-cased"));
        Files.copy(UNCASED_VOCAB, cased.resolve("vocab.txt"));
        assertArrayEquals(KEPT_CASE, encodeHelloPair(Tokenizers.load(cased, Architecture.BERT)));
        assertArrayEquals(LOWER_CASED, encodeHelloPair(Tokenizers.load(cased, Architecture.BERT, true)));
        Path uncased = Files.createDirectories(tmp.resolve("bert-base-uncased"));
        Files.copy(UNCASED_VOCAB, uncased.resolve("vocab.txt"));
        assertArrayEquals(LOWER_CASED, encodeHelloPair(Tokenizers.load(uncased, Architecture.DISTILBERT)));
    }

    private static long[] encodeHelloPair(Tokenizer tokenizer) {
        try (tokenizer) {
            Tokenizer.Encoding e = tokenizer.encode("Hello world", "Ça va", 64);
            assertArrayEquals(PAIR_TYPES, e.typeIds());
            return e.ids();
        }
    }

    @Test
    void missingDirectoryIsNamed() {
        Path missing = tmp.resolve("no-such-model");
        var e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.load(missing, Architecture.BERT));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    @Test
    void directoryWithoutTokenizerFilesNamesTheFilesLookedFor() {
        var bert = assertThrows(IllegalArgumentException.class, () -> Tokenizers.load(tmp, Architecture.BERT));
        assertTrue(bert.getMessage().contains(tmp.toString()), bert.getMessage());
        assertTrue(bert.getMessage().contains("tokenizer.json") && bert.getMessage().contains("vocab.txt"),
                bert.getMessage());
        var xlnet = assertThrows(IllegalArgumentException.class, () -> Tokenizers.load(tmp, Architecture.XLNET));
        assertTrue(xlnet.getMessage().contains(tmp.toString()) && xlnet.getMessage().contains("tokenizer.json"),
                xlnet.getMessage());
    }

    @Test
    void robertaDirectoryWithOnlyAVocabTxtIsRefused() throws IOException {
        Files.copy(UNCASED_VOCAB, tmp.resolve("vocab.txt"));
        var e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.load(tmp, Architecture.ROBERTA));
        assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
    }

    @Test
    void tokenizerJsonThatIsNotJsonNamesThePath() throws IOException {
        Path file = Files.writeString(tmp.resolve("tokenizer.json"), "{\"model\": [1, 2");
        var e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.load(tmp, Architecture.ROBERTA));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void tokenizerJsonTheLibraryRejectsNamesThePath() throws IOException {
        Path file = Files.writeString(tmp.resolve("tokenizer.json"),
                "{\"added_tokens\": [{\"id\": 0, \"content\": \"<pad>\"}], \"model\": {\"type\": \"NoSuchModel\"}}");
        var e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.load(tmp, Architecture.ROBERTA));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }

    @Test
    void tokenizerJsonWithoutThePadTokenNamesPathAndToken() throws IOException {
        Path file = tmp.resolve("tokenizer.json");
        Files.copy(RESOURCES.resolve("distilbert").resolve("tokenizer.json"), file);
        var e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.load(tmp, Architecture.XLNET));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("<pad>"), e.getMessage());
    }

    @Test
    void unreadableTokenizerJsonNamesThePath() throws IOException {
        Path file = Files.createDirectories(tmp.resolve("tokenizer.json").resolve("is-a-directory"));
        Files.copy(UNCASED_VOCAB, tmp.resolve("vocab.txt"));
        // A tokenizer.json that is not a file must not silently fall back to vocab.txt.
        var e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.load(tmp, Architecture.BERT));
        assertTrue(e.getMessage().contains(file.getParent().toString()), e.getMessage());
    }

    @Test
    void vocabularyWithoutSpecialTokensNamesTheFile() throws IOException {
        Path vocab = Files.writeString(tmp.resolve("vocab.txt"), "[PAD]\nhello\nworld\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Tokenizers.load(tmp, Architecture.BERT));
        assertTrue(e.getMessage().contains(vocab.toString()) && e.getMessage().contains("[UNK]"), e.getMessage());
    }

    @Test
    void nonPositiveMaxLengthIsRefused() {
        try (Tokenizer tokenizer = Tokenizers.load(RESOURCES.resolve("roberta"), Architecture.ROBERTA)) {
            var e = assertThrows(IllegalArgumentException.class, () -> tokenizer.encode("a", null, 0));
            assertTrue(e.getMessage().contains("maxLength"), e.getMessage());
        }
    }

    @Test
    void maxLengthTooShortForTheSpecialTokensIsRefused() {
        try (Tokenizer tokenizer = Tokenizers.load(RESOURCES.resolve("roberta"), Architecture.ROBERTA)) {
            // <s> A </s></s> B </s> has four special tokens; HF returns the pair uncut below that.
            assertEquals(4, tokenizer.encode("a b c", "d e", 4).length());
            var e = assertThrows(IllegalArgumentException.class, () -> tokenizer.encode("a b c", "d e", 3));
            assertTrue(e.getMessage().contains("maxLength 3"), e.getMessage());
        }
    }

    @Test
    void threadsSharingOneTokenizerGetTheSameEncodingsAsOneThread() throws Exception {
        List<HuggingFaceGoldensTest.Input> inputs = HuggingFaceGoldensTest.inputs();
        try (Tokenizer tokenizer = Tokenizers.load(RESOURCES.resolve("xlnet"), Architecture.XLNET)) {
            List<long[]> sequential = new ArrayList<>();
            for (var input : inputs) {
                sequential.add(tokenizer.encode(input.textA(), input.textB(), 48).ids());
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Boolean>> runs = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    // A new max length per thread also exercises building native tokenizers concurrently.
                    int maxLength = 48 + t;
                    runs.add(pool.submit(() -> {
                        for (int i = 0; i < inputs.size(); i++) {
                            var input = inputs.get(i);
                            long[] again = tokenizer.encode(input.textA(), input.textB(), 48).ids();
                            tokenizer.encode(input.textA(), input.textB(), maxLength);
                            if (!Arrays.equals(sequential.get(i), again)) {
                                return false;
                            }
                        }
                        return true;
                    }));
                }
                for (Future<Boolean> run : runs) {
                    assertTrue(run.get());
                }
            } finally {
                pool.shutdown();
            }
        }
    }
}
