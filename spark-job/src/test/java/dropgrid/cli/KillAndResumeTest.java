package dropgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dropgrid.job.ResultFiles;
import dropgrid.job.ScoringFakeRunner;
import dropgrid.job.SleepingFakeRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run killed mid-grid (SIGKILL of its JVM) resumes from its committed cells without duplicates. */
class KillAndResumeTest {

    static final String SPEC = Path.of("src/test/resources/grid/smoke-grid.yaml").toString();
    static final String GLUE = Path.of(System.getProperty("dropgrid.glueDir")).toAbsolutePath().normalize().toString();

    @TempDir Path dir;

    @Test
    void killedRunResumesWithOnlyTheMissingCells() throws Exception {
        String output = dir.resolve("out").toString();
        Path log = dir.resolve("child.log");
        Process child = ChildJvm.start(List.of("-Ddropgrid.test.sleepMillis=1500"), "dropgrid.cli.Main",
                List.of("run", SPEC, "--output", output, "--glue-dir", GLUE, "--master", "local[2]",
                        "--runner", SleepingFakeRunner.class.getName()), Map.of(), log);
        ResultFiles files = new ResultFiles(output, new Configuration());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (files.fileCount() < 2 && child.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(child.isAlive(), "the child ended before it was killed:\n" + Files.readString(log));
        child.destroyForcibly().waitFor();
        int committed = files.fileCount();
        assertTrue(committed >= 2 && committed < 10, committed + " cells committed before the kill");

        StringWriter out = new StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        int exit = cli.execute("run", SPEC, "--output", output, "--glue-dir", GLUE, "--master", "local[2]",
                "--runner", ScoringFakeRunner.class.getName());
        assertEquals(0, exit);
        JsonNode summary = JsonOutput.MAPPER.readTree(out.toString());
        assertEquals(10, summary.get("cells").asInt());
        assertEquals(committed, summary.get("skipped").asInt());
        assertEquals(10 - committed, summary.get("ran").asInt());
        assertEquals(10, summary.get("rows").asInt());
        assertEquals(10, files.fileCount());
        assertEquals(10, files.latest().size());
    }
}
