package dropgrid.job;

import dropgrid.glue.GlueTask;
import dropgrid.model.ParameterCount;
import dropgrid.train.Cell;
import dropgrid.train.CellResult;
import dropgrid.train.CellRunner;
import dropgrid.vocabulary.Status;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A stand-in for the fine-tuning runner with hand-checkable output. It reads the depth L from the
 * model directory's config.json and counts the task's train rows in the GLUE directory (so staging
 * is exercised), keeps layers by the static rule (top drops the last K, bottom the first K) and
 * scores accuracy = (50 + 2 × kept) / 100 and F1 = (60 + 2 × kept) / 100.
 */
public class ScoringFakeRunner implements CellRunner {

    private static final Pattern LAYERS = Pattern.compile("\"num_hidden_layers\"\\s*:\\s*(\\d+)");

    @Override
    public CellResult run(Cell cell) {
        Instant start = Instant.now();
        int depth = depth(Path.of(cell.modelSource()));
        int trainRows = rows(Path.of(cell.glueDir(), cell.task(), "train.tsv"));
        int k = cell.drop();
        List<Integer> kept = switch (cell.strategy()) {
            case "none" -> range(0, depth);
            case "top" -> range(0, depth - k);
            case "bottom" -> range(k, depth);
            default -> throw new IllegalArgumentException("fake runner knows top and bottom only, not " + cell.strategy());
        };
        double accuracy = (50 + 2.0 * kept.size()) / 100;
        double f1 = (60 + 2.0 * kept.size()) / 100;
        Map<String, Double> metrics = cell.task().equals("MRPC") ? Map.of("accuracy", accuracy, "f1", f1)
                : Map.of("accuracy", accuracy);
        double headline = 100 * metrics.get(GlueTask.parse(cell.task()).headline());
        int train = cell.limits().maxTrainExamples() > 0 ? Math.min(trainRows, cell.limits().maxTrainExamples()) : trainRows;
        String device = cell.useGpu() ? "gpu(" + (cell.gpu() == null ? 0 : cell.gpu()) + ")" : "cpu()";
        return new CellResult(cell, Status.OK, "", new CellResult.Layers(depth, kept, List.of(), 0.0),
                new ParameterCount(1000L * kept.size() + 7, 1000L * kept.size()),
                new CellResult.Training(train, train / 4, cell.hyperparameters().maxSeqLength(), 1.5, 123.0),
                new CellResult.Evaluation(metrics, headline, 8, 0.25, 32.0),
                new CellResult.Execution(device, CellResult.Execution.localHost(), start, Instant.now(), 1L << 20, 1L << 26, "djl"));
    }

    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    private static int depth(Path modelDir) {
        try {
            Matcher m = LAYERS.matcher(Files.readString(modelDir.resolve("config.json")));
            if (!m.find()) {
                throw new IllegalStateException("no num_hidden_layers in " + modelDir);
            }
            return Integer.parseInt(m.group(1));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int rows(Path tsv) {
        try (Stream<String> lines = Files.lines(tsv)) {
            return (int) lines.count() - 1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
