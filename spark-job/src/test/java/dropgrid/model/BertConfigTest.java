package dropgrid.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BertConfigTest {

    @TempDir Path tmp;

    @Test
    void googleConfigWithoutLayerNormEpsGetsGooglesValue() {
        BertConfig c = BertConfig.read(BertGoldenTest.GOLDEN.resolve("bert-tf/bert_config.json"));
        assertEquals(1e-12, c.layerNormEps());
        assertEquals(4, c.numHiddenLayers());
        assertEquals(0.1, c.classifierDropout());
    }

    @Test
    void hfConfigIgnoresKeysBertDoesNotUse() {
        BertConfig c = BertConfig.read(BertGoldenTest.GOLDEN.resolve("bert-cls/config.json"));
        assertEquals(32, c.hiddenSize());
        assertEquals(16, c.headSize());
    }

    @Test
    void baseIsBertBaseUncased() {
        BertConfig c = BertConfig.base();
        assertEquals(List.of(30522, 768, 12, 12, 3072, 512, 2),
                List.of(c.vocabSize(), c.hiddenSize(), c.numHiddenLayers(), c.numAttentionHeads(),
                        c.intermediateSize(), c.maxPositionEmbeddings(), c.typeVocabSize()));
        assertEquals(1e-12, c.layerNormEps());
    }

    @Test
    void hiddenSizeNotAMultipleOfHeadsIsRejectedWithBothValues() throws IOException {
        Path file = tmp.resolve("config.json");
        Files.writeString(file, BertConfig.base().toJson().toString().replace("\"num_attention_heads\":12",
                "\"num_attention_heads\":7"));
        var e = assertThrows(IllegalArgumentException.class, () -> BertConfig.read(file));
        assertTrue(e.getMessage().contains(file.toString())
                && e.getMessage().contains("hidden_size (768) is not a multiple of num_attention_heads (7)"), e.getMessage());
    }

    @Test
    void missingKeyNamesFileAndKey() throws IOException {
        Path file = tmp.resolve("config.json");
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) BertConfig.base().toJson();
        json.remove("vocab_size");
        Files.writeString(file, json.toString());
        var e = assertThrows(IllegalArgumentException.class, () -> BertConfig.read(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("missing key 'vocab_size'"),
                e.getMessage());
    }

    @Test
    void tanhGeluIsRejectedBecauseHfGeluIsExact() {
        var e = assertThrows(IllegalArgumentException.class, () -> new BertConfig(
                10, 8, 1, 2, 16, "gelu_new", 0.1, 0.1, 16, 2, 1e-12, 0.02, 0.1));
        assertTrue(e.getMessage().contains("gelu_new") && e.getMessage().contains("allowed: gelu"), e.getMessage());
    }

    @Test
    void keptLayersMustBeAscendingAndInRange() {
        BertConfig c = BertConfig.base();
        for (List<Integer> bad : List.of(List.of(2, 1), List.of(0, 12), List.of(-1), List.of(3, 3))) {
            var e = assertThrows(IllegalArgumentException.class, () -> new Bert.BertModel(c, bad));
            assertTrue(e.getMessage().contains(bad.toString()) && e.getMessage().contains("[0, 12)"), e.getMessage());
        }
    }

    @Test
    void halfPrecisionDecodesSubnormalsInfinityAndNaN() {
        assertEquals(1.0f, SafeTensors.halfToFloat((short) 0x3c00));
        assertEquals(-2.0f, SafeTensors.halfToFloat((short) 0xc000));
        assertEquals(65504f, SafeTensors.halfToFloat((short) 0x7bff));
        assertEquals(0x1p-24f, SafeTensors.halfToFloat((short) 0x0001));
        assertEquals(Float.NEGATIVE_INFINITY, SafeTensors.halfToFloat((short) 0xfc00));
        assertTrue(Float.isNaN(SafeTensors.halfToFloat((short) 0x7e00)));
    }
}
