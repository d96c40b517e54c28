package dropgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SelectCommandTest {

    private static final String MODEL = "src/test/resources/drop/identity-bert";

    record Run(int exit, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }
    }

    static Run run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static List<Integer> ints(JsonNode array) {
        List<Integer> values = new java.util.ArrayList<>();
        array.forEach(v -> values.add(v.asInt()));
        return values;
    }

    @Test
    void staticStrategyPrintsKeptAndDroppedLayersForTheModelsDepth() throws Exception {
        Run r = run("select", "--model", MODEL, "--strategy", "top", "--drop", "2");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of(0, 1, 2, 3), ints(r.json().get("kept_layers")));
        assertEquals(List.of(4, 5), ints(r.json().get("dropped_layers")));
        assertTrue(!r.json().has("layer_scores"));
        Run depthOnly = run("select", "--depth", "12", "--strategy", "symmetric", "--drop", "4");
        assertEquals(List.of(4, 5, 6, 7), ints(depthOnly.json().get("dropped_layers")));
    }

    @Test
    void contributionOnRealRteTextDropsTheIdentityLayers() throws Exception {
        Run r = run("select", "--model", MODEL, "--strategy", "contribution", "--drop", "3", "--task", "RTE",
                "--glue-dir", System.getProperty("dropgrid.glueDir"), "--sample", "12", "--mode", "tokens", "--max-seq-length", "32");
        assertEquals(0, r.exit(), r.err());
        JsonNode json = r.json();
        assertEquals(List.of(1, 3, 4), ints(json.get("dropped_layers")));
        assertEquals(6, json.get("layer_scores").size());
        assertEquals(1.0, json.get("layer_scores").get(3).asDouble(), 1e-5);
        assertEquals(12, json.get("examples").asInt());
        assertEquals("tokens", json.get("mode").asText());
        assertTrue(json.get("seconds").asDouble() > 0);
    }

    @Test
    void angularBlockScoresPastTheTopAreNull() throws Exception {
        Run r = run("select", "--model", MODEL, "--strategy", "angular-block", "--drop", "2", "--task", "RTE",
                "--glue-dir", System.getProperty("dropgrid.glueDir"), "--sample", "4", "--max-seq-length", "32");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of(3, 4), ints(r.json().get("dropped_layers")));
        assertTrue(r.json().get("layer_scores").get(5).isNull());
    }

    @Test
    void badInputExitsTwoWithOneLine() {
        Run unknown = run("select", "--depth", "12", "--strategy", "middle", "--drop", "2");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("unknown drop strategy 'middle'; allowed: top"), unknown.err());
        Run tooMany = run("select", "--depth", "12", "--strategy", "top", "--drop", "12");
        assertEquals(2, tooMany.exit());
        assertTrue(tooMany.err().contains("allow_all"), tooMany.err());
        Run noTask = run("select", "--model", MODEL, "--strategy", "contribution", "--drop", "2");
        assertEquals(2, noTask.exit());
        assertTrue(noTask.err().contains("--task"), noTask.err());
        assertEquals("", noTask.out());
    }
}
