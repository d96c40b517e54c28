package dropgrid.drop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dropgrid.model.Encoder;
import dropgrid.model.PretrainedModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Data-dependent strategies on a tiny BERT whose layers 1, 3 and 4 return their input unchanged
 * ({@code make_drop_identity_fixture.py}): those must be the layers dropped.
 */
class IdentityLayersTest {

    private static final Path MODEL = Path.of("src/test/resources/drop/identity-bert");

    private JsonNode expected;
    private NDManager manager;

    @BeforeEach
    void setUp() throws IOException {
        expected = new ObjectMapper().readTree(MODEL.resolve("expected.json").toFile());
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private Encoder encoder(List<Integer> keep) {
        return PretrainedModels.load(MODEL, keep, 2, 0.0, manager).classifier().encoder();
    }

    private long[] column(String field) {
        List<Long> values = new ArrayList<>();
        expected.get(field).forEach(row -> row.forEach(v -> values.add(v.asLong())));
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    /** The fixture's three right-padded rows, in the encoder input convention. */
    private NDList batch() {
        long[] ids = column("input_ids");
        long[] mask = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            mask[i] = ids[i] == 0 ? 0 : 1;
        }
        Shape shape = new Shape(expected.get("input_ids").size(), expected.get("input_ids").get(0).size());
        return new NDList(manager.create(ids, shape), manager.create(column("token_type_ids"), shape),
                manager.create(mask, shape));
    }

    private SimilaritySource source() {
        return kept -> LayerSimilarity.measure(encoder(kept), List.of(batch()));
    }

    @Test
    void layerCosinesMatchHuggingFaceAndPlainLoops() {
        Encoder full = encoder(List.of(0, 1, 2, 3, 4, 5));
        LayerSimilarity measured = LayerSimilarity.measure(full, List.of(batch()));
        double[] cls = measured.layerCosine(SimilarityMode.CLS);
        double[] tokens = measured.layerCosine(SimilarityMode.TOKENS);
        for (int layer = 0; layer < 6; layer++) {
            assertEquals(expected.get("layer_cosine_cls").get(layer).asDouble(), cls[layer], 1e-5, "cls " + layer);
            assertEquals(expected.get("layer_cosine_tokens").get(layer).asDouble(), tokens[layer], 1e-5, "tok " + layer);
        }

        NDList input = batch();
        NDList hidden = full.hiddenStates(new ParameterStore(manager, false), input, false);
        // Called as LayerSimilarity calls it (no GradientCollector, training off): no autograd graph.
        assertTrue(full.getParameters().get(0).getValue().getArray().hasGradient());
        hidden.forEach(h -> assertFalse(h.hasGradient()));
        long[] mask = input.get(2).toLongArray();
        long[] shape = hidden.head().getShape().getShape();
        int b = (int) shape[0];
        int t = (int) shape[1];
        int e = (int) shape[2];
        for (int layer = 0; layer < 6; layer++) {
            float[] in = hidden.get(layer).toFloatArray();
            float[] out = hidden.get(layer + 1).toFloatArray();
            double clsSum = 0;
            double tokenSum = 0;
            int count = 0;
            for (int row = 0; row < b; row++) {
                for (int col = 0; col < t; col++) {
                    double dot = 0;
                    double nIn = 0;
                    double nOut = 0;
                    for (int k = 0; k < e; k++) {
                        int at = (row * t + col) * e + k;
                        dot += (double) in[at] * out[at];
                        nIn += (double) in[at] * in[at];
                        nOut += (double) out[at] * out[at];
                    }
                    double cos = dot / Math.sqrt(nIn * nOut);
                    if (col == 0) {
                        clsSum += cos;
                    }
                    if (mask[row * t + col] == 1) {
                        tokenSum += cos;
                        count++;
                    }
                }
            }
            assertEquals(clsSum / b, cls[layer], 1e-6, "cls " + layer);
            assertEquals(tokenSum / count, tokens[layer], 1e-6, "tokens " + layer);
        }
        for (int layer : List.of(1, 3, 4)) {
            assertEquals(1.0, cls[layer], 1e-5, "identity layer " + layer);
        }
    }

    @Test
    void contributionDropsTheIdentityLayers() {
        Selection s = Strategies.byName("contribution", Map.of(), source()).select(6, 3);
        assertEquals(List.of(1, 3, 4), s.dropped());
        assertEquals(List.of(0, 2, 5), s.kept());
        assertEquals(6, s.layerScores().size());
        Selection tokens = Strategies.byName("contribution", Map.of("mode", "tokens"), source()).select(6, 3);
        assertEquals(List.of(1, 3, 4), tokens.dropped());
        Selection threshold = Strategies.byName("contribution", Map.of("threshold", "0.999"), source()).select(6, 5);
        assertEquals(List.of(1, 3, 4), threshold.dropped());
    }

    @Test
    void blockInfluenceDropsTheIdentityLayersAlsoGreedily() {
        assertEquals(List.of(0, 2, 5), Strategies.byName("block-influence", Map.of(), source()).keep(6, 3));
        List<List<Integer>> asked = new ArrayList<>();
        SimilaritySource counting = kept -> {
            asked.add(kept);
            return source().measure(kept);
        };
        assertEquals(List.of(0, 2, 5),
                Strategies.byName("block-influence", Map.of("greedy", "true"), counting).keep(6, 3));
        assertEquals(3, asked.size());
        assertEquals(List.of(0, 1, 2, 3, 4, 5), asked.get(0));
        assertTrue(asked.get(2).size() == 4, "third pass measures the model without two layers: " + asked);
    }

    @Test
    void angularBlockDropsTheContiguousIdentityPair() {
        for (String mode : List.of("cls", "tokens")) {
            Selection s = Strategies.byName("angular-block", Map.of("mode", mode), source()).select(6, 2);
            assertEquals(List.of(3, 4), s.dropped(), mode);
            assertEquals(0.0, s.layerScores().get(3), 1e-3, mode);
        }
    }

    @Test
    void measuringAPrunedEncoderReportsScoresByOriginalLayer() {
        LayerSimilarity pruned = LayerSimilarity.measure(encoder(List.of(0, 2, 5)), List.of(batch()));
        assertEquals(List.of(0, 2, 5), pruned.keptLayers());
        double[] cls = pruned.layerCosine(SimilarityMode.CLS);
        assertTrue(Double.isNaN(cls[1]) && Double.isNaN(cls[3]) && Double.isNaN(cls[4]));
        // Layers 1, 3, 4 were identities, so the pruned model computes the same hidden states as the full one.
        assertEquals(expected.get("layer_cosine_cls").get(2).asDouble(), cls[2], 1e-5);
        assertEquals(expected.get("layer_cosine_cls").get(5).asDouble(), cls[5], 1e-5);
    }
}
