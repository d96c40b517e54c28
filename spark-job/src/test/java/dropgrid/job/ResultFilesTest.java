package dropgrid.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import dropgrid.model.Architecture;
import dropgrid.model.ParameterCount;
import dropgrid.train.Cell;
import dropgrid.train.CellResult;
import dropgrid.train.Hyperparameters;
import dropgrid.train.Limits;
import dropgrid.vocabulary.DropStage;
import dropgrid.vocabulary.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The committed cell files and the baseline logic, without Spark. */
class ResultFilesTest {

    @TempDir Path dir;

    static Cell cell(String strategy, int k, long seed) {
        return new Cell("r", "m", Architecture.BERT, "/models/m", "RTE", "/glue", strategy, k, DropStage.PRETRAINED,
                Map.of(), seed, Hyperparameters.paper(), Limits.NONE, 1, false);
    }

    static CellResult ok(Cell cell, double accuracy, Instant finished) {
        return new CellResult(cell, Status.OK, "", new CellResult.Layers(4, List.of(0, 1), List.of(0.5, 0.25), 0.0),
                new ParameterCount(10, 8), new CellResult.Training(100, 25, 128, 1.0, 10.0),
                new CellResult.Evaluation(Map.of("accuracy", accuracy), 100 * accuracy, 50, 0.5, 100.0),
                new CellResult.Execution("cpu()", "h", finished.minusSeconds(5), finished, 1, 2, "native"));
    }

    @Test
    void cellFileHasExactlyTheDocumentedColumns() throws Exception {
        ResultFiles files = new ResultFiles(dir.toString(), new Configuration());
        Path file = Path.of(files.commit(ResultRow.of(cell("top", 2, 1), ok(cell("top", 2, 1), 0.6, Instant.now()), "h", "v"))
                .toUri().getPath());
        JsonNode json = ResultFiles.JSON.readTree(Files.readString(file));
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        assertEquals(List.copyOf(SchemaDoc.columns().keySet()), keys);
        assertEquals(List.of(), Files.list(dir.resolve("cells/_tmp")).toList());
    }

    @Test
    void newestFilePerCellWinsAndRoundTripsExactly() {
        ResultFiles files = new ResultFiles(dir.toString(), new Configuration());
        Cell c = cell("top", 2, 1);
        Instant t = Instant.now().plusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        ResultRow failed = ResultRow.of(c, CellResult.failed(c, new IllegalStateException("boom"), "cpu()", "h",
                t.minusSeconds(60)), "h", "v");
        ResultRow newer = ResultRow.of(c, ok(c, 0.6, t), "h", "v");
        files.commit(newer);
        files.commit(failed);
        assertEquals(2, files.fileCount());
        Map<String, ResultRow> latest = files.latest();
        assertEquals(1, latest.size());
        assertEquals(newer, latest.get(c.id()));
    }

    @Test
    void failedRowHasNullsNotZerosAndTheExceptionAsReason() {
        Cell c = cell("top", 2, 1);
        ResultRow row = ResultRow.of(c, CellResult.failed(c, new IllegalArgumentException("bad K"), "cpu()", "h",
                Instant.now()), "h", "v");
        assertEquals("java.lang.IllegalArgumentException: bad K", row.failureReason());
        assertNull(row.pretrainedDepth());
        assertNull(row.paramsTotal());
        assertNull(row.headline());
        assertNull(row.finetuneSeconds());
        assertEquals(List.of(), row.keptLayers());
    }

    @Test
    void baselineComesFromTheKZeroRowOfTheSameModelTaskAndSeed() {
        Instant t = Instant.now();
        List<ResultRow> rows = List.of(
                ResultRow.of(cell("none", 0, 1), ok(cell("none", 0, 1), 0.70, t), "h", "v"),
                ResultRow.of(cell("top", 2, 1), ok(cell("top", 2, 1), 0.65, t), "h", "v"),
                ResultRow.of(cell("none", 0, 2), ok(cell("none", 0, 2), 0.60, t), "h", "v"),
                ResultRow.of(cell("top", 2, 2), ok(cell("top", 2, 2), 0.66, t), "h", "v"),
                ResultRow.of(cell("top", 2, 3), ok(cell("top", 2, 3), 0.50, t), "h", "v"));
        Map<String, ResultRow> filled = new java.util.HashMap<>();
        Baselines.fill(rows).forEach(r -> filled.put(r.seed() + "/" + r.strategy(), r));
        assertEquals(70.0, filled.get("1/none").baselineHeadline(), 1e-9);
        assertEquals(0.0, filled.get("1/none").deltaHeadline(), 1e-9);
        assertEquals(-5.0, filled.get("1/top").deltaHeadline(), 1e-9);
        assertEquals(6.0, filled.get("2/top").deltaHeadline(), 1e-9);
        assertNull(filled.get("3/top").baselineHeadline());
        assertNull(filled.get("3/top").deltaHeadline());
    }
}
