package dropgrid.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dropgrid.kernels.Precision;
import dropgrid.train.Cell;
import dropgrid.train.Hyperparameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecReaderTest {

    static final Path RESOURCES = Paths.get("src/test/resources/grid").toAbsolutePath();
    static final String GLUE = Paths.get(System.getProperty("dropgrid.glueDir")).toAbsolutePath().normalize().toString();

    @TempDir Path dir;

    static Map<String, String> env(Path output) {
        return Map.of("GLUE_DIR", GLUE, "OUTPUT", output.toString());
    }

    /** Writes a spec beside a copy of the tiny model's config, so relative sources resolve. */
    Path spec(String fileName, String text) throws IOException {
        Path model = dir.resolve("models/tiny-bert");
        Files.createDirectories(model);
        Files.copy(RESOURCES.resolve("models/tiny-bert/config.json"), model.resolve("config.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path file = dir.resolve(fileName);
        Files.writeString(file, text);
        return file;
    }

    Grid load(Path file) {
        return SpecReader.load(file.toString(), new Configuration(), env(dir.resolve("out")), SpecReader.Overrides.NONE);
    }

    SpecException errors(String yaml) throws IOException {
        return assertThrows(SpecException.class, () -> load(spec("bad.yaml", yaml)));
    }

    static final String VALID = """
            name: t
            output: ${OUTPUT}
            glue_dir: ${GLUE_DIR}
            models: [{id: m, source: models/tiny-bert}]
            strategies: [top]
            drop: [2]
            tasks: [RTE]
            """;

    @Test
    void validSpecReadsDepthAndArchitectureFromTheModelConfig() throws IOException {
        Grid grid = load(spec("ok.yaml", VALID));
        assertEquals(Map.of("m", 4), grid.depths());
        Cell topCell = grid.cells().get(1);
        assertEquals("bert", topCell.architecture().id());
        assertEquals(dir.resolve("models/tiny-bert").toString(), topCell.modelSource());
        assertEquals(GLUE, topCell.glueDir());
        assertEquals(Hyperparameters.paper(), topCell.hyperparameters());
        assertEquals(List.of(42L), grid.cells().stream().map(Cell::seed).distinct().toList());
    }

    @Test
    void unknownKeyNamesItsPathAndTheKnownKeys() throws IOException {
        SpecException e = errors(VALID.replace("source: models/tiny-bert", "source: models/tiny-bert, layer: 4"));
        assertEquals(List.of("models[0].layer: unknown key 'layer'; known keys: id, architecture, source, layers"),
                e.errors());
    }

    @Test
    void unknownTopLevelKeysAreAllReported() throws IOException {
        SpecException e = errors(VALID + "seed: [1]\nlimit: {max_steps: 2}\n");
        assertEquals(2, e.errors().size(), e.getMessage());
        assertTrue(e.errors().get(0).startsWith("seed: unknown key 'seed'; known keys: name, output, glue_dir, models,"),
                e.errors().get(0));
        assertTrue(e.errors().get(1).startsWith("limit: unknown key 'limit'"), e.errors().get(1));
    }

    @Test
    void badStrategyOptionValueIsNamedWithTheStrategy() throws IOException {
        SpecException e = errors(VALID.replace("strategies: [top]",
                "strategies: [{name: contribution, options: {sample_size: 'many'}}]"));
        assertEquals(List.of("strategies[0].options: strategy 'contribution': sample_size = 'many' is not a number"),
                e.errors());
    }

    @Test
    void unknownStrategyListsTheAllowedOnes() throws IOException {
        SpecException e = errors(VALID.replace("strategies: [top]", "strategies: [top, middle]"));
        assertEquals(List.of("strategies[1]: unknown strategy 'middle'; allowed: top, bottom, even-alternate, "
                + "odd-alternate, alternate, symmetric, contribution, block-influence, angular-block, layerdrop, random"),
                e.errors());
    }

    @Test
    void dropAtOrAboveTheDepthIsRejected() throws IOException {
        SpecException e = errors(VALID.replace("drop: [2]", "drop: [2, 4, 5]"));
        assertEquals(List.of(
                "drop[1]: K = 4 is not allowed for models[0] with 4 layers; must be < 4 (set allow_drop_all: true to keep only the embeddings)",
                "drop[2]: K = 5 is not allowed for models[0] with 4 layers; must be < 4"), e.errors());
    }

    @Test
    void dropOfTheWholeDepthNeedsExplicitPermission() throws IOException {
        Grid grid = load(spec("all.yaml", VALID.replace("drop: [2]", "drop: [4]") + "allow_drop_all: true\n"));
        assertEquals(List.of(0, 4), grid.cells().stream().map(Cell::drop).toList());
    }

    @Test
    void fractionsOfTheDepthBecomeK() throws IOException {
        Grid grid = load(spec("frac.yaml", VALID.replace("drop: [2]", "drop: [0.25, 0.5, 2]")));
        // 0.25 x 4 = 1, 0.5 x 4 = 2 and the explicit 2 are the same cell, kept once.
        assertEquals(List.of(0, 1, 2), grid.cells().stream().map(Cell::drop).toList());
    }

    @Test
    void unknownTaskListsTheGlueTasks() throws IOException {
        SpecException e = errors(VALID.replace("tasks: [RTE]", "tasks: [RTE, SQuAD]"));
        assertEquals(List.of("tasks[1]: unknown GLUE task 'SQuAD'; allowed: CoLA, SST-2, MRPC, STS-B, QQP, MNLI, QNLI, RTE, WNLI"),
                e.errors());
    }

    @Test
    void missingModelDirectoryNamesTheSourceField() throws IOException {
        SpecException e = errors(VALID.replace("source: models/tiny-bert", "source: ./models/no-such-model"));
        assertEquals(1, e.errors().size(), e.getMessage());
        assertTrue(e.errors().get(0).startsWith("models[0].source: './models/no-such-model' is not a directory ("
                + dir.resolve("models/no-such-model") + "); expected a model directory with config.json"), e.getMessage());
    }

    @Test
    void taskWithoutGlueFilesIsReported() throws IOException {
        SpecException e = errors(VALID.replace("tasks: [RTE]", "tasks: [RTE, QQP]"));
        assertEquals(2, e.errors().size(), e.getMessage());
        assertTrue(e.errors().get(0).startsWith("tasks[1]: GLUE QQP train is missing: neither "
                + Paths.get(GLUE, "QQP", "train.tsv") + " (GLUE TSV layout) nor "
                + Paths.get(GLUE, "qqp", "train-*.parquet") + " (Hugging Face layout) exists."), e.getMessage());
        assertTrue(e.errors().get(1).startsWith("tasks[1]: GLUE QQP dev is missing: neither "
                + Paths.get(GLUE, "QQP", "dev.tsv")), e.getMessage());
    }

    @Test
    void mnliIsCheckedForItsTwoDevSets() throws IOException {
        SpecException e = errors(VALID.replace("tasks: [RTE]", "tasks: [MNLI]"));
        assertEquals(3, e.errors().size(), e.getMessage());
        assertTrue(e.errors().get(1).contains(Paths.get(GLUE, "MNLI", "dev_matched.tsv").toString()), e.getMessage());
        assertTrue(e.errors().get(2).contains(Paths.get(GLUE, "MNLI", "dev_mismatched.tsv").toString()), e.getMessage());
    }

    @Test
    void everyErrorIsReportedAtOnce() throws IOException {
        String yaml = """
                name: t
                model: oops
                output: ${OUTPUT}
                glue_dir: ${GLUE_DIR}
                models:
                  - {id: m, source: models/tiny-bert}
                  - {id: gone, source: /no/such/dir, architecture: bert}
                strategies: [top, middle, {name: contribution, options: {sample_size: 8, smaple: 2}}]
                drop: [2, 9]
                tasks: [RTE, SQuAD]
                hyperparameters: {preset: fancy}
                resources: {threads_per_task: 0}
                """;
        SpecException e = errors(yaml);
        List<String> paths = e.errors().stream().map(s -> s.substring(0, s.indexOf(':'))).toList();
        assertEquals(List.of("model", "tasks[1]", "drop[1]", "models[1].source", "strategies[1]",
                "strategies[2].options.smaple", "hyperparameters.preset", "resources.threads_per_task"), paths,
                e.getMessage());
        assertTrue(e.getMessage().startsWith("spec " + dir.resolve("bad.yaml") + " has 8 errors:"), e.getMessage());
    }

    @Test
    void missingRequiredFieldsAreAllNamed() throws IOException {
        SpecException e = errors("glue_dir: ${GLUE_DIR}\n");
        List<String> paths = e.errors().stream().map(s -> s.substring(0, s.indexOf(':'))).toList();
        assertEquals(List.of("name", "output", "tasks", "models", "strategies"), paths, e.getMessage());
    }

    @Test
    void unsetEnvironmentVariableIsNamed() throws IOException {
        SpecException e = errors(VALID.replace("${GLUE_DIR}", "${NO_SUCH_GLUE}/glue"));
        assertEquals("glue_dir: '${NO_SUCH_GLUE}/glue' uses environment variable NO_SUCH_GLUE, which is not set",
                e.errors().get(0));
    }

    @Test
    void depthContradictingTheConfigIsAnError() throws IOException {
        SpecException e = errors(VALID.replace("source: models/tiny-bert", "source: models/tiny-bert, layers: 12"));
        assertEquals(List.of("models[0].layers: 12 contradicts the model's depth 4; leave layers out or set it to 4"),
                e.errors());
    }

    @Test
    void remoteOrNamedModelsNeedTheirDepth() throws IOException {
        SpecException e = errors(VALID.replace("source: models/tiny-bert", "source: s3a://bucket/models/x, architecture: bert")
                .replace("strategies: [top]", "strategies: [top]"));
        assertEquals(List.of("models[0].layers: missing; required when the source is remote ('s3a://bucket/models/x')"),
                e.errors());
        Grid named = load(spec("named.yaml", VALID.replace("source: models/tiny-bert", "source: bert-base-uncased")));
        assertEquals(Map.of("m", 12), named.depths());
    }

    @Test
    void badHyperparameterOverrideNamesTheTask() throws IOException {
        SpecException e = errors(VALID + "hyperparameters: {per_task: {RTE: {dropout: 1.5}}}\n");
        assertEquals(List.of("hyperparameters.per_task.RTE: dropout = 1.5 is not allowed; must be in [0, 1)"), e.errors());
    }

    @Test
    void precisionIsAnOverrideAndABadOneListsTheAllowedValues() throws IOException {
        Grid grid = load(spec("bf16.yaml", VALID + "hyperparameters: {overrides: {precision: bf16}}\n"));
        assertEquals(Precision.BF16, grid.cells().get(0).hyperparameters().precision());
        SpecException e = errors(VALID + "hyperparameters: {overrides: {precision: fp8}}\n");
        assertEquals(List.of("hyperparameters.overrides: precision is 'fp8'; allowed: fp32, bf16, fp16"), e.errors());
    }

    @Test
    void perTaskOverridesApplyOnTopOfTheCommonOnes() throws IOException {
        Grid grid = load(spec("hp.yaml", VALID.replace("tasks: [RTE]", "tasks: [RTE, MRPC]")
                + "hyperparameters: {preset: common, overrides: {epochs: 1}, per_task: {MRPC: {learning_rate: 3.0e-5}}}\n"));
        Hyperparameters rte = grid.cells().stream().filter(c -> c.task().equals("RTE")).findFirst().orElseThrow()
                .hyperparameters();
        Hyperparameters mrpc = grid.cells().stream().filter(c -> c.task().equals("MRPC")).findFirst().orElseThrow()
                .hyperparameters();
        assertEquals(new HyperparameterOverrides(null, null, 1, null, null, null, null, null, null, null, null, null)
                .applyTo(Hyperparameters.common()), rte);
        assertEquals(3e-5, mrpc.learningRate());
        assertEquals(1, mrpc.epochs());
        assertEquals(32, mrpc.batchSize());
    }

    @Test
    void yamlAndJsonSpellingsGiveTheSameCellsAndHash() throws IOException {
        Path yaml = spec("smoke-grid.yaml", Files.readString(RESOURCES.resolve("smoke-grid.yaml")));
        Path json = dir.resolve("smoke-grid.json");
        Files.copy(RESOURCES.resolve("smoke-grid.json"), json);
        Grid a = load(yaml);
        Grid b = load(json);
        assertEquals(a.cells(), b.cells());
        assertEquals(a.specHash(), b.specHash());
        assertEquals(a.cells().stream().map(Cell::id).toList(), b.cells().stream().map(Cell::id).toList());
    }

    @Test
    void cellIdsAreStableAcrossReadsAndIndependentOfTheOutput() throws IOException {
        Path file = spec("ok.yaml", VALID);
        List<String> first = load(file).cells().stream().map(Cell::id).toList();
        Grid elsewhere = SpecReader.load(file.toString(), new Configuration(), env(dir.resolve("other-out")),
                new SpecReader.Overrides(dir.resolve("third").toString(), null));
        assertEquals(first, elsewhere.cells().stream().map(Cell::id).toList());
        assertEquals(dir.resolve("third").toString(), elsewhere.output());
        assertEquals(16, first.get(0).length());
    }

    @Test
    void commandLineOverridesReplaceTheSpecsDirectories() throws IOException {
        Grid grid = SpecReader.load(spec("ok.yaml", VALID.replace("${GLUE_DIR}", "${UNSET_VAR}")).toString(),
                new Configuration(), env(dir), new SpecReader.Overrides("s3a://b/out", GLUE));
        assertEquals("s3a://b/out", grid.output());
        assertEquals(GLUE, grid.cells().get(0).glueDir());
    }

    @Test
    void relativeCommandLinePathsMeanTheWorkingDirectoryNotTheSpecFolder() {
        String cwd = Paths.get("").toAbsolutePath().toString();
        SpecReader.Overrides o = SpecReader.Overrides.fromCommandLine("out/run1", "../glue");
        assertEquals(cwd + "/out/run1", o.output());
        assertEquals(Paths.get(cwd).getParent().resolve("glue").toString(), o.glueDir());
        SpecReader.Overrides remote = SpecReader.Overrides.fromCommandLine("s3a://bucket/out", null);
        assertEquals("s3a://bucket/out", remote.output());
        assertEquals(null, remote.glueDir());
    }
}
