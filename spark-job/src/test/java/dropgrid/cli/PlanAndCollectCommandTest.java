package dropgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dropgrid.job.ResultFiles;
import dropgrid.job.ScoringFakeRunner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plan} and {@code collect} as users call them, and the exit code of a bad spec. */
class PlanAndCollectCommandTest {

    @TempDir Path dir;

    record Result(int exit, String out, String err) {}

    static Result execute(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = Main.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }

    @Test
    void planPrintsOneLinePerCellThenASummaryAndEstimatesOnceCellsHaveRun() throws Exception {
        String output = dir.resolve("out").toString();
        Result plan = execute("plan", KillAndResumeTest.SPEC, "--output", output, "--glue-dir", KillAndResumeTest.GLUE);
        assertEquals(0, plan.exit(), plan.err());
        List<String> lines = plan.out().lines().toList();
        assertEquals(11, lines.size());
        JsonNode first = JsonOutput.MAPPER.readTree(lines.get(0));
        assertEquals("none", first.get("strategy").asText());
        assertEquals("pending", first.get("state").asText());
        assertTrue(first.get("estimated_seconds").isNull());
        JsonNode summary = JsonOutput.MAPPER.readTree(lines.get(10)).get("summary");
        assertEquals(10, summary.get("pending").asInt());
        assertEquals(5, summary.get("cells_per_model_task").get("tiny-bert/RTE").asInt());
        assertEquals(5, summary.get("cells_per_model_task").get("tiny-bert/MRPC").asInt());

        Result run = execute("run", KillAndResumeTest.SPEC, "--output", output, "--glue-dir", KillAndResumeTest.GLUE,
                "--master", "local[2]", "--runner", ScoringFakeRunner.class.getName());
        assertEquals(0, run.exit(), run.err());
        // Delete one cell's result: the plan shows it pending and estimates it from the others.
        Path someFile;
        try (var files = Files.list(Path.of(output, "cells"))) {
            someFile = files.filter(f -> f.toString().endsWith(".json")).sorted().findFirst().orElseThrow();
        }
        Files.delete(someFile);
        JsonNode after = JsonOutput.MAPPER.readTree(execute("plan", KillAndResumeTest.SPEC, "--output", output,
                "--glue-dir", KillAndResumeTest.GLUE).out().lines().reduce((a, b) -> b).orElseThrow()).get("summary");
        assertEquals(1, after.get("pending").asInt());
        assertEquals(9, after.get("ok").asInt());
        // The fake reports 1.5 s fine-tuning + 0.25 s eval for every cell.
        assertTrue(after.get("seconds_per_cost_unit").asDouble() > 0);
        assertTrue(after.get("estimated_pending_seconds").asDouble() > 0);

        Result collect = execute("collect", output, "--master", "local[1]");
        assertEquals(0, collect.exit(), collect.err());
        JsonNode collected = JsonOutput.MAPPER.readTree(collect.out());
        assertEquals(9, collected.get("rows").asInt());
        assertEquals(9, new ResultFiles(output, new Configuration()).latest().size());
    }

    @Test
    void badSpecExitsTwoWithEveryErrorOnStderr() throws Exception {
        Path spec = dir.resolve("bad.yaml");
        Files.writeString(spec, "name: x\nstrategies: [middle]\ndrop: [2]\ntasks: [SQuAD]\nmodels: [{id: m, source: /nope}]\n");
        Result r = execute("plan", spec.toString(), "--output", dir.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("dropgrid plan: spec " + spec + " has 3 errors:"), r.err());
        assertTrue(r.err().contains("strategies[0]: unknown strategy 'middle'"), r.err());
        assertTrue(r.err().contains("tasks[0]: unknown GLUE task 'SQuAD'"), r.err());
        assertTrue(r.err().contains("models[0].source: '/nope' is not a directory"), r.err());
        assertEquals("", r.out());
    }
}
