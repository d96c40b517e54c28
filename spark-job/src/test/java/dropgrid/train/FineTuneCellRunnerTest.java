package dropgrid.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dropgrid.drop.RandomDrop;
import dropgrid.model.Architecture;
import dropgrid.vocabulary.DropStage;
import dropgrid.vocabulary.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whole cells through the runner on real GLUE files with a tiny random BERT and small limits. */
class FineTuneCellRunnerTest {

    private static final Hyperparameters HP =
            new Hyperparameters(1e-3, 8, 1, 32, 0.1, true, 0.01, 1.0, 0.1, true, false);
    private static final Limits LIMITS = new Limits(48, 40, 4);

    private static Cell cell(String task, String strategy, int drop, DropStage stage, Map<String, String> options,
            Hyperparameters hp) {
        return new Cell("test", "tiny-bert", Architecture.BERT, TinyBert.dir("bert-bare").toString(), task,
                TinyBert.glueDir().toString(), strategy, drop, stage, options, 17, hp, LIMITS, 1, false);
    }

    @Test
    void smokeCellOnRealRteFillsEveryField() {
        CellResult r = new FineTuneCellRunner().run(cell("RTE", "top", 1, DropStage.PRETRAINED, Map.of(), HP));
        assertEquals(Status.OK, r.status(), r.failureReason());
        assertEquals("", r.failureReason());
        assertEquals(3, r.pretrainedDepth());
        assertEquals(List.of(0, 1), r.keptLayers());
        assertEquals(List.of(), r.layerScores());
        assertEquals(List.of("accuracy"), List.copyOf(r.metrics().keySet()));
        double accuracy = r.metrics().get("accuracy");
        assertTrue(accuracy >= 0 && accuracy <= 1, "accuracy " + accuracy);
        assertEquals(100 * accuracy, r.headline(), 1e-9);
        // Hand-counted from config.json (vocab 68, E 48, 32 positions, 2 types, FFN 96): embeddings 4,992 +
        // 2 layers × 18,960; the total adds the pooler (2,352) and the 2-class head (98).
        assertEquals(42_912, r.paramsEncoder());
        assertEquals(45_362, r.paramsTotal());
        assertEquals(48, r.trainExamples());
        assertEquals(4, r.trainSteps());
        assertEquals(40, r.evalExamples());
        assertTrue(r.finetuneSeconds() > 0 && r.evalSeconds() > 0, r.finetuneSeconds() + " " + r.evalSeconds());
        assertEquals(0.0, r.selectSeconds());
        assertTrue(r.trainTokensPerSecond() > 0 && r.evalExamplesPerSecond() > 0);
        assertTrue(r.peakHeapBytes() > 0 && r.peakRssBytes() > r.peakHeapBytes() / 100);
        assertEquals("cpu()", r.device());
        assertFalse(r.host().isBlank());
        assertFalse(r.finishedAt().isBefore(r.startedAt()));
    }

    /** bert-bare has 32 positions: a 64-token max_seq_length is cut to them instead of failing every example. */
    @Test
    void aMaxSeqLengthBeyondThePositionTableIsCutToIt() {
        Hyperparameters longer = new Hyperparameters(1e-3, 8, 1, 64, 0.1, true, 0.01, 1.0, 0.1, true, false);
        CellResult r = new FineTuneCellRunner().run(cell("RTE", "top", 1, DropStage.PRETRAINED, Map.of(), longer));
        assertEquals(Status.OK, r.status(), r.failureReason());
    }

    /** STS-B's Pearson r is continuous, so any difference in the predictions would show in it. */
    @Test
    void sameSeedTwiceGivesTheSameDevScore() {
        Cell c = cell("STS-B", "bottom", 1, DropStage.PRETRAINED, Map.of(), HP);
        CellResult a = new FineTuneCellRunner().run(c);
        CellResult b = new FineTuneCellRunner().run(c);
        assertEquals(Status.OK, a.status(), a.failureReason());
        assertEquals(a.metrics(), b.metrics());
        assertEquals(a.headline(), b.headline());
        CellResult otherSeed = new FineTuneCellRunner().run(new Cell("test", "tiny-bert", Architecture.BERT,
                c.modelSource(), c.task(), c.glueDir(), c.strategy(), c.drop(), c.stage(), Map.of(), 18, HP, LIMITS, 1,
                false));
        assertTrue(otherSeed.headline() != a.headline(), "another seed should score differently: " + a.headline());
    }

    @Test
    void regressionCellScoresPearsonAndSpearman() {
        CellResult r = new FineTuneCellRunner().run(cell("STS-B", "none", 0, DropStage.PRETRAINED, Map.of(), HP));
        assertEquals(Status.OK, r.status(), r.failureReason());
        assertEquals(List.of(0, 1, 2), r.keptLayers());
        assertEquals(java.util.Set.of("pearson", "spearman"), r.metrics().keySet());
        assertTrue(Double.isFinite(r.metrics().get("pearson")) && Double.isFinite(r.metrics().get("spearman")));
        assertEquals(100 * r.metrics().get("pearson"), r.headline(), 1e-9);
    }

    @Test
    void dataDependentStrategyRecordsLayerScoresAndSelectTime() {
        CellResult r = new FineTuneCellRunner().run(
                cell("RTE", "contribution", 1, DropStage.PRETRAINED, Map.of("sample_size", "16"), HP));
        assertEquals(Status.OK, r.status(), r.failureReason());
        assertEquals(2, r.keptLayers().size());
        assertEquals(3, r.layerScores().size());
        assertTrue(r.selectSeconds() > 0);
    }

    @Test
    void twoStageCellFineTunesTwiceAndDropsFromTheFineTunedModel() {
        CellResult r = new FineTuneCellRunner().run(cell("RTE", "top", 2, DropStage.FINETUNED, Map.of(), HP));
        assertEquals(Status.OK, r.status(), r.failureReason());
        assertEquals(List.of(0), r.keptLayers());
        assertEquals(8, r.trainSteps(), "two stages of 4 steps");
    }

    @Test
    void twoStageDataDependentCellMeasuresTheFineTunedModel() {
        Map<String, String> options = Map.of("sample_size", "16");
        CellResult pretrained = new FineTuneCellRunner().run(
                cell("RTE", "contribution", 1, DropStage.PRETRAINED, options, HP));
        CellResult fineTuned = new FineTuneCellRunner().run(
                cell("RTE", "contribution", 1, DropStage.FINETUNED, options, HP));
        assertEquals(Status.OK, fineTuned.status(), fineTuned.failureReason());
        assertEquals(3, fineTuned.layerScores().size());
        assertTrue(!pretrained.layerScores().equals(fineTuned.layerScores()),
                "scores measured after fine-tuning should differ from the pre-trained ones: "
                        + fineTuned.layerScores());
    }

    @Test
    void explicitLayersAreKeptAsGiven() {
        CellResult r = new FineTuneCellRunner().run(
                cell("RTE", "explicit", 1, DropStage.PRETRAINED, Map.of("layers", "0,2"), HP));
        assertEquals(Status.OK, r.status(), r.failureReason());
        assertEquals(List.of(0, 2), r.keptLayers());
    }

    @Test
    void randomStrategyShufflesWithTheCellSeedUnlessItsOptionsNameOne() {
        List<Integer> seed17 = new RandomDrop(17, false).select(12, 6).kept();
        List<Integer> seed0 = new RandomDrop(0, false).select(12, 6).kept();
        assertNotEquals(seed0, seed17, "the check needs two seeds that keep different layers");

        Cell cellSeed = cell("RTE", "random", 6, DropStage.PRETRAINED, Map.of(), HP);
        assertEquals(seed17, FineTuneCellRunner.select(cellSeed, 12, null).kept());
        Cell ownSeed = cell("RTE", "random", 6, DropStage.PRETRAINED, Map.of("seed", "0"), HP);
        assertEquals(seed0, FineTuneCellRunner.select(ownSeed, 12, null).kept());
    }

    /** A Spark executor runs several tasks in one JVM with one shared runner. */
    @Test
    void twoCellsAtOnceInOneJvmBothSucceed() throws Exception {
        FineTuneCellRunner runner = new FineTuneCellRunner();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> runner.run(cell("RTE", "top", 1, DropStage.PRETRAINED, Map.of(), HP)));
            var b = pool.submit(() -> runner.run(cell("STS-B", "bottom", 2, DropStage.FINETUNED, Map.of(), HP)));
            assertEquals(Status.OK, a.get().status(), a.get().failureReason());
            assertEquals(Status.OK, b.get().status(), b.get().failureReason());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void divergingCellFailsWithAClearReason() {
        Hyperparameters huge = new Hyperparameters(1e30, 8, 1, 32, 0.0, false, 0.0, 0.0, 0.1, true, false);
        CellResult r = new FineTuneCellRunner().run(cell("RTE", "none", 0, DropStage.PRETRAINED, Map.of(), huge));
        assertEquals(Status.FAILED, r.status());
        assertTrue(r.failureReason().startsWith(TrainingDivergedException.class.getName())
                && r.failureReason().contains("diverged"), r.failureReason());
        assertTrue(Double.isNaN(r.headline()));
    }

    @Test
    void badCellIsAFailedRowNotAnException() {
        CellResult r = new FineTuneCellRunner().run(cell("RTE", "top", 7, DropStage.PRETRAINED, Map.of(), HP));
        assertEquals(Status.FAILED, r.status());
        assertTrue(r.failureReason().contains("K = 7"), r.failureReason());
    }
}
