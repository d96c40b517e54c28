package dropgrid.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dropgrid.experiment.Grid;
import dropgrid.experiment.SpecReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Everything wrong with a grid's inputs and output, found before its first cell and reported at once. */
class PreflightTest {

    static final Path GLUE = Path.of(System.getProperty("dropgrid.glueDir")).toAbsolutePath().normalize();
    static final Path SMOKE_BERT = Path.of("src/test/resources/smoke/bert").toAbsolutePath();

    @TempDir Path dir;

    Grid grid(Path model, Path glue, Path output) throws Exception {
        Path spec = dir.resolve("spec.yaml");
        Files.writeString(spec, """
                name: t
                output: %s
                glue_dir: %s
                models: [{id: m, source: %s}]
                strategies: [top]
                drop: [1]
                tasks: [RTE, MRPC]
                """.formatted(output, glue, model));
        return SpecReader.load(spec.toString(), new Configuration(), Map.of(), SpecReader.Overrides.NONE);
    }

    static Path copy(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    @Test
    void aGoodGridPasses() throws Exception {
        Preflight.check(grid(SMOKE_BERT, GLUE, dir.resolve("out")), new Configuration(), Preflight.Mode.RUN);
        assertTrue(Files.isDirectory(dir.resolve("out/cells")), "the write probe left the directory it proved");
    }

    @Test
    void everyProblemIsNamedAtOnce() throws Exception {
        Path glue = dir.resolve("glue");
        copy(GLUE.resolve("RTE"), glue.resolve("RTE"));
        copy(GLUE.resolve("MRPC"), glue.resolve("MRPC"));
        List<String> dev = Files.readAllLines(glue.resolve("RTE/dev.tsv"));
        dev.set(4, dev.get(4).replaceAll("\\t[a-z_]+$", "\tmaybe"));
        Files.write(glue.resolve("RTE/dev.tsv"), dev);
        Files.writeString(glue.resolve("MRPC/train.tsv"), "not a header\n");
        Path model = copy(SMOKE_BERT, dir.resolve("model"));
        Files.writeString(model.resolve("config.json"),
                Files.readString(model.resolve("config.json")).replace("\"num_hidden_layers\": 4",
                        "\"num_hidden_layers\": 5"));
        Path output = dir.resolve("out");
        Grid grid = grid(model, glue, output);
        Files.createDirectories(output.resolve("results"));
        Files.writeString(output.resolve("results/mine.csv"), "a,b\n");

        Preflight.Problems p = assertThrows(Preflight.Problems.class,
                () -> Preflight.check(grid, new Configuration(), Preflight.Mode.RUN));
        List<String> problems = p.problems();
        assertEquals(4, problems.size(), p.getMessage());
        assertTrue(problems.get(0).startsWith("output " + output + ": results/ holds mine.csv"), problems.get(0));
        assertTrue(problems.get(1).startsWith("tasks: RTE: " + glue.resolve("RTE/dev.tsv") + ":5: unknown RTE label"
                + " 'maybe'"), problems.get(1));
        assertTrue(problems.get(2).startsWith("tasks: MRPC: " + glue.resolve("MRPC/train.tsv") + ":1: header"),
                problems.get(2));
        assertEquals("models: m: " + model.resolve("config.json") + " says 5 layers but " + model.resolve(
                "model.safetensors") + " holds 4 (layers 0 to 3); the config and the weights must agree",
                problems.get(3));
        assertTrue(p.getMessage().startsWith("4 problems found before the first cell ran:\n  - output "),
                p.getMessage());
    }

    @Test
    void anOutputThatIsAFileOrCannotBeWrittenIsFoundBeforeAnyCell() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Preflight.Problems p = assertThrows(Preflight.Problems.class,
                () -> Preflight.check(grid(SMOKE_BERT, GLUE, file), new Configuration(), Preflight.Mode.RUN));
        assertEquals(List.of("output " + file + ": is a file, not a directory"), p.problems());
        Path under = file.resolve("out");
        p = assertThrows(Preflight.Problems.class,
                () -> Preflight.check(grid(SMOKE_BERT, GLUE, under), new Configuration(), Preflight.Mode.RUN));
        assertTrue(p.problems().get(0).startsWith("output " + under + ": cannot be written ("), p.problems().get(0));
    }
}
