package dropgrid.glue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Reads every file of the shared GLUE copy (system property {@code dropgrid.glueDir}). Row counts come
 * from its SOURCES.md (the official GLUE sizes); first and last rows are compared with the file split
 * here independently on {@code \n} and {@code \t}, and with values read off the files by hand.
 */
class GlueTsvRealFilesTest {

    private static final Path GLUE = Path.of(System.getProperty("dropgrid.glueDir", "../../shared/glue"));

    /** task, split, data rows (SOURCES.md), header?, text A column, text B column (-1), label column. */
    static Stream<Arguments> files() {
        return Stream.of(
                Arguments.of(GlueTask.COLA, Split.TRAIN, 8551, false, 3, -1, 1),
                Arguments.of(GlueTask.COLA, Split.DEV, 1043, false, 3, -1, 1),
                Arguments.of(GlueTask.SST2, Split.TRAIN, 67349, true, 0, -1, 1),
                Arguments.of(GlueTask.SST2, Split.DEV, 872, true, 0, -1, 1),
                Arguments.of(GlueTask.MRPC, Split.TRAIN, 3668, true, 3, 4, 0),
                Arguments.of(GlueTask.MRPC, Split.DEV, 408, true, 3, 4, 0),
                Arguments.of(GlueTask.STSB, Split.TRAIN, 5749, true, 7, 8, 9),
                Arguments.of(GlueTask.STSB, Split.DEV, 1500, true, 7, 8, 9),
                Arguments.of(GlueTask.RTE, Split.TRAIN, 2490, true, 1, 2, 3),
                Arguments.of(GlueTask.RTE, Split.DEV, 277, true, 1, 2, 3),
                Arguments.of(GlueTask.WNLI, Split.TRAIN, 635, true, 1, 2, 3),
                Arguments.of(GlueTask.WNLI, Split.DEV, 71, true, 1, 2, 3),
                Arguments.of(GlueTask.QNLI, Split.DEV, 5463, true, 1, 2, 3));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("files")
    void everyFileHasItsOfficialRowCountAndItsFirstAndLastRows(GlueTask task, Split split, int rows,
            boolean header, int textA, int textB, int label) throws IOException {
        List<Example> examples = GlueTsv.read(GLUE, task, split);

        assertEquals(rows, examples.size(), task + " " + split + " rows");
        assertEquals(rows, task.officialRows(split), "GlueTask's official count");
        String text = new String(Files.readAllBytes(GlueTsv.file(GLUE, task, split)), StandardCharsets.UTF_8);
        String[] lines = text.replace("\uFEFF", "").split("\n");
        String[] first = lines[header ? 1 : 0].split("\t", -1);
        String[] last = lines[lines.length - 1].split("\t", -1);
        String prefix = split.name().toLowerCase(java.util.Locale.ROOT);
        assertRow(task, first, textA, textB, label, prefix + "-0", examples.get(0));
        assertRow(task, last, textA, textB, label, prefix + "-" + (rows - 1), examples.get(rows - 1));
        for (Example e : examples) {
            assertEquals(textB < 0, e.textB() == null, e.guid());
        }
    }

    @Test
    void firstAndLastRowsReadOffTheFilesByHand() {
        Example colaTrainFirst = GlueTsv.read(GLUE, GlueTask.COLA, Split.TRAIN).get(0);
        assertEquals("Our friends won't buy this analysis, let alone the next one we propose.", colaTrainFirst.textA());
        assertEquals("1", colaTrainFirst.label());
        List<Example> stsbDev = GlueTsv.read(GLUE, GlueTask.STSB, Split.DEV);
        assertEquals("A man with a hard hat is dancing.", stsbDev.get(0).textA());
        assertEquals("A man wearing a hard hat is dancing.", stsbDev.get(0).textB());
        assertEquals(5.0, stsbDev.get(0).score());
        assertNull(stsbDev.get(0).label());
        assertEquals(0.0, stsbDev.get(1499).score());
        Example rteDevLast = GlueTsv.read(GLUE, GlueTask.RTE, Split.DEV).get(276);
        assertEquals("Greenpeace director said that peace is terrorism.", rteDevLast.textB());
        assertEquals("not_entailment", rteDevLast.label());
        Example mrpcTrainLast = GlueTsv.read(GLUE, GlueTask.MRPC, Split.TRAIN).get(3667);
        assertTrue(mrpcTrainLast.textA().startsWith("The 30-year bond US30YT = RR rose 22 / 32"));
        assertEquals("0", mrpcTrainLast.label());
        Example qnliDevLast = GlueTsv.read(GLUE, GlueTask.QNLI, Split.DEV).get(5462);
        assertEquals("Who discovered this and where did they come from?", qnliDevLast.textA());
        assertEquals("not_entailment", qnliDevLast.label());
    }

    @Test
    void colaDevWithoutFinalNewlineKeepsItsLastRow() throws IOException {
        byte[] bytes = Files.readAllBytes(GlueTsv.file(GLUE, GlueTask.COLA, Split.DEV));
        assertEquals('.', bytes[bytes.length - 1], "the shared CoLA dev should end without a newline");
        Example last = GlueTsv.read(GLUE, GlueTask.COLA, Split.DEV).get(1042);
        assertEquals("John talked to Bill about himself.", last.textA());
        assertEquals("1", last.label());
    }

    @Test
    void sst2KeepsTheTrailingSpaceOfEverySentence() {
        List<Example> dev = GlueTsv.read(GLUE, GlueTask.SST2, Split.DEV);
        assertEquals("it 's a charming and often affecting journey . ", dev.get(0).textA());
        assertTrue(dev.stream().allMatch(e -> e.textA().endsWith(" ")));
    }

    @Test
    void mrpcHeaderBomIsDroppedAndUnbalancedQuotesStayInTheirField() {
        Example first = GlueTsv.read(GLUE, GlueTask.MRPC, Split.DEV).get(0);
        assertEquals("He said the foodservice pie business doesn 't fit the company 's long-term growth strategy .",
                first.textA());
        assertEquals("\" The foodservice pie business does not fit our long-term growth strategy .", first.textB());
        assertEquals("1", first.label());
    }

    @Test
    void qnliSentencesWithALeadingUnbalancedQuoteStayWhole() {
        List<Example> dev = GlueTsv.read(GLUE, GlueTask.QNLI, Split.DEV);
        // SOURCES.md: the rows with index 694, 3428, 3479, 3529 and 4080 begin with an unbalanced `" `.
        for (int row : new int[] {694, 3428, 3479, 3529, 4080}) {
            assertTrue(dev.get(row).textB().startsWith("\" "), "row " + row + ": " + dev.get(row).textB());
        }
        assertTrue(dev.get(694).textB().startsWith("\" Luis Walter Alvarez, Murray Gell-Mann who introduced"));
    }

    @Test
    void stsbTenColumnsGiveSentencesAndScore() {
        Example last = GlueTsv.read(GLUE, GlueTask.STSB, Split.TRAIN).get(5748);
        assertEquals("Putin spokesman: Doping charges appear unfounded", last.textA());
        assertEquals("The Latest on Severe Weather: 1 Dead in Texas After Tornado", last.textB());
        assertEquals(0.0, last.score());
    }

    @Test
    void tasksMissingFromTheSharedCopyFailNamingTheFile() {
        Object[][] missing = {
            {GlueTask.MNLI, Split.TRAIN, "MNLI/train.tsv"},
            {GlueTask.MNLI, Split.DEV, "MNLI/dev_matched.tsv"},
            {GlueTask.MNLI, Split.DEV_MISMATCHED, "MNLI/dev_mismatched.tsv"},
            {GlueTask.QQP, Split.TRAIN, "QQP/train.tsv"},
            {GlueTask.QQP, Split.DEV, "QQP/dev.tsv"},
            {GlueTask.QNLI, Split.TRAIN, "QNLI/train.tsv"},
        };
        for (Object[] m : missing) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> GlueTsv.read(GLUE, (GlueTask) m[0], (Split) m[1]));
            assertTrue(e.getMessage().contains(GLUE.resolve((String) m[2]).toString())
                    && e.getMessage().contains("missing"), e.getMessage());
        }
    }

    private static void assertRow(GlueTask task, String[] fields, int textA, int textB, int label, String guid,
            Example e) {
        assertEquals(guid, e.guid());
        assertEquals(fields[textA], e.textA(), guid + " text A");
        assertEquals(textB < 0 ? null : fields[textB], e.textB(), guid + " text B");
        if (task.isRegression()) {
            assertEquals(Double.parseDouble(fields[label]), e.score(), guid + " score");
        } else {
            assertEquals(fields[label], e.label(), guid + " label");
        }
    }
}
