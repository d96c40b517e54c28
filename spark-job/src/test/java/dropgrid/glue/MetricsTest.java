package dropgrid.glue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Metrics against scikit-learn and SciPy values written by src/test/python/make_metric_goldens.py. */
class MetricsTest {

    private static final double TOLERANCE = 1e-12;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void classificationMetricsMatchScikitLearn() throws IOException {
        List<Executable> checks = new ArrayList<>();
        int f1Cases = 0;
        for (JsonNode c : goldenCases()) {
            if (!c.has("accuracy")) {
                continue;
            }
            String name = c.get("name").asText();
            int[] gold = ints(c.get("gold"));
            int[] predicted = ints(c.get("predicted"));
            checks.add(() -> assertEquals(c.get("accuracy").asDouble(), Metrics.accuracy(predicted, gold),
                    TOLERANCE, name + " accuracy"));
            checks.add(() -> assertEquals(c.get("mcc").asDouble(), Metrics.mcc(predicted, gold), TOLERANCE,
                    name + " mcc"));
            if (c.has("f1")) {
                f1Cases++;
                checks.add(() -> assertEquals(c.get("f1").asDouble(), Metrics.f1(predicted, gold), TOLERANCE,
                        name + " f1"));
            }
        }
        assertTrue(checks.size() >= 50 && f1Cases >= 15, "golden file lost its classification cases");
        org.junit.jupiter.api.Assertions.assertAll(checks);
    }

    @Test
    void correlationsMatchSciPyAndAreZeroWhereSciPyGivesNaN() throws IOException {
        List<Executable> checks = new ArrayList<>();
        int undefined = 0;
        for (JsonNode c : goldenCases()) {
            if (!c.has("pearson")) {
                continue;
            }
            double[] gold = doubles(c.get("gold"));
            double[] predicted = doubles(c.get("predicted"));
            undefined += c.get("pearson").isNull() ? 1 : 0;
            checks.add(correlation(c, "pearson", Metrics::pearson, predicted, gold));
            checks.add(correlation(c, "spearman", Metrics::spearman, predicted, gold));
        }
        assertTrue(checks.size() >= 24 && undefined >= 3, "golden file lost its regression cases");
        org.junit.jupiter.api.Assertions.assertAll(checks);
    }

    @Test
    void averageRanksShareTiedPositions() {
        double[] ranks = Metrics.averageRanks(new double[] {3.0, 1.0, 3.0, 2.0, 3.0});
        // scipy.stats.rankdata([3, 1, 3, 2, 3]) == [4, 1, 4, 2, 4]
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {4, 1, 4, 2, 4}, ranks);
    }

    @Test
    void emptyOrUnpairedInputsAreRejectedWithSizes() {
        var empty = assertThrows(IllegalArgumentException.class, () -> Metrics.accuracy(new int[0], new int[0]));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        var unpaired = assertThrows(IllegalArgumentException.class,
                () -> Metrics.pearson(new double[3], new double[4]));
        assertTrue(unpaired.getMessage().contains("3 predictions for 4 gold"), unpaired.getMessage());
        var notBinary = assertThrows(IllegalArgumentException.class,
                () -> Metrics.f1(new int[] {0, 2}, new int[] {0, 1}));
        assertTrue(notBinary.getMessage().contains("prediction 2 at position 1"), notBinary.getMessage());
    }

    private static Executable correlation(JsonNode c, String metric,
            BiFunction<double[], double[], Double> fn, double[] predicted, double[] gold) {
        String name = c.get("name").asText() + " " + metric;
        JsonNode expected = c.get(metric);
        // SciPy answers NaN (or raises) for a constant side; Metrics documents 0.0 there.
        double want = expected.isNull() ? 0.0 : expected.asDouble();
        return () -> assertEquals(want, fn.apply(predicted, gold), TOLERANCE, name);
    }

    private static Iterable<JsonNode> goldenCases() throws IOException {
        try (InputStream in = MetricsTest.class.getResourceAsStream("/glue/metric_goldens.json")) {
            return JSON.readTree(in).get("cases");
        }
    }

    private static int[] ints(JsonNode array) {
        return JSON.convertValue(array, int[].class);
    }

    private static double[] doubles(JsonNode array) {
        return JSON.convertValue(array, double[].class);
    }
}
