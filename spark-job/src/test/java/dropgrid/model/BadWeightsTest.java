package dropgrid.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every kind of bad checkpoint fails with a message naming the file and the tensor. */
class BadWeightsTest {

    static final List<Integer> ALL = List.of(0, 1, 2, 3);
    static final String QUERY = "bert.encoder.layer.2.attention.self.query.weight";
    static final String TF_QUERY = "bert/encoder/layer_2/attention/self/query/kernel";

    @TempDir Path tmp;

    @Test
    void missingTensorNamesFileAndTensor() throws IOException {
        Path dir = hfCopy();
        Map<String, SafeTensors.Tensor> tensors = readAll(dir.resolve("model.safetensors"));
        tensors.remove(QUERY);
        SafeTensors.write(dir.resolve("model.safetensors"), tensors);
        String message = loadFails(dir);
        assertTrue(message.contains("model.safetensors") && message.contains("missing tensor " + QUERY), message);
    }

    @Test
    void droppedLayersNeedNotBeInTheCheckpoint() throws IOException {
        Path dir = hfCopy();
        Map<String, SafeTensors.Tensor> tensors = readAll(dir.resolve("model.safetensors"));
        tensors.keySet().removeIf(k -> k.startsWith("bert.encoder.layer.2."));
        SafeTensors.write(dir.resolve("model.safetensors"), tensors);
        try (NDManager m = NDManager.newBaseManager()) {
            var loaded = PretrainedModels.load(dir, List.of(0, 1, 3), 3, 0.1, m);
            assertTrue(loaded.keptLayers().equals(List.of(0, 1, 3)));
        }
    }

    @Test
    void aHeadForAnotherNumberOfOutputsStaysFreshWhileTheBodyLoads() throws IOException {
        try (NDManager m = NDManager.newBaseManager()) {
            var loaded = PretrainedModels.load(BertGoldenTest.GOLDEN.resolve("bert-cls"), ALL, 2, 0.1, m);
            assertTrue(!loaded.headFromCheckpoint());
            float[] stored = readAll(BertGoldenTest.GOLDEN.resolve("bert-cls/model.safetensors")).get(QUERY).values();
            assertArrayEquals(stored, HfParameters.of(loaded.classifier()).get(QUERY).getArray().toFloatArray());
        }
    }

    @Test
    void shapeMismatchNamesFileTensorAndBothShapes() throws IOException {
        Path dir = hfCopy();
        Map<String, SafeTensors.Tensor> tensors = readAll(dir.resolve("model.safetensors"));
        tensors.put(QUERY, new SafeTensors.Tensor(new long[] {32, 16}, new float[32 * 16]));
        SafeTensors.write(dir.resolve("model.safetensors"), tensors);
        String message = loadFails(dir);
        assertTrue(message.contains("model.safetensors") && message.contains(QUERY)
                && message.contains("(32, 16)") && message.contains("(32, 32)"), message);
    }

    @Test
    void truncatedSafetensorsNamesFileAndTensor() throws IOException {
        Path dir = hfCopy();
        Path file = dir.resolve("model.safetensors");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() - 100);
        }
        String message = loadFails(dir);
        assertTrue(message.contains("model.safetensors") && message.contains("truncated file: tensor "), message);
    }

    @Test
    void truncatedTfDataFileNamesFileAndTensor() throws IOException {
        Path dir = tfCopy();
        Path data = dir.resolve("bert_model.ckpt.data-00000-of-00001");
        try (RandomAccessFile f = new RandomAccessFile(data.toFile(), "rw")) {
            f.setLength(f.length() - 10);
        }
        String message = loadFails(dir);
        assertTrue(message.contains("bert_model.ckpt.data-00000-of-00001") && message.contains("truncated file: tensor "),
                message);
    }

    @Test
    void badCrcNamesFileAndTensorAndLeavesTheModelUntouched() throws IOException {
        Path dir = tfCopy();
        long offset;
        try (TfCheckpoint ckpt = TfCheckpoint.open(dir.resolve("bert_model.ckpt.index"))) {
            offset = -1;
            // The tensor's first byte: found by value, independent of the reader's offset bookkeeping.
            float first = ckpt.floats(TF_QUERY)[0];
            byte[] data = Files.readAllBytes(dir.resolve("bert_model.ckpt.data-00000-of-00001"));
            ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i + 4 <= data.length && offset < 0; i += 4) {
                if (b.getFloat(i) == first) {
                    offset = i;
                }
            }
        }
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("bert_model.ckpt.data-00000-of-00001").toFile(), "rw")) {
            f.seek(offset);
            int x = f.read();
            f.seek(offset);
            f.write(x ^ 0x01);
        }
        try (NDManager m = NDManager.newBaseManager();
                TfCheckpoint ckpt = TfCheckpoint.open(dir.resolve("bert_model.ckpt.index"))) {
            BertConfig config = BertConfig.read(dir.resolve("bert_config.json"));
            Bert.BertForSequenceClassification model = new Bert.BertForSequenceClassification(config, ALL, 3);
            model.initialize(m);
            List<float[]> before = new ArrayList<>();
            for (Parameter p : HfParameters.of(model).values()) {
                before.add(p.getArray().toFloatArray());
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> model.loadWeights(ckpt));
            assertTrue(e.getMessage().contains("bert_model.ckpt.data-00000-of-00001")
                    && e.getMessage().contains(TF_QUERY + " fails its CRC32C check"), e.getMessage());
            int i = 0;
            for (Parameter p : HfParameters.of(model).values()) {
                assertArrayEquals(before.get(i++), p.getArray().toFloatArray(), p.getName() + " changed");
            }
        }
    }

    @Test
    void unknownDtypeNamesFileTensorAndAllowedTypes() throws IOException {
        Path dir = hfCopy();
        Map<String, SafeTensors.Tensor> tensors = readAll(dir.resolve("model.safetensors"));
        SafeTensors.write(dir.resolve("model.safetensors"), tensors);
        // Relabel the query kernel F32 → I32 (same width) in the header, keeping every offset valid.
        Path file = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        String entry = "\"" + QUERY + "\":{\"dtype\":\"F32\"";
        assertTrue(header.contains(entry), header);
        byte[] patched = header.replace(entry, entry.replace("F32", "I32")).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(patched, 0, bytes, 8, patched.length);
        Files.write(file, bytes);
        String message = loadFails(dir);
        assertTrue(message.contains("model.safetensors") && message.contains(QUERY) && message.contains("I32")
                && message.contains("F32, F16, BF16"), message);
    }

    @Test
    void notATfIndexSaysSo() throws IOException {
        Path dir = tfCopy();
        Files.write(dir.resolve("bert_model.ckpt.index"), new byte[100]);
        String message = loadFails(dir);
        assertTrue(message.contains("bert_model.ckpt.index") && message.contains("not a TF checkpoint index"), message);
    }

    private String loadFails(Path dir) {
        try (NDManager m = NDManager.newBaseManager()) {
            return assertThrows(IllegalArgumentException.class, () -> PretrainedModels.load(dir, ALL, 3, 0.1, m))
                    .getMessage();
        }
    }

    private Path hfCopy() throws IOException {
        return copy("bert-cls");
    }

    private Path tfCopy() throws IOException {
        return copy("bert-tf");
    }

    private Path copy(String fixture) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(fixture));
        try (var files = Files.list(BertGoldenTest.GOLDEN.resolve(fixture))) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        return dir;
    }

    static Map<String, SafeTensors.Tensor> readAll(Path file) {
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        try (SafeTensors st = SafeTensors.open(file)) {
            for (String name : st.names()) {
                out.put(name, new SafeTensors.Tensor(st.shape(name), st.floats(name)));
            }
        }
        return out;
    }
}
