package dropgrid.glue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GlueTaskTest {

    @Test
    void headlinesFollowTheGlueConvention() {
        // docs/results-schema.md: CoLA MCC; SST-2, QNLI, RTE, WNLI accuracy; MNLI matched accuracy;
        // MRPC and QQP F1; STS-B Pearson.
        Map<GlueTask, String> expected = Map.of(GlueTask.COLA, "mcc", GlueTask.SST2, "accuracy", GlueTask.MRPC, "f1",
                GlueTask.STSB, "pearson", GlueTask.QQP, "f1", GlueTask.MNLI, "accuracy", GlueTask.QNLI, "accuracy",
                GlueTask.RTE, "accuracy", GlueTask.WNLI, "accuracy");
        for (GlueTask task : GlueTask.values()) {
            assertEquals(expected.get(task), task.headline(), task.toString());
            assertEquals(task.headline(), task.metrics().get(0), task + ": headline first");
        }
    }

    @Test
    void everyMetricHasAColumnInTheResultsSchema() throws IOException {
        String schema = Files.readString(Path.of("..", "docs", "results-schema.md"));
        for (GlueTask task : GlueTask.values()) {
            for (String metric : task.metrics()) {
                assertTrue(schema.contains("| metric_" + metric + " | double |"), task + " metric " + metric);
            }
        }
    }

    @Test
    void huggingFaceLabelsAreThePermutedLabelSet() {
        for (GlueTask task : GlueTask.values()) {
            assertEquals(new HashSet<>(task.labels()), new HashSet<>(task.hfLabels()), task.toString());
        }
        assertEquals(List.of("entailment", "neutral", "contradiction"), GlueTask.MNLI.hfLabels());
    }

    @Test
    void tsvLayoutsPointInsideTheirColumns() {
        for (GlueTask task : GlueTask.values()) {
            for (Split split : List.of(Split.TRAIN, Split.DEV)) {
                GlueTask.TsvLayout layout = task.tsvLayout(split);
                int n = layout.columns().size();
                assertTrue(layout.textA() >= 0 && layout.textA() < n && layout.label() >= 0 && layout.label() < n
                        && layout.textB() < n, task + " " + split + " " + layout);
                assertEquals(task.isPair(), layout.textB() >= 0, task.toString());
                assertEquals(task.isPair(), task.hfTextB() != null, task.toString());
            }
        }
        assertEquals(12, GlueTask.MNLI.tsvLayout(Split.TRAIN).columns().size());
        assertEquals(16, GlueTask.MNLI.tsvLayout(Split.DEV_MISMATCHED).columns().size());
    }

    @Test
    void filesAndSplitNamesOfBothLayouts() {
        assertEquals("dev_matched.tsv", GlueTask.MNLI.tsvFile(Split.DEV));
        assertEquals("validation_mismatched", GlueTask.MNLI.hfSplit(Split.DEV_MISMATCHED));
        assertEquals("validation", GlueTask.SST2.hfSplit(Split.DEV));
        assertEquals("accuracy_mismatched", GlueTask.MNLI.metricName("accuracy", Split.DEV_MISMATCHED));
        assertEquals(List.of(Split.DEV), GlueTask.QQP.devSplits());
        assertEquals(GlueTask.STSB, GlueTask.parse("sts-b"));
        var e = assertThrows(IllegalArgumentException.class, () -> GlueTask.RTE.labelIndex("neutral"));
        assertEquals("unknown RTE label 'neutral'; allowed: entailment, not_entailment", e.getMessage());
    }
}
