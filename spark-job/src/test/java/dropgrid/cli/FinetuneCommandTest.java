package dropgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class FinetuneCommandTest {

    private static String tinyBert() throws Exception {
        return Paths.get(FinetuneCommandTest.class.getResource("/golden/bert-bare/config.json").toURI()).getParent()
                .toString();
    }

    private static final String[] SMALL = {"--task", "RTE", "--glue-dir", System.getProperty("dropgrid.glueDir"),
        "--max-seq-length", "32", "--batch-size", "8", "--max-train-examples", "32", "--max-eval-examples", "16",
        "--max-steps", "2", "--seed", "5", "--threads", "1"};

    private record Run(int exit, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static String[] with(String[] head, String... tail) {
        String[] all = new String[head.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    @Test
    void finetunePrintsOneJsonResultRow() throws Exception {
        Run r = run(with(new String[] {"finetune", "--model", tinyBert(), "--keep-layers", "0,2"}, SMALL));
        assertEquals(0, r.exit(), r.err() + r.out());
        JsonNode row = new ObjectMapper().readTree(r.out());
        assertEquals("ok", row.get("status").asText());
        assertEquals("[0,2]", row.get("kept_layers").toString());
        assertEquals("explicit", row.get("cell").get("strategy").asText());
        assertEquals(1, row.get("cell").get("drop").asInt());
        assertEquals(2, row.get("train_steps").asInt());
        assertEquals(16, row.get("cell_id").asText().length());
        assertTrue(row.get("headline").isNumber());
    }

    @Test
    void keepLayersWithStrategyIsAUsageError() throws Exception {
        Run r = run(with(new String[] {"finetune", "--model", tinyBert(), "--keep-layers", "0", "--strategy", "top",
            "--drop", "2"}, SMALL));
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("--keep-layers"), r.err());
    }

    @Test
    void benchFinetuneReportsDynamicOverFixedThroughput() throws Exception {
        Run r = run(with(new String[] {"bench", "finetune", "--model", tinyBert(), "--strategy", "top", "--drop", "1"},
                SMALL));
        assertEquals(0, r.exit(), r.err() + r.out());
        JsonNode out = new ObjectMapper().readTree(r.out());
        double ratio = out.get("dynamic_over_fixed").asDouble();
        assertEquals(out.get("dynamic_train_tokens_per_second").asDouble()
                / out.get("fixed_train_tokens_per_second").asDouble(), ratio, 1e-9);
        assertTrue(ratio > 0, out.toString());
    }
}
