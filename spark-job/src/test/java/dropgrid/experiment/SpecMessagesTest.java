package dropgrid.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What a spec's author reads: line and column of a syntax error, types in the spec's words, each problem once. */
class SpecMessagesTest {

    static final String SPEC = """
            name: t
            output: /tmp/out
            models:
              - {id: a, source: bert-base-uncased}
              - {id: b, source: bert-large-uncased}
            strategies: [top]
            drop: [2]
            tasks: [RTE]
            """;

    static List<String> errors(String text) {
        return assertThrows(SpecException.class, () -> SpecReader.parse(text, "spec.yaml")).errors();
    }

    static List<String> validationErrors(String text) {
        java.nio.file.Path file;
        try {
            file = java.nio.file.Files.createTempFile("spec", ".yaml");
            java.nio.file.Files.writeString(file, text);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return assertThrows(SpecException.class, () -> SpecReader.load(file.toString(),
                new org.apache.hadoop.conf.Configuration(), java.util.Map.of(), new SpecReader.Overrides(null,
                        System.getProperty("dropgrid.glueDir")))).errors();
    }

    @Test
    void aSyntaxErrorSaysLineColumnAndWhatWasExpected() {
        assertEquals(List.of("line 5, column 5: not valid YAML: expected ',' or '}', but got { (while parsing a"
                + " flow mapping that starts at line 4, column 5)"),
                errors(SPEC.replace("source: bert-base-uncased}", "source: bert-base-uncased")));
        assertEquals(List.of("line 2, column 10: not valid YAML: mapping values are not allowed here"),
                errors("name: t\noutput: a: b\n"));
        assertEquals(List.of("line 10, column 1: a second YAML document starts here; a spec is one document"),
                errors(SPEC + "---\nname: u\n"));
    }

    @Test
    void aValueOfTheWrongTypeIsSaidInTheSpecsWordsWithWhereItIs() {
        assertEquals(List.of("drop: must be a list of whole numbers (K, layers to drop) or fractions of the depth in"
                + " (0, 1); drop[1] is 'two' (line 7, column 11)"),
                errors(SPEC.replace("drop: [2]", "drop: [2, two]")));
        assertEquals(List.of("hyperparameters: must be a mapping with the keys preset, overrides, per_task; it is 3"
                + " (line 9, column 18)"), errors(SPEC + "hyperparameters: 3\n"));
        assertEquals(List.of("hyperparameters.overrides.epochs: must be a whole number; it is 'many' (line 9,"
                + " column 39)"), errors(SPEC + "hyperparameters: {overrides: {epochs: many}}\n"));
    }

    @Test
    void everyValueOfTheWrongTypeIsReportedAtOnce() {
        assertEquals(List.of(
                "drop: must be a list of whole numbers (K, layers to drop) or fractions of the depth in (0, 1);"
                        + " drop[0] is 'x' (line 7, column 8)",
                "seeds: must be a list of whole numbers; seeds[0] is 'y' (line 9, column 9)"),
                errors(SPEC.replace("drop: [2]", "drop: [x]") + "seeds: [y]\n"));
    }

    @Test
    void aKeyWrittenTwiceIsAnErrorNotASilentlyLostValue() {
        List<String> e = errors(SPEC + "drop: [4]\n");
        assertEquals(1, e.size(), e.toString());
        assertEquals("line 9, column 5: not valid YAML: Duplicate field 'drop'", e.get(0));
    }

    @Test
    void emptyListsAreEmptyNotMissing() {
        assertEquals("strategies: empty; required: a list of strategy names", validationErrors(
                SPEC.replace("strategies: [top]", "strategies: []")).get(0).replaceFirst(" \\(top.*", ""));
        assertEquals("tasks: empty; required: a list of GLUE tasks", validationErrors(
                SPEC.replace("tasks: [RTE]", "tasks: []")).get(0).replaceFirst(" \\(CoLA.*", ""));
    }

    @Test
    void aBadKIsReportedOnceWhateverTheNumberOfModelsAndATwiceListedKIsAnError() {
        assertEquals(List.of("drop[0]: -1.0 is not allowed; K must be >= 1 or a fraction in (0, 1) (K = 0, the"
                + " baseline, is always run)"), validationErrors(SPEC.replace("drop: [2]", "drop: [-1]")));
        assertEquals(List.of("drop[1]: 1 is listed twice (also at drop[0])"),
                validationErrors(SPEC.replace("drop: [2]", "drop: [1, 1, 2]")));
    }
}
