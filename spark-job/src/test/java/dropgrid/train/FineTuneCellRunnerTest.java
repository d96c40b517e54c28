package dropgrid.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dropgrid.drop.RandomDrop;
import dropgrid.kernels.Kernels;
import dropgrid.kernels.Precision;
import dropgrid.model.Architecture;
import dropgrid.vocabulary.DropStage;
import dropgrid.vocabulary.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    private static Cell cell(String task, String strategy, int drop, DropStage stage, Map<String, String> options,
            boolean freezeDropped, Set<LayerAnalyses.Kind> analyses) {
        return new Cell("test", "tiny-bert", Architecture.BERT, TinyBert.dir("bert-bare").toString(), task,
                TinyBert.glueDir().toString(), strategy, drop, stage, options, 17, HP, LIMITS, freezeDropped, analyses, 1,
                false);
    }

    @Test
    void smokeCellOnRealRteFillsEveryField() {
        CellResult r = new FineTuneCellRunner().run(cell("RTE", "top", 1, DropStage.PRETRAINED, Map.of(), HP));
        assertEquals(Status.OK, r.status(), r.failureReason());
        assertEquals("", r.failureReason());
        assertEquals(3, r.layers().pretrainedDepth());
        assertEquals(List.of(0, 1), r.layers().keptLayers());
        assertEquals(List.of(), r.layers().layerScores());
        assertEquals(List.of("accuracy"), List.copyOf(r.evaluation().metrics().keySet()));
        double accuracy = r.evaluation().metrics().get("accuracy");
        assertTrue(accuracy >= 0 && accuracy <= 1, "accuracy " + accuracy);
        assertEquals(100 * accuracy, r.evaluation().headline(), 1e-9);
        // Hand-counted from config.json (vocab 68, E 48, 32 positions, 2 types, FFN 96): embeddings 4,992 +
        // 2 layers × 18,960; the total adds the pooler (2,352) and the 2-class head (98).
        assertEquals(42_912, r.params().encoder());
        assertEquals(45_362, r.params().total());
        assertEquals(48, r.training().trainExamples());
        assertEquals(4, r.training().trainSteps());
        assertEquals(32, r.training().seqLength());
        assertEquals(40, r.evaluation().evalExamples());
        double finetuneSeconds = r.training().finetuneSeconds();
        double evalSeconds = r.evaluation().evalSeconds();
        assertTrue(finetuneSeconds > 0 && evalSeconds > 0, finetuneSeconds + " " + evalSeconds);
        assertEquals(0.0, r.layers().selectSeconds());
        assertTrue(r.training().trainTokensPerSecond() > 0 && r.evaluation().evalExamplesPerSecond() > 0);
        CellResult.Execution execution = r.execution();
        assertTrue(execution.peakHeapBytes() > 0 && execution.peakRssBytes() > execution.peakHeapBytes() / 100);
        assertEquals("cpu()", r.execution().device());
        assertEquals("native", r.execution().kernels());
        assertFalse(r.execution().host().isBlank());
        assertFalse(r.execution().finishedAt().isBefore(r.execution().startedAt()));
    }

    /** bert-bare has 32 positions: a 64-token max_seq_length is cut to them instead of failing every example. */
    @Test
    void aMaxSeqLengthBeyondThePositionTableIsCutToIt() {
        Hyperparameters longer = new Hyperparameters(1e-3, 8, 1, 64, 0.1, true, 0.01, 1.0, 0.1, true, false);
        CellResult r = new FineTuneCellRunner().run(cell("RTE", "top", 1, DropStage.PRETRAINED, Map.of(), longer));
        assertEquals(Status.OK, r.status(), r.failureReason());
        assertEquals(32, r.training().seqLength(), "the length the cell used");
    }

    /** STS-B's Pearson r is continuous, so any difference in the predictions would show in it. */
    @Test
    void sameSeedTwiceGivesTheSameDevScore() {
        Cell c = cell("STS-B", "bottom", 1, DropStage.PRETRAINED, Map.of(), HP);
        CellResult a = new FineTuneCellRunner().run(c);
        CellResult b = new FineTuneCellRunner().run(c);
        assertEquals(Status.OK, a.status(), a.failureReason());
        assertEquals(a.evaluation().metrics(), b.evaluation().metrics());
        assertEquals(a.evaluation().headline(), b.evaluation().headline());
        CellResult otherSeed = new FineTuneCellRunner().run(new Cell("test", "tiny-bert", Architecture.BERT,
                c.modelSource(), c.task(), c.glueDir(), c.strategy(), c.drop(), c.stage(), Map.of(), 18, HP, LIMITS, 1,
                false));
        assertTrue(otherSeed.evaluation().headline() != a.evaluation().headline(),
                "another seed should score differently: " + a.evaluation().headline());
    }

    @Test
    void regressionCellScoresPearsonAndSpearman() {
        CellResult r = new FineTuneCellRunner().run(cell("STS-B", "none", 0, DropStage.PRETRAINED, Map.of(), HP));
        assertEquals(Status.OK, r.status(), r.failureReason());
        assertEquals(List.of(0, 1, 2), r.layers().keptLayers());
        assertEquals(java.util.Set.of("pearson", "spearman"), r.evaluation().metrics().keySet());
        Map<String, Double> metrics = r.evaluation().metrics();
        assertTrue(Double.isFinite(metrics.get("pearson")) && Double.isFinite(metrics.get("spearman")));
        assertEquals(100 * r.evaluation().metrics().get("pearson"), r.evaluation().headline(), 1e-9);
    }

    @Test
    void dataDependentStrategyRecordsLayerScoresAndSelectTime() {
        CellResult r = new FineTuneCellRunner().run(
                cell("RTE", "contribution", 1, DropStage.PRETRAINED, Map.of("sample_size", "16"), HP));
        assertEquals(Status.OK, r.status(), r.failureReason());
        assertEquals(2, r.layers().keptLayers().size());
        assertEquals(3, r.layers().layerScores().size());
        assertTrue(r.layers().selectSeconds() > 0);
    }

    @Test
    void twoStageCellFineTunesTwiceAndDropsFromTheFineTunedModel() {
        CellResult r = new FineTuneCellRunner().run(cell("RTE", "top", 2, DropStage.FINETUNED, Map.of(), HP));
        assertEquals(Status.OK, r.status(), r.failureReason());
        assertEquals(List.of(0), r.layers().keptLayers());
        assertEquals(8, r.training().trainSteps(), "two stages of 4 steps");
    }

    @Test
    void twoStageDataDependentCellMeasuresTheFineTunedModel() {
        Map<String, String> options = Map.of("sample_size", "16");
        CellResult pretrained = new FineTuneCellRunner().run(
                cell("RTE", "contribution", 1, DropStage.PRETRAINED, options, HP));
        CellResult fineTuned = new FineTuneCellRunner().run(
                cell("RTE", "contribution", 1, DropStage.FINETUNED, options, false, Set.of()));
        assertEquals(Status.OK, fineTuned.status(), fineTuned.failureReason());
        assertEquals(3, fineTuned.layers().layerScores().size());
        assertTrue(!pretrained.layers().layerScores().equals(fineTuned.layers().layerScores()),
                "scores measured after fine-tuning should differ from the pre-trained ones: "
                        + fineTuned.layers().layerScores());
        // Freezing the layers to drop (the default) needs them before stage 1: chosen on the pre-trained model.
        CellResult frozen = new FineTuneCellRunner().run(
                cell("RTE", "contribution", 1, DropStage.FINETUNED, options, HP));
        assertEquals(Status.OK, frozen.status(), frozen.failureReason());
        assertEquals(pretrained.layers().layerScores(), frozen.layers().layerScores());
    }

    @Test
    void twoStageCellFreezesTheLayersToDropUnlessToldNot() {
        List<String> log = new ArrayList<>();
        Cell frozenCell = cell("STS-B", "top", 2, DropStage.FINETUNED, Map.of(), HP);
        assertTrue(frozenCell.freezesDropped(), "freezing is the default of a two-stage cell");
        CellResult frozen = new FineTuneCellRunner(log::add).run(frozenCell);
        assertEquals(Status.OK, frozen.status(), frozen.failureReason());
        assertTrue(log.stream().anyMatch(l -> l.contains("stage 1: fine-tuning 3 layers (layers [1, 2] frozen)")),
                log.toString());
        CellResult trained = new FineTuneCellRunner().run(
                cell("STS-B", "top", 2, DropStage.FINETUNED, Map.of(), false, Set.of()));
        assertEquals(Status.OK, trained.status(), trained.failureReason());
        assertNotEquals(frozen.evaluation().headline(), trained.evaluation().headline(),
                "training the dropped layers in stage 1 changes what the kept ones learn");
        assertNotEquals(frozenCell.id(), cell("STS-B", "top", 2, DropStage.FINETUNED, Map.of(), false, Set.of()).id());
    }

    @Test
    void analysesMeasureEveryHiddenStateOfTheFinalModel() {
        List<String> log = new ArrayList<>();
        CellResult r = new FineTuneCellRunner(log::add).run(cell("RTE", "top", 1, DropStage.PRETRAINED, Map.of(), false,
                Set.of(LayerAnalyses.Kind.DRIFT, LayerAnalyses.Kind.PROBE)));
        assertEquals(Status.OK, r.status(), r.failureReason());
        LayerAnalyses a = r.analyses();
        // Embeddings + the two kept layers.
        assertEquals(3, a.driftCls().size());
        assertEquals(3, a.driftTokens().size());
        assertEquals(3, a.probeScores().size());
        a.driftCls().forEach(c -> assertTrue(c > 0.5 && c <= 1.0 + 1e-6, "a few steps move the states little: " + a));
        a.probeScores().forEach(p -> assertTrue(p >= 0 && p <= 100, "an accuracy: " + a));
        assertTrue(log.stream().anyMatch(l -> l.contains("probe dev score by hidden state")), log.toString());
        CellResult plain = new FineTuneCellRunner().run(cell("RTE", "top", 1, DropStage.PRETRAINED, Map.of(), HP));
        assertEquals(LayerAnalyses.none(), plain.analyses());
    }

    @Test
    void explicitLayersAreKeptAsGiven() {
        CellResult r = new FineTuneCellRunner().run(
                cell("RTE", "explicit", 1, DropStage.PRETRAINED, Map.of("layers", "0,2"), HP));
        assertEquals(Status.OK, r.status(), r.failureReason());
        assertEquals(List.of(0, 2), r.layers().keptLayers());
    }

    @Test
    void randomStrategyShufflesWithTheCellSeedUnlessItsOptionsNameOne() {
        List<Integer> seed17 = new RandomDrop(17, false).select(12, 6).kept();
        List<Integer> seed0 = new RandomDrop(0, false).select(12, 6).kept();
        assertNotEquals(seed0, seed17, "the check needs two seeds that keep different layers");

        Cell cellSeed = cell("RTE", "random", 6, DropStage.PRETRAINED, Map.of(), HP);
        assertEquals(seed17, LayerChoice.strategy(cellSeed, null).select(12, 6).kept());
        Cell ownSeed = cell("RTE", "random", 6, DropStage.PRETRAINED, Map.of("seed", "0"), HP);
        assertEquals(seed0, LayerChoice.strategy(ownSeed, null).select(12, 6).kept());
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
        assertTrue(Double.isNaN(r.evaluation().headline()));
    }

    /** Where the native kernels are absent, fp32 runs on DJL's operators and says so; bf16 fails, saying why. */
    @Test
    void withoutNativeKernelsFp32RunsOnDjlAndBf16FailsWithTheReason() throws Exception {
        try (AutoCloseable djl = Kernels.djlOnly()) {
            CellResult fp32 = new FineTuneCellRunner().run(cell("RTE", "none", 0, DropStage.PRETRAINED, Map.of(), HP));
            assertEquals(Status.OK, fp32.status(), fp32.failureReason());
            assertEquals("djl", fp32.execution().kernels());
            CellResult bf16 = new FineTuneCellRunner().run(cell("RTE", "none", 0, DropStage.PRETRAINED, Map.of(),
                    HP.withPrecision(Precision.BF16)));
            assertEquals(Status.FAILED, bf16.status());
            assertTrue(bf16.failureReason().contains("precision bf16 needs dropgrid's native kernels"),
                    bf16.failureReason());
        }
    }

    @Test
    void badCellIsAFailedRowNotAnException() {
        CellResult r = new FineTuneCellRunner().run(cell("RTE", "top", 7, DropStage.PRETRAINED, Map.of(), HP));
        assertEquals(Status.FAILED, r.status());
        assertTrue(r.failureReason().contains("K = 7"), r.failureReason());
    }
}
