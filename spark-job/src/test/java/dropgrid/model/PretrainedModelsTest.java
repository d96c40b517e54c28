package dropgrid.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Directory layouts the loader recognises, and what it says about the others. */
class PretrainedModelsTest {

    static final Path TF = BertGoldenTest.GOLDEN.resolve("bert-tf");
    static final String QUERY = "bert.encoder.layer.1.attention.self.query.weight";

    @TempDir Path tmp;

    @Test
    void anEasyBertZipUnpackedAsIsLoadsLikeTheGoogleLayout() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("easy/variables"));
        Files.copy(TF.resolve("bert_model.ckpt.index"), dir.resolve("variables.index"));
        Files.copy(TF.resolve("bert_model.ckpt.data-00000-of-00001"), dir.resolve("variables.data-00000-of-00001"));
        Files.copy(TF.resolve("bert_config.json"), dir.getParent().resolve("bert_config.json"));
        try (NDManager m = NDManager.newBaseManager()) {
            var google = PretrainedModels.load(TF, List.of(1, 3), 3, 0.1, m);
            var easy = PretrainedModels.load(dir.getParent(), List.of(1, 3), 3, 0.1, m);
            assertEquals(Architecture.BERT, easy.architecture());
            assertEquals(4, easy.depth());
            assertArrayEquals(HfParameters.of(google.classifier()).get(QUERY).getArray().toFloatArray(),
                    HfParameters.of(easy.classifier()).get(QUERY).getArray().toFloatArray());
        }
    }

    @Test
    void keptLayersSetTheParameterCounts() {
        try (NDManager m = NDManager.newBaseManager()) {
            var all = PretrainedModels.load(TF, List.of(0, 1, 2, 3), 3, 0.1, m);
            var two = PretrainedModels.load(TF, List.of(1, 3), 3, 0.1, m);
            // Hand count for E = 32, I = 64: 4·(32·32 + 32) + (32·64 + 64) + (64·32 + 32) + 2·2·32 per layer;
            // embeddings: (68 words + 32 positions + 2 types)·32 + LayerNorm 2·32.
            long perLayer = 4 * (32 * 32 + 32) + (32 * 64 + 64) + (64 * 32 + 32) + 2 * 2 * 32;
            long embeddings = (68 + 32 + 2) * 32 + 2 * 32;
            assertEquals(embeddings + 4 * perLayer, all.params().encoder());
            assertEquals(embeddings + 2 * perLayer, two.params().encoder());
            assertEquals(2 * perLayer, all.params().total() - two.params().total());
        }
    }

    @Test
    void aTfCheckpointWithoutBertConfigSaysWhatIsMissing() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("noconfig"));
        Files.copy(TF.resolve("bert_model.ckpt.index"), dir.resolve("bert_model.ckpt.index"));
        var e = assertThrows(IllegalArgumentException.class, () -> PretrainedModels.read(dir));
        assertTrue(e.getMessage().contains("bert_model.ckpt.index") && e.getMessage().contains("no bert_config.json"),
                e.getMessage());
    }

    @Test
    void anUnknownLayoutListsTheKnownOnes() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("empty"));
        var e = assertThrows(IllegalArgumentException.class, () -> PretrainedModels.read(dir));
        assertTrue(e.getMessage().contains("no known layout") && e.getMessage().contains("model.safetensors"), e.getMessage());
    }

    @Test
    void anUnknownModelTypeNamesTheFileAndTheAllowedOnes() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("gpt2"));
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gpt2\"}");
        Files.write(dir.resolve("model.safetensors"), new byte[0]);
        var e = assertThrows(IllegalArgumentException.class, () -> PretrainedModels.read(dir));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("gpt2")
                && e.getMessage().contains("bert"), e.getMessage());
    }
}
