package dropgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dropgrid.job.ScoringFakeRunner;
import dropgrid.job.ThrowingFakeRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees on stderr, from a JVM started as {@code ./dropgrid} starts it: only dropgrid's own
 * lines (Spark's and the others' go to OUTPUT/logs/), one line per failed cell with its reason, the
 * {@code --rerun-failed} hint, and {@code dropgrid status} from another process while cells run.
 */
class ConsoleTest {

    static final String SPEC = RunCommandTest.SPEC;
    static final String GLUE = RunCommandTest.GLUE;
    static final String SMOKE = Path.of("../experiment-specs/smoke.yaml").toAbsolutePath().normalize().toString();

    @TempDir Path dir;

    /** libtorch's own stderr lines, which ./dropgrid sends to the log (the child JVM has no launcher). */
    static final java.util.regex.Pattern NATIVE = java.util.regex.Pattern.compile("^\\[[WIEF][0-9]{4} ");

    static List<String> run(Path log, List<String> jvm, String... args) throws Exception {
        Process p = ChildJvm.start(jvm, "dropgrid.cli.Main", List.of(args), Map.of(), log);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        List<String> lines = new ArrayList<>(Files.readAllLines(log).stream()
                .filter(l -> !NATIVE.matcher(l).find()).toList());
        lines.add(0, "exit " + p.exitValue());
        return lines;
    }

    @Test
    void aRunSaysWhichCellFailedAndWhyAndNothingElseAndTheNextRunHintsAtRerunFailed() throws Exception {
        String output = dir.resolve("out").toString();
        List<String> first = run(dir.resolve("first.log"), List.of(), "run", SPEC, "--glue-dir", GLUE, "--output",
                output, "--master", "local[2]", "--runner", ThrowingFakeRunner.class.getName());
        List<String> stderr = first.stream().filter(l -> !l.startsWith("{\"run_name\"")).toList();
        assertEquals("exit 1", stderr.get(0), String.join("\n", first));
        assertEquals(List.of(
                "dropgrid run 'smoke-test': 10 cells, 0 with committed results skipped, 10 to run with "
                        + ThrowingFakeRunner.class.getName(),
                "dropgrid: failed: tiny-bert MRPC bottom K=2 (cell ID): forced failure of bottom K=2 on MRPC",
                "dropgrid run 'smoke-test': ran 10 cells, 9 ok, 1 failed; 10 result rows in " + output + "/results",
                "dropgrid run 'smoke-test': the reasons are above and in results/ (failure_reason); once fixed, run"
                        + " again with --rerun-failed",
                "dropgrid: the full log is LOG"),
                stderr.subList(1, stderr.size()).stream().map(l -> l.replaceAll("\\(cell [0-9a-f]{16}\\)", "(cell ID)")
                        .replaceAll("the full log is .*", "the full log is LOG")).toList());
        Path logs = Path.of(output, "logs");
        try (Stream<Path> s = Files.list(logs)) {
            Path log = s.findFirst().orElseThrow();
            assertTrue(Files.readString(log).contains("INFO  [main] org.apache.spark.SparkContext: Running Spark"),
                    "Spark's log lines are kept in " + log);
        }

        List<String> second = run(dir.resolve("second.log"), List.of(), "run", SPEC, "--glue-dir", GLUE, "--output",
                output, "--master", "local[2]", "--runner", ScoringFakeRunner.class.getName());
        assertEquals("exit 0", second.get(0));
        assertTrue(second.contains("dropgrid run 'smoke-test': 1 of the skipped cells failed when they last ran;"
                + " --rerun-failed runs them again"), String.join("\n", second));
    }

    @Test
    void verboseShowsSparksLogLinesToo() throws Exception {
        String output = dir.resolve("verbose").toString();
        List<String> lines = run(dir.resolve("verbose.log"), List.of(), "run", SPEC, "--glue-dir", GLUE, "--output",
                output, "--master", "local[2]", "--runner", ScoringFakeRunner.class.getName(), "--verbose");
        assertEquals("exit 0", lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.contains(" INFO ") && l.contains("SparkContext")),
                String.join("\n", lines));
    }

    @Test
    void statusFromAnotherProcessShowsTheRunningCellsStepLossAndEta() throws Exception {
        String output = dir.resolve("live").toString();
        Path log = dir.resolve("live.log");
        // Status written at every step, so a poll catches cells mid-training however fast they are.
        Process p = ChildJvm.start(List.of("-Ddropgrid.status.millis=0"), "dropgrid.cli.Main", List.of("run", SMOKE,
                "--glue-dir", GLUE, "--output", output, "--master", "local[2]"), Map.of(), log);
        JsonNode seen = null;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (p.isAlive() && seen == null && System.nanoTime() < deadline) {
            if (Files.isDirectory(Path.of(output, "status"))) {
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                int exit = Main.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                        .execute("status", output);
                assertEquals(0, exit, err.toString());
                JsonNode status = JsonOutput.MAPPER.readTree(out.toString());
                for (JsonNode cell : status.get("cells")) {
                    if ("running".equals(cell.get("state").asText()) && !cell.get("step").isNull()) {
                        seen = status;
                        break;
                    }
                }
            }
            Thread.sleep(50);
        }
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), Files.readString(log));
        assertTrue(seen != null, "no status showed a cell mid-training");
        assertEquals("smoke", seen.get("run").get("run_name").asText());
        assertEquals(40, seen.get("run").get("to_run").asInt());
        assertEquals("run smoke", seen.get("driver").get("command").asText());
        JsonNode running = null;
        for (JsonNode cell : seen.get("cells")) {
            if ("running".equals(cell.get("state").asText()) && !cell.get("step").isNull()) {
                running = cell;
            }
        }
        assertTrue(running.get("step").asInt() >= 1 && running.get("total").asInt() == 4, running.toString());
        assertTrue(running.get("loss").asDouble() > 0 && running.get("tokens_per_second").asDouble() > 0,
                running.toString());
        assertTrue(running.has("eta_seconds") && running.has("task") && running.has("strategy")
                && running.has("drop"), running.toString());
    }
}
