package dropgrid.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dropgrid.glue.GlueTask;
import dropgrid.glue.Split;
import dropgrid.train.Cell;
import dropgrid.train.Hyperparameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shipped specs in experiment-specs/ are valid and expand to the cell counts their comments state. */
class ExperimentSpecsTest {

    static final Path SPECS = Path.of("../experiment-specs");

    @TempDir Path dir;

    /** Loads a shipped spec against a GLUE directory of empty files, as validation only checks presence. */
    Grid load(String name) throws IOException {
        for (GlueTask t : GlueTask.values()) {
            Files.createDirectories(dir.resolve("glue").resolve(t.dirName()));
            Files.writeString(dir.resolve("glue").resolve(t.dirName()).resolve("train.tsv"), "");
            // MNLI's dev sets are dev_matched.tsv and dev_mismatched.tsv, as in the GLUE download.
            for (Split split : t.devSplits()) {
                Files.writeString(dir.resolve("glue").resolve(t.dirName()).resolve(t.tsvFile(split)), "");
            }
        }
        return SpecReader.load(SPECS.resolve(name).toString(), new Configuration(), Map.of(),
                new SpecReader.Overrides(dir.resolve("out").toString(), dir.resolve("glue").toString()));
    }

    @Test
    void paperGridsHave152CellsWithThePapersSettings() throws IOException {
        for (String spec : List.of("paper-bert.yaml", "paper-xlnet.yaml", "paper-distilbert.yaml", "paper-roberta.yaml")) {
            Grid grid = load(spec);
            // 6 strategies x 3 K x 8 tasks + one baseline per task.
            assertEquals(152, grid.cells().size(), spec);
            assertEquals(8, grid.cells().stream().filter(c -> c.drop() == 0).count(), spec);
            grid.cells().forEach(c -> assertEquals(Hyperparameters.paper(), c.hyperparameters(), spec));
        }
        assertEquals(List.of(0, 1, 2, 3), load("paper-distilbert.yaml").cells().stream().map(Cell::drop).distinct()
                .sorted().toList());
        assertEquals(Map.of("xlnet-base-cased", 12), load("paper-xlnet.yaml").depths());
        assertEquals(Map.of("roberta-base", 12), load("paper-roberta.yaml").depths());
    }

    @Test
    void paperAlbertRunsTopOnlyOverThePapersKAndTasks() throws IOException {
        Grid grid = load("paper-albert.yaml");
        // top x 3 K x 8 tasks + one baseline per task.
        assertEquals(32, grid.cells().size());
        assertEquals(java.util.Set.of("top", "none"), grid.cells().stream().map(Cell::strategy)
                .collect(java.util.stream.Collectors.toSet()));
        assertEquals(Map.of("albert-base-v2", 12), grid.depths());
    }

    @Test
    void laptopGridIsNineCellsOfThreeSeedsOnCappedStsB() throws IOException {
        Grid grid = load("laptop.yaml");
        assertEquals(9, grid.cells().size());
        assertEquals(1, grid.threadsPerTask());
        assertEquals(List.of(1L, 2L, 3L), grid.cells().stream().map(c -> c.seed()).distinct().sorted().toList());
        grid.cells().forEach(c -> assertEquals("STS-B", c.task()));
        grid.cells().forEach(c -> assertEquals(640, c.limits().maxTrainExamples()));
        grid.cells().forEach(c -> assertEquals(1, c.hyperparameters().epochs()));
        grid.cells().forEach(c -> assertEquals("bf16", c.hyperparameters().precision().id()));
    }

    @Test
    void paperLiteIsTheFiveStaticStrategiesAtHalfDepthOnFourTasksWithThePapersSettings() throws IOException {
        Grid grid = load("paper-lite.yaml");
        // 4 tasks x (baseline + 5 strategies at K = 6), one seed.
        assertEquals(24, grid.cells().size());
        assertEquals(List.of("MRPC", "RTE", "SST-2", "STS-B"), grid.cells().stream().map(Cell::task).distinct().sorted()
                .toList());
        assertEquals(List.of(0, 6), grid.cells().stream().map(Cell::drop).distinct().sorted().toList());
        Hyperparameters paper = Hyperparameters.paper();
        for (Cell c : grid.cells()) {
            assertEquals(600, c.limits().maxTrainExamples());
            assertEquals(0, c.limits().maxEvalExamples());
            assertEquals(paper.learningRate(), c.hyperparameters().learningRate());
            assertEquals(paper.batchSize(), c.hyperparameters().batchSize());
            assertEquals(3, c.hyperparameters().epochs());
            assertEquals(128, c.hyperparameters().maxSeqLength());
            assertEquals("bf16", c.hyperparameters().precision().id());
            assertEquals(java.util.Set.of(dropgrid.train.LayerAnalyses.Kind.DRIFT, dropgrid.train.LayerAnalyses.Kind.PROBE),
                    c.analyses());
        }
    }

    @Test
    void smokeSpecParsesToTwoStrategiesTwoKTwoTasks() throws IOException {
        ExperimentSpec smoke = SpecReader.parse(Files.readString(SPECS.resolve("smoke.yaml")), "smoke.yaml");
        assertEquals(List.of("top", "bottom"), smoke.strategies().stream().map(ExperimentSpec.StrategySpec::name).toList());
        assertEquals(List.of(1.0, 2.0), smoke.drop());
        assertEquals(List.of("RTE", "MRPC"), smoke.tasks());
    }
}
