package dropgrid.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dropgrid.vocabulary.Baseline;
import dropgrid.vocabulary.DropStage;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The embedded paper numbers read back, checked against each other and against values copied from the paper. */
class PaperNumbersTest {

    private final PaperNumbers paper = PaperNumbers.get();

    @Test
    void topRowsOfTheAveragesAreTheMeansOfTableOne() {
        // strategy-averages.csv says its top and none rows are exact means of Table 1, rounded to 2 decimals.
        int checked = 0;
        for (String model : List.of("bert-base", "xlnet-base", "distilbert-base")) {
            for (int drop : paper.topDrops(model)) {
                String strategy = drop == 0 ? Baseline.STRATEGY : "top";
                double mean = paper.topAverage(model, drop, PaperNumbers.TASKS);
                assertEquals(paper.average(model, strategy, drop).orElseThrow().value(), mean, 0.005, model + " K=" + drop);
                checked++;
            }
        }
        assertEquals(12, checked);
    }

    @Test
    void valuesAsPrinted() {
        assertEquals(List.of("SST-2", "MNLI", "QNLI", "QQP", "STS-B", "RTE", "MRPC"), PaperNumbers.TASKS);
        assertEquals(80.15, paper.topScore("bert-base", 6, "MRPC").orElseThrow(), 1e-12);
        assertEquals(71.84, paper.topScore("roberta-base", 2, "RTE").orElseThrow(), 1e-12);
        assertTrue(paper.topScore("bert-base", 6, "CoLA").isEmpty());
        assertEquals(70.28, paper.average("bert-base", "bottom", 6).orElseThrow().value(), 1e-12);
        assertEquals(66, paper.cost("bert-base", 6).orElseThrow().paramsMillions(), 1e-12);
        assertEquals(1.94, paper.cost("bert-base", 6).orElseThrow().finetuneSpeedup(), 1e-12);
        List<Double> bert = paper.similarity("bert-base");
        assertEquals(13, bert.size());
        assertEquals(1.0, bert.get(0), 1e-12);
        assertEquals(0.265, bert.get(12), 1e-12);
        assertEquals(List.of(0, 2, 4, 6), paper.topDrops("bert-base"));
    }

    @Test
    void ourModelsMapToThePapersByArchitectureAndDepth() {
        assertEquals(Optional.of("bert-base"), paper.paperModel("bert", 12));
        assertEquals(Optional.of("distilbert-base"), paper.paperModel("distilbert", 6));
        assertEquals(Optional.of("roberta-base"), paper.paperModel("roberta", 12));
        assertEquals(Optional.of("xlnet-base"), paper.paperModel("xlnet", 12));
        assertEquals(Optional.empty(), paper.paperModel("bert", 24));
        assertEquals(Optional.empty(), paper.paperModel("bert", 4));
        assertEquals(Optional.empty(), paper.paperModel("albert", 12));
    }

    @Test
    void thePaperViewScoresAccuracyAndStsbPearson() {
        ReportRow mrpc = new ReportRow("a", "m", "bert", "MRPC", "top", 6, DropStage.PRETRAINED.id(), 12, List.of(), 1, 0, 0,
                88.0, 0.84, Double.NaN, 1, 1, 1, "ok", "");
        ReportRow stsb = new ReportRow("b", "m", "bert", "STS-B", "top", 6, DropStage.PRETRAINED.id(), 12, List.of(), 1, 0, 0,
                87.0, Double.NaN, 0.87, 1, 1, 1, "ok", "");
        ReportRow cola = new ReportRow("c", "m", "bert", "CoLA", "top", 6, DropStage.PRETRAINED.id(), 12, List.of(), 1, 0, 0,
                55.0, 0.8, Double.NaN, 1, 1, 1, "ok", "");
        assertEquals(84.0, ScoreView.PAPER.score(mrpc), 1e-12);
        assertEquals(88.0, ScoreView.HEADLINE.score(mrpc), 1e-12);
        assertEquals(87.0, ScoreView.PAPER.score(stsb), 1e-12);
        assertTrue(Double.isNaN(ScoreView.PAPER.score(cola)), "CoLA is not one of the paper's seven tasks");
        assertEquals(55.0, ScoreView.HEADLINE.score(cola), 1e-12);
    }
}
