package dropgrid.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dropgrid.glue.GlueTask;
import dropgrid.glue.Split;
import dropgrid.model.Encoder;
import dropgrid.model.PretrainedModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The paper's two analyses on a tiny BERT and a moved copy of it, against Hugging Face + PyTorch +
 * scikit-learn values written by {@code make_analysis_fixture.py}.
 */
class AnalysisTest {

    private static final Path DIR = Path.of("src/test/resources/analysis");
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonNode expected;
    private NDManager manager;

    @BeforeEach
    void setUp() throws IOException {
        expected = JSON.readTree(DIR.resolve("expected.json").toFile());
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private Encoder encoder(String which, List<Integer> keep) {
        return PretrainedModels.load(DIR.resolve(which), keep, 2, 0.0, manager).classifier().encoder();
    }

    /** Right-padded rows (pad id 0) as the encoders' input, split into batches of {@code size} rows. */
    private List<NDList> batches(String field, int size) {
        JsonNode rows = expected.get(field);
        int width = rows.get(0).size();
        List<NDList> out = new ArrayList<>();
        for (int start = 0; start < rows.size(); start += size) {
            int n = Math.min(size, rows.size() - start);
            long[] ids = new long[n * width];
            long[] mask = new long[n * width];
            for (int r = 0; r < n; r++) {
                for (int c = 0; c < width; c++) {
                    ids[r * width + c] = rows.get(start + r).get(c).asLong();
                    mask[r * width + c] = ids[r * width + c] == 0 ? 0 : 1;
                }
            }
            Shape shape = new Shape(n, width);
            out.add(new NDList(manager.create(ids, shape), manager.zeros(shape, DataType.INT64),
                    manager.create(mask, shape)));
        }
        return out;
    }

    private static double[] doubles(JsonNode array) {
        return JSON.convertValue(array, double[].class);
    }

    private static void assertSeries(JsonNode want, List<Double> got, double tolerance, String what) {
        assertEquals(want.size(), got.size(), what + " length");
        for (int i = 0; i < got.size(); i++) {
            assertEquals(want.get(i).asDouble(), got.get(i), tolerance, what + " state " + i);
        }
    }

    @Test
    void driftMatchesHuggingFaceForAllAndForKeptLayers() {
        List<Integer> all = List.of(0, 1, 2, 3);
        RepresentationDrift full = RepresentationDrift.measure(encoder("pretrained", all), encoder("finetuned", all),
                batches("drift_input_ids", 4));
        assertSeries(expected.get("drift_all").get("cls"), full.cls(), 1e-5, "cls");
        assertSeries(expected.get("drift_all").get("tokens"), full.tokens(), 1e-5, "tokens");
        assertEquals(6, full.examples());
        assertEquals(1.0, full.cls().get(0) - 0, 1e-6, "the embeddings are not moved");
        assertTrue(full.cls().get(4) < full.cls().get(1), "the copy moved its top layer most: " + full.cls());

        List<Integer> kept = List.of(0, 2);
        RepresentationDrift some = RepresentationDrift.measure(encoder("pretrained", kept), encoder("finetuned", kept),
                batches("drift_input_ids", 6));
        assertSeries(expected.get("drift_kept_layers").get("cls"), some.cls(), 1e-5, "kept cls");
        assertSeries(expected.get("drift_kept_layers").get("tokens"), some.tokens(), 1e-5, "kept tokens");
    }

    @Test
    void driftRefusesEncodersWithDifferentLayers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RepresentationDrift.measure(
                encoder("pretrained", List.of(0, 1)), encoder("finetuned", List.of(0, 2)), batches("drift_input_ids", 6)));
        assertTrue(e.getMessage().contains("[0, 1]") && e.getMessage().contains("[0, 2]"), e.getMessage());
    }

    @Test
    void probeDecisionsMatchScikitLearnRidgeClassifierAndRidge() {
        Encoder fine = encoder("finetuned", List.of(0, 1, 2, 3));
        List<double[][]> train = LayerProbe.features(fine, batches("train_input_ids", 16));
        List<double[][]> dev = LayerProbe.features(fine, batches("dev_input_ids", 16));
        double[] labels = doubles(expected.get("train_labels"));
        double[] scores = doubles(expected.get("train_scores"));
        for (int s = 0; s < 5; s++) {
            double[][] out = Ridge.fit(train.get(s), LayerProbe.targets(GlueTask.RTE, labels), LayerProbe.ALPHA)
                    .predict(dev.get(s));
            JsonNode decision = expected.get("probe").get("decision").get(s);
            for (int r = 0; r < out.length; r++) {
                // sklearn's binary decision is the positive class's column; the other column is its negative.
                assertEquals(decision.get(r).asDouble(), out[r][1], 1e-4, "state " + s + " row " + r);
                assertEquals(-out[r][1], out[r][0], 1e-9, "state " + s + " row " + r);
            }
            double[][] fitted = Ridge.fit(train.get(s), LayerProbe.targets(GlueTask.STSB, scores), LayerProbe.ALPHA)
                    .predict(dev.get(s));
            JsonNode prediction = expected.get("probe").get("prediction").get(s);
            for (int r = 0; r < fitted.length; r++) {
                assertEquals(prediction.get(r).asDouble(), fitted[r][0], 1e-4, "regression state " + s + " row " + r);
            }
        }
    }

    @Test
    void probeScoresAreTheTasksHeadlineOnTheDevRows() {
        Encoder fine = encoder("finetuned", List.of(0, 1, 2, 3));
        LayerProbe rte = LayerProbe.fit(fine, GlueTask.RTE, Split.DEV, batches("train_input_ids", 16),
                doubles(expected.get("train_labels")), batches("dev_input_ids", 8), doubles(expected.get("dev_labels")));
        JsonNode accuracy = expected.get("probe").get("accuracy");
        for (int s = 0; s < 5; s++) {
            assertEquals(100 * accuracy.get(s).asDouble(), rte.scores().get(s), 1e-9, "RTE accuracy state " + s);
        }
        assertEquals(48, rte.trainExamples());
        assertEquals(24, rte.devExamples());
        LayerProbe stsb = LayerProbe.fit(fine, GlueTask.STSB, Split.DEV, batches("train_input_ids", 48),
                doubles(expected.get("train_scores")), batches("dev_input_ids", 24), doubles(expected.get("dev_scores")));
        JsonNode pearson = expected.get("probe").get("pearson");
        // State 0: every row's [CLS] embedding is the same, the prediction constant; SciPy gives NaN, the
        // GLUE metric 0.
        assertTrue(pearson.get(0).isNull());
        assertEquals(0.0, stsb.scores().get(0), 1e-9);
        for (int s = 1; s < 5; s++) {
            assertEquals(100 * pearson.get(s).asDouble(), stsb.scores().get(s), 1e-3, "STS-B Pearson state " + s);
        }
    }

    @Test
    void probeRefusesTargetsThatDoNotMatchTheRows() {
        Encoder fine = encoder("finetuned", List.of(0, 1, 2, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LayerProbe.fit(fine,
                GlueTask.RTE, Split.DEV, batches("train_input_ids", 16), new double[3], batches("dev_input_ids", 8),
                doubles(expected.get("dev_labels"))));
        assertTrue(e.getMessage().contains("48 rows but 3 targets"), e.getMessage());
    }
}
