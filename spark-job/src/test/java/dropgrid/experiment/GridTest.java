package dropgrid.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dropgrid.train.Cell;
import dropgrid.vocabulary.DropStage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GridTest {

    @TempDir Path dir;
    Grid grid;

    @BeforeEach
    void expand() throws IOException {
        Files.createDirectories(dir.resolve("models/tiny-bert"));
        Files.copy(SpecReaderTest.RESOURCES.resolve("models/tiny-bert/config.json"),
                dir.resolve("models/tiny-bert/config.json"));
        Path spec = dir.resolve("grid.yaml");
        Files.writeString(spec, """
                name: g
                output: out
                glue_dir: ${GLUE_DIR}
                models:
                  - {id: tiny, source: models/tiny-bert}
                  - {id: base, source: bert-base-uncased}
                strategies: [top, bottom, symmetric]
                drop: [2, 0.5]
                tasks: [RTE, MRPC]
                seeds: [1, 2]
                two_stage: {strategies: [top], drop: [2]}
                """);
        grid = SpecReader.load(spec.toString(), new Configuration(), SpecReaderTest.env(dir), SpecReader.Overrides.NONE);
    }

    @Test
    void cellCountsMatchTheHandCount() {
        // tiny (L=4): 0.5 x 4 = 2 duplicates K=2, so per task and seed 1 baseline + 3 strategies x 1 K + 1 two-stage = 5.
        // base (L=12): K in {2, 6}: 1 + 3 x 2 + 1 = 8. Two tasks x two seeds each: 4 x 5 + 4 x 8 = 52.
        assertEquals(52, grid.cells().size());
        Map<String, Long> perModel = grid.cells().stream().collect(Collectors.groupingBy(Cell::modelId, Collectors.counting()));
        assertEquals(Map.of("tiny", 20L, "base", 32L), perModel);
        assertEquals(52, grid.cells().stream().map(Cell::id).distinct().count());
    }

    @Test
    void baselineAppearsOncePerModelTaskAndSeed() {
        List<Cell> baselines = grid.cells().stream().filter(c -> c.strategy().equals("none")).toList();
        assertEquals(8, baselines.size());
        baselines.forEach(c -> assertEquals(0, c.drop()));
        assertEquals(8, baselines.stream().map(c -> c.modelId() + c.task() + c.seed()).distinct().count());
    }

    @Test
    void twoStageCellsDropFromTheFineTunedModel() {
        List<Cell> twoStage = grid.cells().stream().filter(c -> c.stage() == DropStage.FINETUNED).toList();
        assertEquals(8, twoStage.size());
        twoStage.forEach(c -> assertEquals("top", c.strategy()));
        twoStage.forEach(c -> assertEquals(2, c.drop()));
    }

    @Test
    void twoStageCellsFreezeTheLayersToDropByDefaultAndNoCellAnalyses() {
        grid.cells().forEach(c -> assertEquals(c.stage() == DropStage.FINETUNED, c.freezesDropped(), c.canonical()));
        grid.cells().forEach(c -> assertEquals(java.util.Set.of(), c.analyses()));
        // Cells without freezing and analyses keep the canonical form (and id) they had before both existed.
        grid.cells().stream().filter(c -> c.stage() == DropStage.PRETRAINED)
                .forEach(c -> assertTrue(!c.canonical().contains("freeze") && !c.canonical().contains("analyses")));
    }

    @Test
    void specAnalysesAndUnfrozenTwoStageReachEveryCell() throws IOException {
        Path spec = dir.resolve("analyses.yaml");
        Files.writeString(spec, """
                name: g
                output: out
                glue_dir: ${GLUE_DIR}
                models: [{id: tiny, source: models/tiny-bert}]
                strategies: [top]
                drop: [2]
                tasks: [RTE]
                two_stage: {strategies: [top], drop: [2], freeze_dropped: false}
                analyses: [probe, drift]
                """);
        Grid g = SpecReader.load(spec.toString(), new Configuration(), SpecReaderTest.env(dir), SpecReader.Overrides.NONE);
        assertEquals(3, g.cells().size());
        g.cells().forEach(c -> assertEquals(java.util.Set.of(dropgrid.train.LayerAnalyses.Kind.DRIFT,
                dropgrid.train.LayerAnalyses.Kind.PROBE), c.analyses()));
        g.cells().forEach(c -> assertTrue(!c.freezesDropped()));
        g.cells().forEach(c -> assertTrue(c.canonical().endsWith("|analyses=[drift, probe]"), c.canonical()));

        Files.writeString(spec, Files.readString(spec).replace("[probe, drift]", "[probe, saliency]"));
        SpecException e = assertThrows(SpecException.class, () -> SpecReader.load(spec.toString(), new Configuration(),
                SpecReaderTest.env(dir), SpecReader.Overrides.NONE));
        assertTrue(e.getMessage().contains("analyses[1]") && e.getMessage().contains("'saliency'")
                && e.getMessage().contains("drift, probe"), e.getMessage());
    }

    @Test
    void orderIsModelTaskSeedThenBaselineStrategiesTwoStage() {
        List<String> firstGroup = grid.cells().subList(0, 5).stream()
                .map(c -> c.modelId() + "/" + c.task() + "/" + c.seed() + "/" + c.strategy() + "/" + c.drop() + "/" + c.stage())
                .toList();
        assertEquals(List.of("tiny/RTE/1/none/0/PRETRAINED", "tiny/RTE/1/top/2/PRETRAINED", "tiny/RTE/1/bottom/2/PRETRAINED",
                "tiny/RTE/1/symmetric/2/PRETRAINED", "tiny/RTE/1/top/2/FINETUNED"), firstGroup);
        assertEquals("tiny/RTE/2", grid.cells().get(5).modelId() + "/" + grid.cells().get(5).task() + "/" + grid.cells().get(5).seed());
        assertEquals("base", grid.cells().get(20).modelId());
    }

    @Test
    void costGrowsWithKeptLayersAndTrainExamples() {
        Cell tinyTop = grid.cells().get(1);
        // 2 kept layers x 2490 RTE train examples x 3 epochs (paper preset).
        assertEquals(2.0 * 2490 * 3, grid.costUnits(tinyTop));
        Cell tinyTwoStage = grid.cells().get(4);
        // The full 4 layers, then the 2 kept ones.
        assertEquals(6.0 * 2490 * 3, grid.costUnits(tinyTwoStage));
    }
}
