package dropgrid.drop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StaticStrategiesTest {

    private static final List<String> TABLED =
            List.of("top", "bottom", "even-alternate", "odd-alternate", "symmetric", "layerdrop");

    /** One row of {@code drop/static-strategies.txt}: the hand-derived dropped layers, 1-based. */
    record Row(String strategy, int depth, int drop, Set<Integer> droppedOneBased, int line) {}

    static List<Row> table() throws IOException {
        List<Row> rows = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                StaticStrategiesTest.class.getResourceAsStream("/drop/static-strategies.txt"), StandardCharsets.UTF_8))) {
            int lineNo = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] halves = line.split(":");
                String[] head = halves[0].trim().split("\\s+");
                Set<Integer> dropped = new TreeSet<>();
                for (String item : halves[1].trim().split("\\s+")) {
                    if (item.equals("-")) {
                        continue;
                    }
                    String[] range = item.split("-");
                    int from = Integer.parseInt(range[0]);
                    int to = Integer.parseInt(range[range.length - 1]);
                    for (int n = from; n <= to; n++) {
                        assertTrue(dropped.add(n), "layer " + n + " listed twice on line " + lineNo);
                    }
                }
                rows.add(new Row(head[0], Integer.parseInt(head[1]), Integer.parseInt(head[2]), dropped, lineNo));
            }
        }
        return rows;
    }

    static Stream<Arguments> rows() throws IOException {
        return table().stream().map(r -> Arguments.of(r.strategy() + " L=" + r.depth() + " K=" + r.drop(), r));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void keepsExactlyTheHandDerivedLayers(String label, Row row) {
        assertEquals(row.drop(), row.droppedOneBased().size(), "line " + row.line() + " lists the wrong count");
        Map<String, String> options = row.drop() == row.depth() ? Map.of("allow_all", "true") : Map.of();
        List<Integer> expectedKept = new ArrayList<>();
        for (int n = 1; n <= row.depth(); n++) {
            if (!row.droppedOneBased().contains(n)) {
                expectedKept.add(n - 1);
            }
        }
        DropStrategy strategy = Strategies.byName(row.strategy(), options);
        assertEquals(expectedKept, strategy.keep(row.depth(), row.drop()), "line " + row.line());
        Selection selection = strategy.select(row.depth(), row.drop());
        assertEquals(row.droppedOneBased().stream().map(n -> n - 1).toList(), selection.dropped());
        assertTrue(selection.layerScores().isEmpty());
    }

    @Test
    void tableCoversEveryStaticStrategyAtEveryDepthAndEveryDrop() throws IOException {
        Set<String> seen = new HashSet<>();
        for (Row r : table()) {
            assertTrue(seen.add(r.strategy() + "/" + r.depth() + "/" + r.drop()), "duplicate row line " + r.line());
        }
        for (String s : TABLED) {
            for (int depth : List.of(6, 12, 24)) {
                for (int k = 0; k <= depth; k++) {
                    assertTrue(seen.contains(s + "/" + depth + "/" + k), "missing row " + s + " L=" + depth + " K=" + k);
                }
            }
        }
        assertEquals(TABLED.size() * (7 + 13 + 25), seen.size());
    }

    @Test
    void topDropKeepsTheFirstLayers() {
        assertEquals(List.of(0, 1, 2, 3, 4, 5), new Top(false).keep(12, 6));
    }

    @Test
    void alternateIsThePaperV1NameOfEvenAlternate() {
        for (int k = 0; k < 12; k++) {
            assertEquals(new EvenAlternate(false).keep(12, k), Strategies.byName("alternate", Map.of()).keep(12, k));
        }
    }

    @Test
    void evenAlternateContinuesWithOddLayersFromTheTopOnceEvensRunOut() {
        // L = 12, K = 7: the six even layers 12..2 (0-based 11..1), then odd layer 11 (0-based 10).
        assertEquals(List.of(0, 2, 4, 6, 8), new EvenAlternate(false).keep(12, 7));
        assertEquals(List.of(1, 3, 5, 7, 9), new OddAlternate(false).keep(12, 7));
    }

    @Test
    void symmetricGivesTheExtraKeptLayerToTheBottom() {
        // L = 12, K = 3: nine kept, five at the bottom (1-5) and four at the top (9-12).
        assertEquals(List.of(0, 1, 2, 3, 4, 8, 9, 10, 11), new Symmetric(false).keep(12, 3));
        // L = 7, K = 2: five kept, three at the bottom and two at the top.
        assertEquals(List.of(0, 1, 2, 5, 6), new Symmetric(false).keep(7, 2));
    }

    @Test
    void alternateParityFollowsThePaperNumberingAtOddDepth() {
        // L = 7: even-numbered layers are 6, 4, 2 (0-based 5, 3, 1); odd ones 7, 5, 3, 1.
        assertEquals(List.of(0, 1, 2, 3, 4, 6), new EvenAlternate(false).keep(7, 1));
        assertEquals(List.of(0, 1, 2, 3, 4, 5), new OddAlternate(false).keep(7, 1));
    }

    @Test
    void droppingMoreThanAllButOneLayerNeedsAllowAll() {
        for (String name : List.of("top", "bottom", "even-alternate", "odd-alternate", "symmetric", "layerdrop",
                "random")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Strategies.byName(name, Map.of()).keep(12, 12));
            assertTrue(e.getMessage().contains("'" + name + "'") && e.getMessage().contains("K = 12")
                    && e.getMessage().contains("L = 12") && e.getMessage().contains("allow_all"), e.getMessage());
            assertEquals(List.of(), Strategies.byName(name, Map.of("allow_all", "true")).keep(12, 12));
        }
    }

    @Test
    void negativeOrTooLargeDropNamesStrategyDropAndDepth() {
        for (int bad : new int[] {-1, 13}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Strategies.byName("symmetric", Map.of("allow_all", "true")).keep(12, bad));
            assertEquals("strategy 'symmetric': cannot drop K = " + bad + " of L = 12 layers; K must be in [0, 12]",
                    e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> new Top(false).keep(0, 0));
    }

    @Test
    void unknownStrategyListsTheAllowedNames() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Strategies.byName("middle", Map.of()));
        assertTrue(e.getMessage().startsWith("unknown drop strategy 'middle'; allowed: top, bottom,"), e.getMessage());
        assertTrue(e.getMessage().contains("angular-block"), e.getMessage());
    }

    @Test
    void optionAStrategyDoesNotTakeIsRejectedWithTheAllowedKeys() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Strategies.byName("top", Map.of("threshold", "0.9")));
        assertEquals("strategy 'top' has no option 'threshold'; allowed: allow_all", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Strategies.byName("random", Map.of("seed", "x")));
        assertThrows(IllegalArgumentException.class, () -> Strategies.byName("top", Map.of("allow_all", "yes")));
    }

    @Test
    void dataDependentStrategiesNeedASimilaritySource() {
        assertThrows(IllegalArgumentException.class, () -> Strategies.byName("contribution", Map.of()));
        assertTrue(Strategies.named("angular-block").needsData());
        assertTrue(!Strategies.named("top").needsData());
    }

    @Test
    void everyRowBuildsTheStrategyItNames() {
        SimilaritySource unused = kept -> {
            throw new AssertionError("building a strategy must not measure anything");
        };
        for (String name : Strategies.names()) {
            Map<String, String> options = name.equals(Explicit.NAME) ? Map.of(Explicit.LAYERS, "0") : Map.of();
            String built = Strategies.named(name).build(options, 0, unused).name();
            assertEquals(name.equals("alternate") ? "even-alternate" : name, built);
        }
        assertEquals(List.of(), Strategies.gridNames().stream()
                .filter(n -> n.equals(dropgrid.vocabulary.Baseline.STRATEGY) || n.equals(Explicit.NAME)).toList());
    }

    @Test
    void baselineKeepsEveryLayerAndOnlyAtKZero() {
        assertEquals(List.of(0, 1, 2, 3), Strategies.byName("none", Map.of()).keep(4, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Strategies.byName("none", Map.of()).keep(4, 1));
        assertEquals("strategy 'none' keeps every layer, so drop must be 0, got 1", e.getMessage());
    }

    @Test
    void explicitKeepsTheGivenLayersWhenTheyFitLAndK() {
        assertEquals(List.of(0, 2), Strategies.byName("explicit", Map.of("layers", "0, 2")).keep(3, 1));
        IllegalArgumentException count = assertThrows(IllegalArgumentException.class,
                () -> Strategies.byName("explicit", Map.of("layers", "0,2")).keep(3, 2));
        assertEquals("strategy 'explicit': keeping 2 of 3 layers drops 1, but the cell says drop = 2",
                count.getMessage());
        IllegalArgumentException order = assertThrows(IllegalArgumentException.class,
                () -> Strategies.byName("explicit", Map.of("layers", "2,1")).keep(3, 1));
        assertTrue(order.getMessage().startsWith("strategy 'explicit': ") && order.getMessage().contains("[2, 1]")
                && order.getMessage().contains("strictly ascending indices in [0, 3)"), order.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> Strategies.byName("explicit", Map.of("layers", "0,3")).keep(3, 1));
        assertTrue(range.getMessage().contains("[0, 3)"), range.getMessage());
        IllegalArgumentException text = assertThrows(IllegalArgumentException.class,
                () -> Strategies.byName("explicit", Map.of("layers", "0,x")));
        assertEquals("strategy 'explicit': layers '0,x' must be comma-separated integers", text.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> Strategies.byName("explicit", Map.of()));
        assertTrue(missing.getMessage().contains("needs option layers"), missing.getMessage());
    }

    @Test
    void randomShufflesWithTheCellSeedUnlessItsOptionsNameOne() {
        assertNotEquals(new RandomDrop(0, false).keep(12, 6), new RandomDrop(17, false).keep(12, 6));
        assertEquals(new RandomDrop(17, false).keep(12, 6),
                Strategies.named("random").build(Map.of(), 17, null).keep(12, 6));
        assertEquals(new RandomDrop(0, false).keep(12, 6),
                Strategies.named("random").build(Map.of("seed", "0"), 17, null).keep(12, 6));
    }

    @Test
    void randomIsSeededNestedAndOfTheRightSize() {
        DropStrategy a = Strategies.byName("random", Map.of("seed", "7"));
        for (int k = 0; k < 12; k++) {
            List<Integer> kept = a.keep(12, k);
            assertEquals(12 - k, kept.size());
            assertEquals(new TreeSet<>(kept).stream().toList(), kept, "sorted and distinct");
            assertEquals(kept, new RandomDrop(7, false).keep(12, k), "same seed, same layers");
            if (k > 0) {
                assertTrue(a.keep(12, k - 1).containsAll(kept), "K drops a superset of K-1's layers");
            }
        }
        Set<List<Integer>> choices = new HashSet<>();
        for (long seed = 0; seed < 20; seed++) {
            choices.add(new RandomDrop(seed, false).keep(12, 6));
        }
        assertTrue(choices.size() > 10, "seeds should give different layers, got " + choices.size());
    }

    @Test
    void randomDropsEveryLayerAboutEquallyOften() {
        int[] dropped = new int[12];
        for (long seed = 0; seed < 1200; seed++) {
            List<Integer> kept = new RandomDrop(seed, false).keep(12, 1);
            for (int layer = 0; layer < 12; layer++) {
                if (!kept.contains(layer)) {
                    dropped[layer]++;
                }
            }
        }
        for (int layer = 0; layer < 12; layer++) {
            // Expected 100 each; binomial sd ≈ 9.6, so 60..140 is over four standard deviations.
            assertTrue(dropped[layer] > 60 && dropped[layer] < 140, "layer " + layer + " dropped " + dropped[layer]);
        }
        assertNotEquals(new RandomDrop(1, false).keep(12, 6), new RandomDrop(2, false).keep(12, 6));
    }
}
