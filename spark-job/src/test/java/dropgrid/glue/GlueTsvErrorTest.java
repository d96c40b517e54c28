package dropgrid.glue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad TSV input fails with file, line, value and what was expected. */
class GlueTsvErrorTest {

    @TempDir Path glue;

    @Test
    void wrongColumnCountNamesFileLineAndExpectedColumns() throws IOException {
        Path file = write("RTE/dev.tsv", "index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n1\tonly three\tentailment\n");
        var e = assertThrows(IllegalArgumentException.class, () -> GlueTsv.read(glue, GlueTask.RTE, Split.DEV));
        assertTrue(e.getMessage().startsWith(file + ":3: expected 4 tab-separated columns"), e.getMessage());
        assertTrue(e.getMessage().contains("found 3 in '1\\tonly three\\tentailment'"), e.getMessage());
    }

    @Test
    void unknownLabelNamesFileLineValueAndAllowedLabels() throws IOException {
        Path file = write("CoLA/train.tsv", "gj04\t1\t\tFine.\ngj04\t2\t*\tBad label.\n");
        var e = assertThrows(IllegalArgumentException.class, () -> GlueTsv.read(glue, GlueTask.COLA, Split.TRAIN));
        assertEquals(file + ":2: unknown CoLA label '2' in column label; allowed: 0, 1", e.getMessage());
    }

    @Test
    void stsbScoreOutsideTheScaleNamesFileLineAndValue() throws IOException {
        String header = "index\tgenre\tfilename\tyear\told_index\tsource1\tsource2\tsentence1\tsentence2\tscore\n";
        Path file = write("STS-B/dev.tsv", header + "0\tg\tf\ty\t0\tn\tn\tA.\tB.\tfive\n");
        var e = assertThrows(IllegalArgumentException.class, () -> GlueTsv.read(glue, GlueTask.STSB, Split.DEV));
        assertEquals(file + ":2: STS-B score 'five' is not a number in [0, 5]", e.getMessage());
    }

    @Test
    void missingFileNamesThePathAndTheLayout() {
        var e = assertThrows(IllegalArgumentException.class, () -> GlueTsv.read(glue, GlueTask.WNLI, Split.TRAIN));
        assertTrue(e.getMessage().startsWith("GLUE file " + glue.resolve("WNLI/train.tsv") + " is missing"),
                e.getMessage());
        assertTrue(e.getMessage().contains("<glue_dir>/WNLI/train.tsv"), e.getMessage());
    }

    @Test
    void wrongHeaderNamesTheExpectedColumns() throws IOException {
        Path file = write("QNLI/dev.tsv", "index\tsentence1\tsentence2\tlabel\n0\ta\tb\tentailment\n");
        var e = assertThrows(IllegalArgumentException.class, () -> GlueTsv.read(glue, GlueTask.QNLI, Split.DEV));
        assertTrue(e.getMessage().startsWith(file + ":1: header 'index\\tsentence1\\tsentence2\\tlabel'"),
                e.getMessage());
        assertTrue(e.getMessage().contains("index\\tquestion\\tsentence\\tlabel"), e.getMessage());
    }

    @Test
    void mnliDevSetsUseTheirSixteenColumnLayoutAndGoldLabel() throws IOException {
        String header = String.join("\t", GlueTask.MNLI.tsvLayout(Split.DEV).columns()) + "\n";
        String row = "0\t1\t1e\tfiction\t(bp)\t(bp)\t(p)\t(p)\tThe premise.\tThe hypothesis.\tneutral\tneutral"
                + "\tcontradiction\tneutral\tneutral\tneutral\n";
        write("MNLI/dev_matched.tsv", header + row);
        write("MNLI/dev_mismatched.tsv", header + row.replace("\tneutral\n", "\tcontradiction\n"));
        Example matched = GlueTsv.read(glue, GlueTask.MNLI, Split.DEV).get(0);
        Example mismatched = GlueTsv.read(glue, GlueTask.MNLI, Split.DEV_MISMATCHED).get(0);
        assertEquals(List.of("The premise.", "The hypothesis.", "neutral"),
                List.of(matched.textA(), matched.textB(), matched.label()));
        assertEquals("contradiction", mismatched.label());
        assertEquals("dev_mismatched-0", mismatched.guid());
    }

    @Test
    void crlfLineEndsAndLoneCarriageReturnsInsideText() throws IOException {
        write("SST-2/dev.tsv", "sentence\tlabel\r\nfine \t1\r\na\rb \t0");
        List<Example> dev = GlueTsv.read(glue, GlueTask.SST2, Split.DEV);
        assertEquals(2, dev.size());
        assertEquals("fine ", dev.get(0).textA());
        assertEquals("a\rb ", dev.get(1).textA());
    }

    @Test
    void devMismatchedOutsideMnliIsRejected() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> GlueTsv.read(glue, GlueTask.RTE, Split.DEV_MISMATCHED));
        assertTrue(e.getMessage().contains("exists only for MNLI"), e.getMessage());
    }

    private Path write(String relative, String content) throws IOException {
        Path file = glue.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }
}
