package dropgrid.drop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The deciding half of data-dependent strategies, on hand-written similarity numbers. */
class DataDependentStrategiesTest {

    /**
     * A full-model measurement whose adjacent-state cosines are {@code cls} and {@code tokens} (one per
     * layer) and whose angular distances are {@code angles} (null: unused).
     */
    static LayerSimilarity measured(List<Integer> kept, int depth, double[] cls, double[] tokens, double[][] angles,
            double seconds) {
        int states = kept.size() + 1;
        double[][] c = new double[states][states];
        double[][] t = new double[states][states];
        for (int k = 0; k < kept.size(); k++) {
            c[k][k + 1] = cls[k];
            t[k][k + 1] = tokens[k];
        }
        double[][] a = angles == null ? new double[states][states] : angles;
        return new LayerSimilarity(depth, kept, Map.of(SimilarityMode.CLS, c, SimilarityMode.TOKENS, t),
                Map.of(SimilarityMode.CLS, a, SimilarityMode.TOKENS, a), 10, 100, seconds);
    }

    static SimilaritySource full(int depth, double[] cls, double[] tokens, double[][] angles) {
        return kept -> measured(kept, depth, cls, tokens, angles, 2.5);
    }

    private static final double[] CLS = {0.5, 0.9, 0.7, 0.95, 0.9, 0.3};
    private static final double[] TOKENS = {0.99, 0.1, 0.2, 0.3, 0.4, 0.98};

    @Test
    void contributionDropsTheMostSimilarLayersHigherFirstOnTies() {
        DropStrategy s = Strategies.byName("contribution", Map.of(), full(6, CLS, TOKENS, null));
        // 0.95 (layer 3), then the tie 0.9 of layers 1 and 4 goes to the higher layer, 4; then 1.
        assertEquals(List.of(0, 1, 2, 5), s.keep(6, 2));
        assertEquals(List.of(0, 2, 5), s.keep(6, 3));
        Selection sel = s.select(6, 3);
        assertEquals(List.of(1, 3, 4), sel.dropped());
        assertEquals(List.of(0.5, 0.9, 0.7, 0.95, 0.9, 0.3), sel.layerScores());
        assertEquals(2.5, sel.seconds());
    }

    @Test
    void contributionInTokenModeRanksTheAllTokenAverage() {
        DropStrategy s = Strategies.byName("contribution", Map.of("mode", "tokens"), full(6, CLS, TOKENS, null));
        assertEquals(List.of(1, 2, 3, 4), s.keep(6, 2));
    }

    @Test
    void contributionThresholdDropsEveryLayerAboveItAtMostK() {
        SimilaritySource source = full(6, CLS, TOKENS, null);
        Selection all = Strategies.byName("contribution", Map.of("threshold", "0.8"), source).select(6, 5);
        assertEquals(List.of(1, 3, 4), all.dropped());
        Selection capped = Strategies.byName("contribution", Map.of("threshold", "0.8"), source).select(6, 2);
        assertEquals(List.of(3, 4), capped.dropped());
        Selection none = Strategies.byName("contribution", Map.of("threshold", "0.96"), source).select(6, 5);
        assertEquals(List.of(), none.dropped());
    }

    @Test
    void contributionMeasuresOnceForKeepAndSelect() {
        List<List<Integer>> asked = new ArrayList<>();
        DropStrategy s = Strategies.byName("contribution", Map.of(), kept -> {
            asked.add(kept);
            return measured(kept, 6, CLS, TOKENS, null, 1.0);
        });
        s.keep(6, 1);
        s.select(6, 2);
        assertEquals(List.of(List.of(0, 1, 2, 3, 4, 5)), asked);
    }

    @Test
    void blockInfluenceDropsTheLowestOneMinusTokenCosine() {
        DropStrategy s = Strategies.byName("block-influence", Map.of(), full(6, CLS, TOKENS, null));
        Selection sel = s.select(6, 2);
        assertEquals(List.of(0, 5), sel.dropped());
        assertEquals(0.01, sel.layerScores().get(0), 1e-12);
        assertEquals(0.9, sel.layerScores().get(1), 1e-12);
        // On [CLS] the lowest BI are layer 3 (0.05), then layer 4 over layer 1 (both 0.1, higher first).
        assertEquals(List.of(0, 1, 2, 5), Strategies.byName("block-influence", Map.of("mode", "cls"),
                full(6, CLS, TOKENS, null)).keep(6, 2));
    }

    @Test
    void greedyBlockInfluenceReMeasuresAfterEachRemoval() {
        // Full model: BI = 0.8, 0.1, 0.2, 0.9 -> layer 1 goes first. Without it, layer 3's BI collapses to 0.05.
        List<List<Integer>> asked = new ArrayList<>();
        SimilaritySource source = kept -> {
            asked.add(kept);
            double[] cos = kept.size() == 4 ? new double[] {0.2, 0.9, 0.8, 0.1} : new double[] {0.3, 0.5, 0.95};
            return measured(kept, 4, cos, cos, null, 1.5);
        };
        Selection greedy = Strategies.byName("block-influence", Map.of("greedy", "true"), source).select(4, 2);
        assertEquals(List.of(1, 3), greedy.dropped());
        assertEquals(List.of(List.of(0, 1, 2, 3), List.of(0, 2, 3)), asked);
        List<Double> scores = greedy.layerScores();
        assertEquals(0.7, scores.get(0), 1e-12);
        assertEquals(0.1, scores.get(1), 1e-12);
        assertEquals(0.5, scores.get(2), 1e-12);
        assertEquals(0.05, scores.get(3), 1e-12);
        assertEquals(3.0, greedy.seconds(), 1e-12);
        Selection once = Strategies.byName("block-influence", Map.of(), source).select(4, 2);
        assertEquals(List.of(1, 2), once.dropped());
    }

    private static double[][] angles(int states, double fill) {
        double[][] a = new double[states][states];
        for (double[] row : a) {
            java.util.Arrays.fill(row, fill);
        }
        return a;
    }

    @Test
    void angularBlockDropsTheContiguousBlockWithTheClosestEnds() {
        double[][] a = angles(7, 0.5);
        a[2][4] = 0.1; // the block of layers 2, 3 barely turns its input
        a[0][6] = 0.05; // only reachable with K = 6
        Selection sel = Strategies.byName("angular-block", Map.of(), full(6, CLS, TOKENS, a)).select(6, 2);
        assertEquals(List.of(2, 3), sel.dropped());
        List<Double> scores = sel.layerScores();
        assertEquals(List.of(0.5, 0.5, 0.1, 0.5, 0.5), scores.subList(0, 5));
        assertTrue(Double.isNaN(scores.get(5)));
        assertEquals(List.of(), Strategies.byName("angular-block", Map.of("allow_all", "true"),
                full(6, CLS, TOKENS, a)).keep(6, 6));
    }

    @Test
    void angularBlockPrefersTheDeeperBlockOnTies() {
        double[][] a = angles(7, 0.5);
        a[1][3] = 0.2;
        a[3][5] = 0.2;
        assertEquals(List.of(0, 1, 2, 5), Strategies.byName("angular-block", Map.of(),
                full(6, CLS, TOKENS, a)).keep(6, 2));
    }

    @Test
    void dataDependentStrategiesValidateKAndTheMeasuredDepth() {
        DropStrategy s = Strategies.byName("contribution", Map.of(), full(6, CLS, TOKENS, null));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.keep(6, 6));
        assertTrue(e.getMessage().contains("'contribution'") && e.getMessage().contains("K = 6"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> s.keep(6, -1));
        DropStrategy wrongDepth = Strategies.byName("angular-block", Map.of(),
                kept -> measured(List.of(0, 1, 2, 3, 4, 5), 6, CLS, TOKENS, null, 0));
        // A source that measures something other than what was asked breaks an invariant, not the input.
        assertThrows(IllegalStateException.class, () -> wrongDepth.keep(12, 2));
        assertThrows(IllegalArgumentException.class,
                () -> Strategies.byName("contribution", Map.of("greedy", "true"), full(6, CLS, TOKENS, null)));
    }
}
