package dropgrid.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class XLNetTest {

    @Test
    void relShiftPutsRelativeDistanceIMinusJAtRowIColumnJ() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // T = 2; columns are distances 2, 1, 0, -1; the entry (i, column c) is 10 i + c
            NDArray scores = manager.create(new float[] {0, 1, 2, 3, 10, 11, 12, 13}, new Shape(1, 1, 2, 4));
            // (i, j) must hold column T - (i - j): columns 2, 3 in row 0 and 1, 2 in row 1
            assertArrayEquals(new float[] {2, 3, 11, 12}, XLNet.relShift(scores, 2).toFloatArray());
        }
    }

    @Test
    void relativeEncodingClampsDistancesBeyondClampLen() {
        XLNet.XLNetConfig config = new XLNet.XLNetConfig(10, 4, 1, 1, 4, 8, HiddenActivation.GELU, 1e-12f, 0f, 1, 0f, 0.02);
        try (NDManager manager = NDManager.newBaseManager()) {
            // distances 3, 2, 1, 0, -1, -2 clamp to 1, 1, 1, 0, -1, -1; inverse frequencies 1 and 1/100
            float[] e = XLNet.relativePositionalEncoding(manager, 3, config).toFloatArray();
            float sin1 = (float) Math.sin(1);
            float sin001 = (float) Math.sin(0.01);
            float cos1 = (float) Math.cos(1);
            float cos001 = (float) Math.cos(0.01);
            float[] one = {sin1, sin001, cos1, cos001};
            float[] zero = {0, 0, 1, 1};
            float[] minusOne = {-sin1, -sin001, cos1, cos001};
            float[][] expected = {one, one, one, zero, minusOne, minusOne};
            for (int row = 0; row < 6; row++) {
                assertArrayEquals(expected[row], Arrays.copyOfRange(e, 4 * row, 4 * row + 4), 1e-6f, "row " + row);
            }
        }
    }

    @Test
    void extraLeftPaddingLeavesTheLastTokenSummaryUnchanged() {
        ArchGolden golden = ArchGolden.read("xlnet");
        try (NDManager manager = NDManager.newBaseManager()) {
            SequenceClassifier model = PretrainedModels.load(
                    ArchGolden.directory("xlnet"), List.of(0, 1, 2, 3), 3, 0.1, manager).classifier();
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray padded = model.forward(ps, golden.batches().get("pairs").toNDList(manager), false).head();
            NDArray morePadded =
                    model.forward(ps, golden.batches().get("pairs_more_padding").toNDList(manager), false).head();
            double diff = padded.sub(morePadded).abs().max().getFloat();
            System.err.println("xlnet logits, 12 vs 16 tokens of left padding: max diff " + diff);
            assertTrue(diff < 1e-5, "max diff " + diff);
        }
    }

    @Test
    void unsupportedAttentionTypeIsRejectedNamingFileAndKey(@TempDir Path dir) throws IOException {
        Path source = ArchGolden.directory("xlnet");
        Files.copy(source.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        String config = Files.readString(source.resolve("config.json"));
        Files.writeString(dir.resolve("config.json"), config.replace("\"attn_type\": \"bi\"", "\"attn_type\": \"uni\""));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PretrainedModels.read(dir));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains("attn_type")
                && e.getMessage().contains("uni"), e.getMessage());
    }

    @Test
    void missingKeptLayerTensorIsNamedWithTheFile(@TempDir Path dir) throws IOException {
        Path source = ArchGolden.directory("xlnet");
        Files.copy(source.resolve("config.json"), dir.resolve("config.json"));
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        try (SafeTensors weights = SafeTensors.open(source.resolve("model.safetensors"))) {
            for (String name : weights.names()) {
                if (!name.equals("transformer.layer.2.rel_attn.r_s_bias")) {
                    tensors.put(name, new SafeTensors.Tensor(weights.shape(name), weights.floats(name)));
                }
            }
        }
        SafeTensors.write(dir.resolve("model.safetensors"), tensors);
        try (NDManager manager = NDManager.newBaseManager()) {
            // layer 2 dropped: its tensors are never needed
            assertEquals(List.of(0, 1, 3),
                    PretrainedModels.load(dir, List.of(0, 1, 3), 3, 0.1, manager).keptLayers());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PretrainedModels.load(dir, List.of(1, 2), 3, 0.1, manager));
            assertTrue(e.getMessage().contains("model.safetensors")
                    && e.getMessage().contains("transformer.layer.2.rel_attn.r_s_bias"), e.getMessage());
        }
    }
}
