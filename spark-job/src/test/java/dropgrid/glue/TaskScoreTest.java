package dropgrid.glue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskScoreTest {

    // gold 0 1 1 0 1 0 1 1, predicted 0 1 0 0 1 1 1 1: TP 4, FP 1, FN 1, TN 2.
    private static final int[] GOLD = {0, 1, 1, 0, 1, 0, 1, 1};
    private static final int[] PREDICTED = {0, 1, 0, 0, 1, 1, 1, 1};

    @Test
    void mrpcGivesF1AndAccuracyWithF1AsHeadline() {
        TaskScore s = TaskScore.of(GlueTask.MRPC, Split.DEV, PREDICTED, GOLD);
        assertEquals(List.of("f1", "accuracy"), List.copyOf(s.metrics().keySet()));
        assertEquals(0.8, s.metrics().get("f1"), 1e-15);  // 2·4 / (2·4 + 1 + 1)
        assertEquals(0.75, s.metrics().get("accuracy"), 1e-15);
        assertEquals(80.0, s.headline(), 1e-12);
        assertEquals(Map.of("metric_f1", 0.8, "metric_accuracy", 0.75, "headline", 80.0).keySet(),
                s.columns().keySet());
    }

    @Test
    void colaHeadlineIsMccOnTheHundredScale() {
        // MCC = (TP·TN − FP·FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN)) = (8 − 1) / sqrt(5·5·3·3) = 7/15
        TaskScore s = TaskScore.of(GlueTask.COLA, Split.DEV, PREDICTED, GOLD);
        assertEquals(Map.of("mcc", 7.0 / 15), s.metrics());
        assertEquals(700.0 / 15, s.headline(), 1e-12);
    }

    @Test
    void mnliJoinsMatchedAndMismatchedAndTakesItsHeadlineFromMatched() {
        TaskScore matched = TaskScore.of(GlueTask.MNLI, Split.DEV, new int[] {0, 1, 2, 2}, new int[] {0, 1, 2, 1});
        TaskScore mismatched = TaskScore.of(GlueTask.MNLI, Split.DEV_MISMATCHED, new int[] {0, 0}, new int[] {0, 1});
        TaskScore both = matched.plus(mismatched);
        assertEquals(Map.of("accuracy", 0.75, "accuracy_mismatched", 0.5), both.metrics());
        assertEquals(75.0, both.headline(), 1e-12);
        assertThrows(IllegalStateException.class, mismatched::headline);
    }

    @Test
    void stsbGivesPearsonAndSpearmanAndRejectsClassIndices() {
        TaskScore s = TaskScore.of(GlueTask.STSB, Split.DEV, new double[] {1, 2, 3}, new double[] {2, 4, 6.5});
        assertEquals(1.0, s.metrics().get("spearman"), 1e-15);
        assertEquals(100 * s.metrics().get("pearson"), s.headline(), 1e-12);
        var e = assertThrows(IllegalArgumentException.class,
                () -> TaskScore.of(GlueTask.STSB, Split.DEV, new int[] {1}, new int[] {1}));
        assertTrue(e.getMessage().contains("regression"), e.getMessage());
    }

    @Test
    void examplesSupplyGoldLabelsByName() {
        List<Example> gold = List.of(Example.classified("dev-0", "a", "b", "not_entailment"),
                Example.classified("dev-1", "c", "d", "entailment"));
        // RTE labels: entailment = 0, not_entailment = 1.
        assertEquals(50.0, TaskScore.of(GlueTask.RTE, Split.DEV, new int[] {1, 1}, gold).headline(), 1e-12);
        List<Example> scored = List.of(Example.scored("dev-0", "a", "b", 1.0), Example.scored("dev-1", "c", "d", 4.0),
                Example.scored("dev-2", "e", "f", 2.5));
        assertEquals(-100.0, TaskScore.of(GlueTask.STSB, Split.DEV, new double[] {3, 1, 2}, scored).headline(), 1e-9);
    }

    @Test
    void classIndexOutsideTheLabelSetIsRejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> TaskScore.of(GlueTask.RTE, Split.DEV, new int[] {0, 2}, new int[] {0, 1}));
        assertTrue(e.getMessage().contains("prediction 2 at position 1"), e.getMessage());
    }
}
