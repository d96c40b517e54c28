package dropgrid.cli;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dropgrid.model.PretrainedModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dropgrid bench forward}: how long a model directory takes to load, and an inference forward
 * pass of a B × T batch takes with every layer and with layers dropped, measured in one run so the
 * ratio is fair on a shared machine. Prints one JSON object.
 */
@Command(name = "forward", mixinStandardHelpOptions = true,
        description = "Time loading a model and a forward pass with all layers and with layers dropped.")
public final class BenchForwardCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--model", required = true, description = "Model directory.")
    Path model;

    @Option(names = "--batch", description = "B, examples per batch (default ${DEFAULT-VALUE}).")
    int batch = 32;

    @Option(names = "--tokens", description = "T, tokens per example (default ${DEFAULT-VALUE}).")
    int tokens = 128;

    @Option(names = "--keep-layers", split = ",",
            description = "Layers the dropped variant keeps (default: the bottom half, a top-drop of L/2).")
    List<Integer> keepLayers;

    @Option(names = "--repeats", description = "Timed forward passes per variant, after one warm-up (default ${DEFAULT-VALUE}).")
    int repeats = 3;

    /** One variant's timings. */
    public record Run(List<Integer> keptLayers, long paramsTotal, double buildSeconds, double forwardSecondsMedian,
            double[] forwardSeconds) {}

    /** The command's result. */
    public record Result(String model, String architecture, int depth, int batch, int tokens, int cpus,
            double loadSeconds, List<Run> runs, double forwardRatio) {}

    @Override
    public Integer call() throws Exception {
        Result result = run(model, batch, tokens, keepLayers, repeats);
        spec.commandLine().getOut().println(new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).writeValueAsString(result));
        return 0;
    }

    static Result run(Path model, int batch, int tokens, List<Integer> dropped, int repeats) {
        if (batch < 1 || tokens < 1 || repeats < 1) {
            throw new IllegalArgumentException("--batch (" + batch + "), --tokens (" + tokens + ") and --repeats ("
                    + repeats + ") must be >= 1");
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            long start = System.nanoTime();
            PretrainedModels.Checkpoint checkpoint = PretrainedModels.read(model);
            List<Integer> all = IntStream.range(0, checkpoint.depth()).boxed().toList();
            List<Run> runs = new ArrayList<>();
            double loadSeconds = 0;
            try (checkpoint) {
                for (List<Integer> keep : List.of(all, dropped != null ? dropped : all.subList(0, all.size() / 2))) {
                    try (NDManager m = manager.newSubManager()) {
                        long buildStart = System.nanoTime();
                        var loaded = PretrainedModels.build(checkpoint, keep, 2, 0.1, m);
                        double build = seconds(buildStart);
                        if (runs.isEmpty()) {
                            loadSeconds = seconds(start);
                        }
                        runs.add(time(loaded, m, batch, tokens, checkpoint.vocabSize(), repeats, build));
                    }
                }
            }
            return new Result(model.toString(), checkpoint.architecture().id(), checkpoint.depth(), batch, tokens,
                    Runtime.getRuntime().availableProcessors(), loadSeconds, runs,
                    runs.get(1).forwardSecondsMedian() / runs.get(0).forwardSecondsMedian());
        }
    }

    private static Run time(PretrainedModels.Loaded loaded, NDManager manager, int batch, int tokens, int vocabSize,
            int repeats, double buildSeconds) {
        // Token values do not change the cost; a fixed seed keeps runs comparable.
        long[] ids = new Random(42).longs((long) batch * tokens, 0, vocabSize).toArray();
        Shape shape = new Shape(batch, tokens);
        ParameterStore ps = new ParameterStore(manager, false);
        double[] times = new double[repeats];
        for (int r = -1; r < repeats; r++) {
            // Activations attach to the inputs' manager: a manager per pass frees them after it.
            try (NDManager step = manager.newSubManager()) {
                NDList inputs = new NDList(step.create(ids, shape), step.zeros(shape, DataType.INT64),
                        step.ones(shape, DataType.INT64));
                long start = System.nanoTime();
                loaded.classifier().forward(ps, inputs, false).head().toFloatArray();
                if (r >= 0) {
                    times[r] = seconds(start);
                }
            }
        }
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        return new Run(loaded.keptLayers(), loaded.paramsTotal(), buildSeconds, sorted[repeats / 2], times);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
