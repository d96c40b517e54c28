package dropgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dropgrid.job.ScoringFakeRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster entry point: spark-submit's own launcher running {@code dropgrid.cli.Main run}. */
class SparkSubmitTest {

    @TempDir Path dir;

    @Test
    void sparkSubmitRunsTheGridAndWritesTheResults() throws Exception {
        String output = dir.resolve("out").toString();
        Path log = dir.resolve("submit.log");
        Process p = ChildJvm.start(List.of(), "org.apache.spark.deploy.SparkSubmit",
                List.of("--master", "local[2]", "--conf", "spark.ui.enabled=false", "--class", "dropgrid.cli.Main",
                        "spark-internal", "run", KillAndResumeTest.SPEC, "--output", output,
                        "--glue-dir", KillAndResumeTest.GLUE, "--runner", ScoringFakeRunner.class.getName()),
                Map.of(), log);
        assertEquals(0, p.waitFor(), Files.readString(log));
        JsonNode summary = Files.readAllLines(log).stream().filter(l -> l.startsWith("{\"run_name\""))
                .map(l -> {
                    try {
                        return JsonOutput.MAPPER.readTree(l);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).findFirst().orElseThrow(() -> new AssertionError("no summary line in\n" + log));
        assertEquals(10, summary.get("ran").asInt());
        assertEquals(10, summary.get("ok").asInt());
        assertEquals(10, summary.get("rows").asInt());
        try (Stream<Path> parquet = Files.list(Path.of(output, "results"))) {
            assertEquals(1, parquet.filter(f -> f.getFileName().toString().endsWith(".parquet")).count());
        }
        assertTrue(Files.exists(Path.of(output, "results", "_SUCCESS")));
    }
}
