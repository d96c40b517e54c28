package dropgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input, in every command: exit 2 and one line naming what was given and what is allowed. */
class BadInputTest {

    static final String GLUE = RunCommandTest.GLUE;
    static final String BERT = Path.of("src/test/resources/smoke/bert").toString();

    @TempDir Path dir;

    record Result(int exit, String out, List<String> err) {}

    static Result execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
        return new Result(exit, out.toString(), err.toString().lines().toList());
    }

    @Test
    void finetuneWithAnUnknownStrategyIsBadInput() {
        Result r = execute("finetune", "--model", BERT, "--task", "RTE", "--glue-dir", GLUE, "--strategy", "no-such",
                "--drop", "1");
        assertEquals(2, r.exit);
        assertEquals(List.of("dropgrid finetune: unknown drop strategy 'no-such'; allowed: top, bottom, even-alternate,"
                + " odd-alternate, alternate, symmetric, contribution, block-influence, angular-block, layerdrop,"
                + " random, none, explicit"), r.err);
        assertEquals("", r.out);
    }

    @Test
    void finetuneWithTooLargeAKOrAnUnreadableDevSetIsBadInput() throws Exception {
        Result k = execute("finetune", "--model", BERT, "--task", "RTE", "--glue-dir", GLUE, "--strategy", "top",
                "--drop", "9");
        assertEquals(2, k.exit);
        assertEquals(List.of("dropgrid finetune: --drop 9 is not allowed for " + BERT + " with 4 layers; must be"
                + " between 0 and 4"), k.err);

        Path glue = Files.createDirectories(dir.resolve("glue/RTE"));
        Files.copy(Path.of(GLUE, "RTE", "train.tsv"), glue.resolve("train.tsv"));
        Files.writeString(glue.resolve("dev.tsv"), "index\tsentence1\tsentence2\tlabel\n0\ta\tb\tmaybe\n");
        Result dev = execute("finetune", "--model", BERT, "--task", "RTE", "--glue-dir", dir.resolve("glue").toString(),
                "--strategy", "top", "--drop", "1");
        assertEquals(2, dev.exit);
        assertEquals(List.of("dropgrid finetune: " + glue.resolve("dev.tsv") + ":2: unknown RTE label 'maybe' in"
                + " column label; allowed: entailment, not_entailment"), dev.err);
    }

    @Test
    void reportOnAPathWithoutResultsIsBadInput() throws Exception {
        Result missing = execute("report", dir.resolve("no/such/results").toString());
        assertEquals(2, missing.exit);
        assertEquals(List.of("dropgrid report: results " + dir.resolve("no/such/results") + " does not exist; give the"
                + " results/ directory of a run's output (OUTPUT/results)"), missing.err);

        Files.createDirectories(dir.resolve("out/cells"));
        Files.createDirectories(dir.resolve("out/results"));
        Result output = execute("report", dir.resolve("out").toString());
        assertEquals(2, output.exit);
        assertEquals(List.of("dropgrid report: " + dir.resolve("out") + " is a run's output, not its results; give "
                + dir.resolve("out/results")), output.err);
    }

    @Test
    void collectWithoutCellsIsAnErrorAndLeavesResultsAlone() throws Exception {
        Path results = Files.createDirectories(dir.resolve("out/results"));
        Files.writeString(results.resolve("part-00000.parquet"), "old");
        Result r = execute("collect", dir.resolve("out").toString());
        assertEquals(2, r.exit);
        assertEquals(List.of("dropgrid collect: output " + dir.resolve("out") + " has no cells/ directory, so there is"
                + " nothing to collect; give the directory a run wrote (it holds cells/ and results/)"), r.err);
        assertEquals("old", Files.readString(results.resolve("part-00000.parquet")));
        assertEquals(2, execute("collect", dir.resolve("nowhere").toString()).exit);
    }

    @Test
    void collectRefusesToReplaceResultsHoldingAUsersFile() throws Exception {
        Files.createDirectories(dir.resolve("out/cells"));
        Path results = Files.createDirectories(dir.resolve("out/results"));
        Files.writeString(results.resolve("NOTES.txt"), "mine");
        Result r = execute("collect", dir.resolve("out").toString());
        assertEquals(2, r.exit);
        assertEquals(List.of("dropgrid collect: " + results + " holds a file dropgrid did not write (NOTES.txt), so it"
                + " is not replaced; move it out of results/ (which dropgrid rebuilds from cells/) and run again"),
                r.err);
        assertEquals("mine", Files.readString(results.resolve("NOTES.txt")));
    }

    @Test
    void anUnknownOptionIsOneLineNamingWhereTheOptionsAreListed() {
        Result r = execute("plan", "--no-such-option");
        assertEquals(2, r.exit);
        assertEquals(1, r.err.size(), r.err.toString());
        assertTrue(r.err.get(0).startsWith("dropgrid plan: ") && r.err.get(0).endsWith("(`dropgrid plan --help` lists"
                + " the options)"), r.err.get(0));
    }

    @Test
    void benchCompareNamesTheAllowedReferenceEnvironments() {
        Result r = execute("bench", "compare", "--hf-env", "tuned");
        assertEquals(2, r.exit);
        assertEquals(List.of("dropgrid bench compare: --hf-env 'tuned' is not allowed; allowed: same, plain"), r.err);
    }
}
