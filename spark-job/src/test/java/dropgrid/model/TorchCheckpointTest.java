package dropgrid.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** pytorch_model.bin in both torch.save formats against torch's own values (make_torch_bin_fixtures.py). */
class TorchCheckpointTest {

    static final Path DIR = Path.of("src/test/resources/torch-bin");

    @ParameterizedTest
    @ValueSource(strings = {"zip", "legacy"})
    void viewsOffsetsStridesAndHalfTypesReadAsTorchHasThem(String format) throws IOException {
        JsonNode expected = new ObjectMapper().readTree(DIR.resolve("views.json").toFile());
        try (TorchCheckpoint weights = TorchCheckpoint.open(DIR.resolve("views-" + format + ".bin"))) {
            for (Map.Entry<String, JsonNode> e : expected.properties()) {
                long[] shape = new ObjectMapper().convertValue(e.getValue().get("shape"), long[].class);
                assertArrayEquals(shape, weights.shape(e.getKey()), e.getKey());
                float[] values = weights.floats(e.getKey());
                assertEquals(e.getValue().get("values").size(), values.length, e.getKey());
                for (int i = 0; i < values.length; i++) {
                    assertEquals((float) e.getValue().get("values").get(i).asDouble(), values[i], 0f, e.getKey() + "[" + i + "]");
                }
            }
            assertArrayEquals(new long[] {1, 7}, weights.shape("position_ids"));
            var e = assertThrows(IllegalArgumentException.class, () -> weights.floats("position_ids"));
            assertTrue(e.getMessage().contains("tensor position_ids is LongStorage, not a floating-point type"),
                    e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"zip", "legacy"})
    void aStateDictEqualsTheSafetensorsOfTheSameModel(String format) {
        try (SafeTensors reference = SafeTensors.open(Path.of("src/test/resources/golden/xlnet-tiny/model.safetensors"));
                PretrainedModels.Checkpoint checkpoint = PretrainedModels.read(DIR.resolve(format))) {
            assertTrue(checkpoint.weights() instanceof TorchCheckpoint, checkpoint.weights().source());
            assertEquals(reference.names(), checkpoint.weights().names());
            for (String name : reference.names()) {
                assertArrayEquals(reference.shape(name), checkpoint.weights().shape(name), name);
                assertArrayEquals(reference.floats(name), checkpoint.weights().floats(name), 0f, name);
            }
            assertEquals(Architecture.XLNET, checkpoint.architecture());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"os\nsystem\n", "builtins\neval\n"})
    void aPickleCallingAnythingButTensorRebuildsIsRefused(String global, @TempDir Path tmp) throws IOException {
        ByteArrayOutputStream pickle = new ByteArrayOutputStream();
        pickle.write(new byte[] {(byte) 0x80, 2, 'c'});
        pickle.write(global.getBytes(StandardCharsets.US_ASCII));
        pickle.write(new byte[] {'X', 4, 0, 0, 0, 'e', 'c', 'h', 'o', (byte) 0x85, 'R', '.'});
        Path file = tmp.resolve("pytorch_model.bin");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            zip.putNextEntry(new ZipEntry("archive/data.pkl"));
            zip.write(pickle.toByteArray());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> TorchCheckpoint.open(file));
        assertEquals(file + ": pickle calls " + global.replace("\n", ".").replaceAll("\\.$", "")
                + "; only state dicts of tensors are read", e.getMessage());
    }
}
