package dropgrid.cli;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dropgrid.model.PretrainedModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Mixin ModelArgument modelArgument;

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
            double forwardSecondsMin, double[] forwardSeconds) {}

    /**
     * The command's result; the ratios are dropped / full, of the medians and of the minima.
     *
     * @param loadSeconds reading the checkpoint and building the full model from it
     */
    public record Result(String model, String architecture, int depth, int batch, int tokens, int cpus,
            double loadSeconds, List<Run> runs, double forwardRatio, double forwardRatioMin) {}

    @Override
    public Integer call() throws Exception {
        Result result = run(modelArgument.localDir(spec.commandLine().getErr()), batch, tokens, keepLayers, repeats);
        spec.commandLine().getOut().println(JsonOutput.MAPPER.writeValueAsString(result));
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
            List<PretrainedModels.Loaded> variants = new ArrayList<>();
            double[] build = new double[2];
            double loadSeconds = 0;
            try (checkpoint) {
                for (List<Integer> keep : List.of(all, dropped != null ? dropped : all.subList(0, all.size() / 2))) {
                    long buildStart = System.nanoTime();
                    variants.add(PretrainedModels.build(checkpoint, keep, 2, 0.1, manager));
                    build[variants.size() - 1] = seconds(buildStart);
                    if (variants.size() == 1) {
                        loadSeconds = seconds(start);
                    }
                }
            }
            // Token values do not change the cost; a fixed seed keeps runs comparable.
            long[] ids = new Random(42).longs((long) batch * tokens, 0, checkpoint.vocabSize()).toArray();
            double[][] times = new double[2][repeats];
            // Variants alternate, after one warm-up each, so load from other processes hits both alike.
            for (int r = -1; r < repeats; r++) {
                for (int v = 0; v < 2; v++) {
                    double t = forward(variants.get(v), manager, ids, batch, tokens);
                    if (r >= 0) {
                        times[v][r] = t;
                    }
                }
            }
            List<Run> runs = new ArrayList<>();
            for (int v = 0; v < 2; v++) {
                double[] sorted = times[v].clone();
                Arrays.sort(sorted);
                runs.add(new Run(variants.get(v).keptLayers(), variants.get(v).params().total(), build[v],
                        sorted[repeats / 2], sorted[0], times[v]));
            }
            return new Result(model.toString(), checkpoint.architecture().id(), checkpoint.depth(), batch, tokens,
                    Runtime.getRuntime().availableProcessors(), loadSeconds, runs,
                    runs.get(1).forwardSecondsMedian() / runs.get(0).forwardSecondsMedian(),
                    runs.get(1).forwardSecondsMin() / runs.get(0).forwardSecondsMin());
        }
    }

    /** Seconds for one inference forward pass of a B × T batch. */
    private static double forward(PretrainedModels.Loaded loaded, NDManager manager, long[] ids, int batch, int tokens) {
        Shape shape = new Shape(batch, tokens);
        // Activations attach to the inputs' manager: a manager per pass frees them after it.
        try (NDManager step = manager.newSubManager()) {
            NDList inputs = new NDList(step.create(ids, shape), step.zeros(shape, DataType.INT64),
                    step.ones(shape, DataType.INT64));
            long start = System.nanoTime();
            loaded.classifier().forward(new ParameterStore(step, false), inputs, false).head().toFloatArray();
            return seconds(start);
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
