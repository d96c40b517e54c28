package dropgrid.glue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Hugging Face Parquet layout, on the miniature that src/test/python/make_glue_parquet_fixture.py
 * writes with pyarrow: its rows for the shared tasks are the first three of each TSV, so both layouts
 * must give the same examples.
 */
class GlueParquetTest {

    private static final Path GLUE = Path.of(System.getProperty("dropgrid.glueDir", "../../shared/glue"));

    @Test
    void parquetRowsEqualTheFirstTsvRowsForEverySharedSplit() {
        Path hf = fixture();
        int compared = 0;
        for (GlueTask task : GlueTask.values()) {
            for (Split split : List.of(Split.TRAIN, Split.DEV)) {
                if (!GlueTsv.has(GLUE, task, split)) {
                    continue;
                }
                List<Example> parquet = GlueParquet.read(hf, task, split);
                assertEquals(GlueTsv.read(GLUE, task, split).subList(0, 3), parquet, task + " " + split);
                compared++;
            }
        }
        assertEquals(13, compared, "the shared GLUE copy has 13 TSV files");
    }

    @Test
    void stsbFloat32ScoresReadAsTheirDecimalValue() {
        List<Example> train = GlueParquet.read(fixture(), GlueTask.STSB, Split.TRAIN);
        assertEquals(3.8, train.get(1).score());
    }

    @Test
    void mnliIntegerLabelsFollowHuggingFaceOrder() {
        Path hf = fixture();
        // nyu-mll/glue mnli ClassLabel names: ["entailment", "neutral", "contradiction"].
        List<String> expected = List.of("entailment", "neutral", "contradiction");
        for (Split split : List.of(Split.TRAIN, Split.DEV, Split.DEV_MISMATCHED)) {
            List<Example> rows = GlueParquet.read(hf, GlueTask.MNLI, split);
            assertEquals(expected, rows.stream().map(Example::label).toList(), split.toString());
            assertEquals("P one.", rows.get(1).textA());
            assertEquals("H one.", rows.get(1).textB());
        }
        assertEquals("dev_mismatched-2", GlueData.load(hf, GlueTask.MNLI, Split.DEV_MISMATCHED).get(2).guid());
    }

    @Test
    void shardsAndRowGroupsAreConcatenatedInOrder() {
        Path hf = fixture();
        assertEquals(2, GlueParquet.files(hf, GlueTask.RTE, Split.TRAIN).size());
        assertEquals(List.of("train-0", "train-1", "train-2"),
                GlueParquet.read(hf, GlueTask.RTE, Split.TRAIN).stream().map(Example::guid).toList());
    }

    @Test
    void loadPrefersTsvAndFallsBackToParquetPerSplit(@TempDir Path dir) throws IOException {
        Path hf = fixture();
        // QQP and MNLI exist only as Parquet, RTE both ways: GlueData picks per task and split.
        assertEquals(List.of("1", "0"), GlueData.load(hf, GlueTask.QQP, Split.DEV).stream().map(Example::label).toList());
        Files.createDirectories(dir.resolve("RTE"));
        Files.writeString(dir.resolve("RTE/dev.tsv"), "index\tsentence1\tsentence2\tlabel\n0\tTSV a.\tTSV b.\tentailment\n");
        copy(hf.resolve("rte"), dir.resolve("rte"));
        assertEquals("TSV a.", GlueData.load(dir, GlueTask.RTE, Split.DEV).get(0).textA());
        assertEquals(3, GlueData.load(dir, GlueTask.RTE, Split.TRAIN).size());
        assertEquals(List.of(Split.DEV, Split.DEV_MISMATCHED), List.copyOf(GlueData.loadDev(hf, GlueTask.MNLI).keySet()));
    }

    @Test
    void missingInBothLayoutsNamesBothPlaces(@TempDir Path dir) {
        var e = assertThrows(IllegalArgumentException.class, () -> GlueData.load(dir, GlueTask.QQP, Split.TRAIN));
        assertTrue(e.getMessage().contains(dir.resolve("QQP/train.tsv").toString())
                && e.getMessage().contains(dir.resolve("qqp/train-*.parquet").toString()), e.getMessage());
    }

    @Test
    void wrongColumnsAreNamed(@TempDir Path dir) throws IOException {
        // QNLI's columns are question/sentence; a WNLI file (sentence1/sentence2) put in its place must fail.
        Files.createDirectories(dir.resolve("qnli"));
        Files.copy(fixture().resolve("wnli/validation-00000-of-00001.parquet"),
                dir.resolve("qnli/validation-00000-of-00001.parquet"));
        var e = assertThrows(IllegalArgumentException.class, () -> GlueData.load(dir, GlueTask.QNLI, Split.DEV));
        assertTrue(e.getMessage().contains("has no column 'question'; its columns: [sentence1, sentence2, label, idx]"),
                e.getMessage());
    }

    @Test
    void labelOutsideTheClassSetNamesFileRowAndValue() {
        Path bad = fixture().resolveSibling("hf-bad");
        var e = assertThrows(IllegalArgumentException.class, () -> GlueData.load(bad, GlueTask.RTE, Split.DEV));
        assertEquals(bad.resolve("rte/validation-00000-of-00001.parquet") + " row 1: RTE label 2 is not a class"
                + " index; allowed: 0..1 [entailment, not_entailment] (-1 marks the unlabelled test split)",
                e.getMessage());
    }

    private static Path fixture() {
        try {
            return Path.of(GlueParquetTest.class.getResource("/glue/hf").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }
}
