package dropgrid.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Java BERT against Hugging Face's outputs (fixtures from src/test/python/make_bert_goldens.py). */
class BertGoldenTest {

    static final Path GOLDEN = Path.of("src/test/resources/golden");

    @ParameterizedTest
    @ValueSource(strings = {"bert-cls", "bert-bare", "bert-f16", "bert-bf16", "bert-tf"})
    void hiddenStatesPooledAndLogitsMatchHuggingFaceWithin1e5ForEveryKeptSubset(String fixture) throws IOException {
        Path dir = GOLDEN.resolve(fixture);
        JsonNode cases = new ObjectMapper().readTree(dir.resolve("goldens.json").toFile()).get("cases");
        int checked = 0;
        try (NDManager manager = NDManager.newBaseManager();
                PretrainedModels.Checkpoint checkpoint = PretrainedModels.read(dir)) {
            for (JsonNode c : cases) {
                List<Integer> keep = c.get("keep").isNull()
                        ? IntStream.range(0, checkpoint.depth()).boxed().toList()
                        : ints(c.get("keep"));
                int numOutputs = c.has("logits") ? c.get("logits").get(0).size() : 2;
                try (NDManager m = manager.newSubManager()) {
                    var loaded = PretrainedModels.build(checkpoint, keep, numOutputs, 0.1, m);
                    assertEquals(keep, loaded.keptLayers());
                    assertEquals(c.has("logits"), loaded.headFromCheckpoint());
                    NDList inputs = new NDList(ids(m, c.get("input_ids")), ids(m, c.get("token_type_ids")),
                            ids(m, c.get("attention_mask")));
                    ParameterStore ps = new ParameterStore(m, false);
                    NDList out = loaded.classifier().encoder().forward(ps, inputs, false);
                    String where = fixture + " " + c.get("name").asText() + " keep=" + keep;
                    assertClose(c.get("last_hidden_state"), out.get(0), 1e-5, where + " last_hidden_state");
                    assertClose(c.get("pooler_output"), out.get(1), 1e-5, where + " pooler_output");
                    if (c.has("hidden_states")) {
                        NDList states = loaded.classifier().encoder().hiddenStates(ps, inputs, false);
                        assertEquals(keep.size() + 1, states.size(), where + " hidden state count");
                        for (int i = 0; i < states.size(); i++) {
                            assertClose(c.get("hidden_states").get(i), states.get(i), 1e-5, where + " hidden_states[" + i + "]");
                        }
                    }
                    if (c.has("logits")) {
                        NDArray logits = loaded.classifier().forward(ps, inputs, false).head();
                        assertClose(c.get("logits"), logits, 1e-5, where + " logits");
                    }
                    checked++;
                }
            }
        }
        assertTrue(checked >= 4, "fixture " + fixture + " has too few cases: " + checked);
    }

    @Test
    void idsOutsideTheVocabularyAreRejectedWithTheirRange() {
        try (NDManager m = NDManager.newBaseManager()) {
            var loaded = PretrainedModels.load(GOLDEN.resolve("bert-cls"), List.of(0), 3, 0.1, m);
            NDArray ids = m.create(new long[][] {{2, 68, 3}});
            NDArray zeros = m.zeros(ids.getShape(), DataType.INT64);
            var e = assertThrows(IllegalArgumentException.class, () -> loaded.classifier().forward(
                    new ParameterStore(m, false), new NDList(ids, zeros, zeros.add(1)), false));
            assertTrue(e.getMessage().contains("input_ids range from 2 to 68, outside [0, 68) (vocab_size)"), e.getMessage());
        }
    }

    static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asInt()));
        return out;
    }

    static NDArray ids(NDManager m, JsonNode rows) {
        long[][] v = new long[rows.size()][];
        for (int i = 0; i < v.length; i++) {
            v[i] = new long[rows.get(i).size()];
            for (int j = 0; j < v[i].length; j++) {
                v[i][j] = rows.get(i).get(j).asLong();
            }
        }
        return m.create(v);
    }

    static void assertClose(JsonNode expected, NDArray actual, double tolerance, String what) {
        List<Double> flat = new ArrayList<>();
        List<Long> shape = new ArrayList<>();
        flatten(expected, flat, shape, 0);
        assertArrayEquals(shape.stream().mapToLong(Long::longValue).toArray(), actual.getShape().getShape(), what + " shape");
        float[] got = actual.toFloatArray();
        double worst = 0;
        for (int i = 0; i < got.length; i++) {
            worst = Math.max(worst, Math.abs(got[i] - flat.get(i)));
        }
        assertTrue(worst <= tolerance, what + ": max abs difference " + worst + " > " + tolerance);
    }

    private static void flatten(JsonNode node, List<Double> flat, List<Long> shape, int depth) {
        if (node.isArray()) {
            if (shape.size() == depth) {
                shape.add((long) node.size());
            }
            node.forEach(n -> flatten(n, flat, shape, depth + 1));
        } else {
            flat.add(node.asDouble());
        }
    }
}
