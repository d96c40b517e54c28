package dropgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dropgrid.job.ScoringFakeRunner;
import dropgrid.job.ThrowingFakeRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dropgrid run}'s exit code: the grid always finishes, and says by its exit code whether a cell failed. */
class RunCommandTest {

    static final String SPEC = Path.of("src/test/resources/grid/smoke-grid.yaml").toString();
    static final String GLUE = Path.of(System.getProperty("dropgrid.glueDir")).toAbsolutePath().normalize().toString();

    @TempDir Path dir;

    @Test
    void aFailedCellMakesRunExitOneAfterEveryCellRan() throws Exception {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        int code = cli.execute("run", SPEC, "--glue-dir", GLUE, "--output", dir.resolve("failing").toString(),
                "--master", "local[2]", "--runner", ThrowingFakeRunner.class.getName());
        assertEquals(1, code);
        JsonNode summary = new ObjectMapper().readTree(out.toString());
        assertEquals(1, summary.get("failed").asInt());
        assertTrue(summary.get("ok").asInt() > 0, out.toString());
    }

    @Test
    void aGridWithoutFailuresExitsZero() {
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        assertEquals(0, cli.execute("run", SPEC, "--glue-dir", GLUE, "--output", dir.resolve("ok").toString(),
                "--master", "local[2]", "--runner", ScoringFakeRunner.class.getName()));
    }
}
