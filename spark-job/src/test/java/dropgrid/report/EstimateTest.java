package dropgrid.report;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Estimates against SciPy/NumPy values written by src/test/python/make_stats_goldens.py. */
class EstimateTest {

    private static final double TOLERANCE = 1e-9;

    private static JsonNode goldens() throws IOException {
        try (InputStream in = EstimateTest.class.getResourceAsStream("/report/stats_goldens.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static List<Double> values(JsonNode array) {
        List<Double> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asDouble()));
        return out;
    }

    @Test
    void meanStdAndIntervalOverSeedsMatchScipy() throws IOException {
        List<Executable> checks = new ArrayList<>();
        for (JsonNode c : goldens().get("seeds")) {
            String name = c.get("name").asText();
            Estimate e = Estimate.ofSeeds(values(c.get("values")));
            checks.add(() -> assertEquals(c.get("mean").asDouble(), e.mean(), TOLERANCE, name + " mean"));
            checks.add(() -> assertEquals(c.get("values").size(), e.minSeeds(), name + " seeds"));
            if (c.get("low").isNull()) {
                checks.add(() -> assertFalse(e.hasInterval(), name + " has no interval"));
                checks.add(() -> assertTrue(Double.isNaN(e.std()) && Double.isNaN(e.low()) && Double.isNaN(e.high()), name));
            } else {
                checks.add(() -> assertEquals(c.get("std").asDouble(), e.std(), TOLERANCE, name + " std"));
                checks.add(() -> assertEquals(c.get("low").asDouble(), e.low(), TOLERANCE, name + " low"));
                checks.add(() -> assertEquals(c.get("high").asDouble(), e.high(), TOLERANCE, name + " high"));
            }
        }
        assertEquals(29, checks.size(), "golden file lost seed cases");
        assertAll(checks);
    }

    @Test
    void differenceIsWelchsIntervalAsScipyComputesIt() throws IOException {
        List<Executable> checks = new ArrayList<>();
        for (JsonNode c : goldens().get("differences")) {
            String name = c.get("name").asText();
            Estimate d = Estimate.ofSeeds(values(c.get("a"))).minus(Estimate.ofSeeds(values(c.get("b"))));
            checks.add(() -> assertEquals(c.get("mean").asDouble(), d.mean(), TOLERANCE, name + " mean"));
            checks.add(() -> assertEquals(c.get("df").asDouble(), d.degreesOfFreedom(), TOLERANCE, name + " df"));
            checks.add(() -> assertEquals(c.get("low").asDouble(), d.low(), TOLERANCE, name + " low"));
            checks.add(() -> assertEquals(c.get("high").asDouble(), d.high(), TOLERANCE, name + " high"));
        }
        assertEquals(8, checks.size(), "golden file lost difference cases");
        assertAll(checks);
    }

    @Test
    void averageOverTasksUsesWelchSatterthwaite() throws IOException {
        List<Executable> checks = new ArrayList<>();
        for (JsonNode c : goldens().get("averages")) {
            String name = c.get("name").asText();
            List<Estimate> parts = new ArrayList<>();
            c.get("samples").forEach(s -> parts.add(Estimate.ofSeeds(values(s))));
            Estimate avg = Estimate.meanOf(parts);
            checks.add(() -> assertEquals(c.get("mean").asDouble(), avg.mean(), TOLERANCE, name + " mean"));
            checks.add(() -> assertEquals(c.get("df").asDouble(), avg.degreesOfFreedom(), TOLERANCE, name + " df"));
            checks.add(() -> assertEquals(c.get("low").asDouble(), avg.low(), TOLERANCE, name + " low"));
            checks.add(() -> assertEquals(c.get("high").asDouble(), avg.high(), TOLERANCE, name + " high"));
            if (c.has("half_of_welch_difference_width")) {
                // Two tasks: the average's half-width is half of Welch's difference half-width (scipy ttest_ind).
                checks.add(() -> assertEquals(c.get("half_of_welch_difference_width").asDouble(), avg.halfWidth(),
                        TOLERANCE, name + " vs scipy's Welch interval"));
            }
        }
        assertEquals(9, checks.size(), "golden file lost average cases");
        assertAll(checks);
    }

    @Test
    void oneSeedAnywhereLeavesACombinationWithoutInterval() {
        Estimate one = Estimate.ofSeeds(List.of(71.2));
        Estimate three = Estimate.ofSeeds(List.of(84.1, 85.3, 83.7));
        assertFalse(Estimate.meanOf(List.of(one, three)).hasInterval());
        assertFalse(three.minus(one).hasInterval());
        assertEquals((71.2 + 84.36666666666666) / 2, Estimate.meanOf(List.of(one, three)).mean(), TOLERANCE);
        assertEquals(1, Estimate.meanOf(List.of(one, three)).minSeeds());
        assertEquals(3, Estimate.meanOf(List.of(one, three)).maxSeeds());
    }

    @Test
    void separationNeedsBothIntervalsApart() {
        // 95 % t intervals with n = 3 (t = 4.303): [82.30, 86.44] and [66.23, 78.51] (from the goldens'
        // "three seeds" and the b side of "three vs three").
        Estimate high = Estimate.ofSeeds(List.of(84.1, 85.3, 83.7));
        Estimate low = Estimate.ofSeeds(List.of(70.2, 74.9, 72.0));
        Estimate overlapping = Estimate.ofSeeds(List.of(80.0, 86.0, 83.0));
        assertTrue(high.separatesAbove(low));
        assertFalse(low.separatesAbove(high));
        assertFalse(high.separatesAbove(overlapping));
        assertFalse(overlapping.separatesAbove(high));
        assertFalse(Estimate.ofSeeds(List.of(99.0)).separatesAbove(low), "one seed: no interval, no separation");
    }
}
