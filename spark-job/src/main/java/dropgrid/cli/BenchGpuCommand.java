package dropgrid.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dropgrid.engine.EngineInfo;
import dropgrid.engine.GpuMemory;
import dropgrid.engine.GpuPeaks;
import dropgrid.experiment.Grid;
import dropgrid.experiment.SpecReader;
import dropgrid.kernels.Precision;
import dropgrid.kernels.TorchNative;
import dropgrid.model.HfParameters;
import dropgrid.model.PretrainedModels;
import dropgrid.tokenize.Tokenizer;
import dropgrid.tokenize.Tokenizers;
import dropgrid.train.Cell;
import dropgrid.train.CellResult;
import dropgrid.train.Collator;
import dropgrid.train.EncodedExample;
import dropgrid.train.Evaluator;
import dropgrid.train.FineTuneCellRunner;
import dropgrid.train.FineTuner;
import dropgrid.train.Hyperparameters;
import dropgrid.train.ModelSource;
import dropgrid.train.TrainingRun;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dropgrid bench gpu}: the check a platform engineer runs on a new GPU node, in a few minutes.
 * One JSON object with
 * <ul>
 *   <li>{@code doctor}: the engine as loaded;
 *   <li>{@code smoke}: every cell of the smoke grid (all four architectures) on the GPU, and the GPU's
 *       memory in use after each cell against its level after the first one (libtorch's cache emptied);
 *   <li>{@code logits}: each smoke model's fp32 logits on the GPU against the same weights on the CPU;
 *   <li>{@code step}: one real BERT-base fine-tuning step per precision, each in its own JVM (TF32 is
 *       a process-wide switch of ATen), with achieved TFLOP/s and MFU against the GPU's datasheet peak.
 * </ul>
 * Without a GPU the engine can use (or with {@code --cpu}) the same parts run on the CPU and every
 * GPU-only check says why it was skipped; that is what CI runs. Exit 1 when a check that ran failed.
 */
@Command(name = "gpu", mixinStandardHelpOptions = true,
        description = "Check a GPU node: doctor, the smoke grid on the GPU, GPU-vs-CPU logits, BERT-base steps with MFU.")
final class BenchGpuCommand implements Callable<Integer> {

    /** Largest |GPU − CPU| of an fp32 logit that passes. */
    static final double LOGITS_TOLERANCE = 1e-3;
    /** GPU memory a cell may leave in use above the level after the first cell (allocator slack). */
    static final long MEMORY_SLACK_BYTES = 16L << 20;
    private static final List<String> PRECISIONS = List.of("fp32", "tf32", "bf16");

    @Spec CommandSpec spec;

    @Option(names = "--gpu", description = "CUDA ordinal of the GPU to check (default ${DEFAULT-VALUE}).")
    int gpu = 0;

    @Option(names = "--cpu", description = "Run every part on the CPU, as CI does.")
    boolean cpu;

    @Option(names = "--spec", description = "The smoke grid's spec (default ${DEFAULT-VALUE}).")
    Path smokeSpec = Path.of("experiment-specs/smoke.yaml");

    @Option(names = "--glue-dir", description = "GLUE directory for the smoke grid (default: the spec's, else the GLUE cache).")
    String glueDir;

    @Option(names = "--model", description = "Model of the fine-tuning step: a fetch-model name or a directory (default ${DEFAULT-VALUE}).")
    String model = "bert-base-uncased";

    @Option(names = "--batch", description = "Examples per step (default 32 on a GPU, 8 on the CPU).")
    Integer batch;

    @Option(names = "--tokens", description = "Tokens per example (default ${DEFAULT-VALUE}).")
    int tokens = 128;

    @Option(names = "--steps", description = "Timed steps after one warm-up step (default 5 on a GPU, 1 on the CPU).")
    Integer steps;

    @Option(names = "--peak-tflops", split = ",", paramLabel = "PRECISION=TFLOPS",
            description = "The GPU's peak per precision, e.g. fp32=19.5,tf32=156,bf16=312 (default: datasheet of known GPUs).")
    Map<String, Double> peakTflops = new LinkedHashMap<>();

    @Option(names = "--step-only", hidden = true, description = "Run only the fine-tuning step in this precision (the child JVM).")
    String stepOnly;

    @Override
    public Integer call() throws Exception {
        long start = System.nanoTime();
        EngineInfo info = EngineInfo.current();
        boolean onGpu = !cpu && info.cudaProblem() == null;
        if (onGpu) {
            info.requireGpu(gpu);
        }
        Device device = onGpu ? Device.gpu(gpu) : Device.cpu();
        int b = batch != null ? batch : onGpu ? 32 : 8;
        int n = steps != null ? steps : onGpu ? 5 : 1;
        if (b < 1 || n < 1 || tokens < 2) {
            throw new IllegalArgumentException("--batch (" + b + ") and --steps (" + n + ") must be >= 1, --tokens ("
                    + tokens + ") >= 2");
        }
        if (stepOnly != null) {
            print(step(stepOnly, device, b, n));
            return 0;
        }
        ObjectNode out = JsonOutput.MAPPER.createObjectNode();
        ObjectNode doctor = JsonOutput.MAPPER.valueToTree(info);
        doctor.put("cuda_problem", info.cudaProblem());
        out.set("doctor", doctor);
        out.put("device", device.toString());
        out.put("gpu_name", onGpu ? info.gpuName(gpu) : null);
        out.put("gpu_checks", onGpu ? "ran" : "skipped: " + (cpu ? "--cpu" : info.cudaProblem()));
        Grid grid = SpecReader.load(smokeSpec.toString(), new Configuration(), System.getenv(),
                SpecReader.Overrides.fromCommandLine(Files.createTempDirectory("dropgrid-bench-gpu").toString(),
                        glueDir));
        out.set("smoke", smoke(grid, device, onGpu));
        out.set("logits", logits(grid, device, onGpu));
        ObjectNode stepsOut = out.putObject("step");
        for (String precision : PRECISIONS) {
            stepsOut.set(precision, childStep(precision, onGpu, info.gpuName(gpu), b, n));
        }
        out.put("ok", out.get("smoke").get("ok").asBoolean() && out.get("logits").get("ok").asBoolean()
                && PRECISIONS.stream().allMatch(p -> stepsOut.get(p).path("ok").asBoolean(true)));
        out.put("seconds", (System.nanoTime() - start) / 1e9);
        print(out);
        return out.get("ok").asBoolean() ? 0 : 1;
    }

    /**
     * Every smoke cell on the device, one after the other, with libtorch's CUDA cache emptied after
     * each as the grid does; on a GPU, the memory in use after each cell against the level after the
     * first (which holds the CUDA context and cuBLAS's workspace for good).
     */
    private ObjectNode smoke(Grid grid, Device device, boolean onGpu) {
        ObjectNode out = JsonOutput.MAPPER.createObjectNode();
        FineTuneCellRunner runner = new FineTuneCellRunner(line -> {});
        Map<String, int[]> byArchitecture = new LinkedHashMap<>();
        ArrayNode failures = out.putArray("failures");
        ArrayNode memory = JsonOutput.MAPPER.createArrayNode();
        long baseline = -1;
        long worst = 0;
        long start = System.nanoTime();
        for (Cell cell : grid.cells()) {
            Cell placed = cell.placed(onGpu ? 0 : cell.threads(), onGpu, onGpu ? gpu : null);
            CellResult result = runner.run(placed);
            int[] counts = byArchitecture.computeIfAbsent(cell.architecture().id(), a -> new int[2]);
            counts[0]++;
            if (result.ok()) {
                counts[1]++;
            } else {
                failures.add(cell.id() + " (" + cell.modelId() + " " + cell.task() + " " + cell.strategy() + " K="
                        + cell.drop() + "): " + result.failureReason());
            }
            if (onGpu) {
                GpuMemory.release();
                long used = GpuMemory.usedBytes(gpu);
                memory.add(used);
                if (baseline < 0) {
                    baseline = used;
                }
                worst = Math.max(worst, used - baseline);
            }
        }
        out.put("cells", grid.cells().size());
        out.put("failed", failures.size());
        out.put("seconds", (System.nanoTime() - start) / 1e9);
        ObjectNode architectures = out.putObject("architectures");
        byArchitecture.forEach((a, c) -> architectures.putObject(a).put("cells", c[0]).put("ok", c[1]));
        ObjectNode mem = out.putObject("gpu_memory");
        boolean memoryOk = true;
        if (onGpu) {
            memoryOk = worst <= MEMORY_SLACK_BYTES;
            mem.put("baseline_bytes", baseline).put("max_above_baseline_bytes", worst)
                    .put("slack_bytes", MEMORY_SLACK_BYTES).put("back_to_baseline", memoryOk);
            mem.set("used_bytes_after_each_cell", memory);
        } else {
            mem.put("skipped", "no GPU");
        }
        out.put("ok", failures.isEmpty() && memoryOk);
        return out;
    }

    /**
     * Each smoke model's logits on the device against the same weights (the head copied over) on the
     * CPU, fp32, dropout off, on GLUE-like pairs. On the CPU this compares the CPU with itself: it checks
     * the harness, not a GPU.
     */
    private static ObjectNode logits(Grid grid, Device device, boolean onGpu) {
        ObjectNode out = JsonOutput.MAPPER.createObjectNode();
        out.put("compared", device + " vs " + Device.cpu());
        out.put("tolerance", LOGITS_TOLERANCE);
        ObjectNode models = out.putObject("models");
        boolean ok = true;
        Map<String, String> sources = new LinkedHashMap<>();
        for (Cell c : grid.cells()) {
            sources.putIfAbsent(c.modelId(), c.modelSource());
        }
        String[][] pairs = {
            {"The cat sat on the mat.", "A cat is sitting on a mat."},
            {"Stocks fell sharply on Monday after the report.", "The market rose."},
            {"He said the meeting would be moved to Friday afternoon.", "The meeting is on Friday."},
            {"Short.", null}};
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path dir = ModelSource.resolve(e.getValue());
            try (PretrainedModels.Checkpoint checkpoint = PretrainedModels.read(dir);
                    Tokenizer tokenizer = Tokenizers.load(dir, checkpoint.architecture());
                    NDManager cpuManager = NDManager.newBaseManager(Device.cpu());
                    NDManager deviceManager = NDManager.newBaseManager(device)) {
                List<EncodedExample> examples = new ArrayList<>();
                for (String[] pair : pairs) {
                    Tokenizer.Encoding enc = tokenizer.encode(pair[0], pair[1], 64);
                    examples.add(new EncodedExample(enc.ids(), enc.typeIds(), 0, Float.NaN));
                }
                List<Integer> all = IntStream.range(0, checkpoint.depth()).boxed().toList();
                PretrainedModels.Loaded reference = PretrainedModels.build(checkpoint, all, 2, 0.0, cpuManager);
                PretrainedModels.Loaded tested = PretrainedModels.build(checkpoint, all, 2, 0.0, deviceManager);
                Map<String, ai.djl.nn.Parameter> from = HfParameters.of(reference.classifier());
                HfParameters.of(tested.classifier()).forEach((key, p) ->
                        p.getArray().set(from.get(key).getArray().toFloatArray()));
                Collator collator = Collator.of(tokenizer, true, 64);
                float[][] expected = Evaluator.predict(reference.classifier(), cpuManager, examples, collator, 4);
                float[][] actual = Evaluator.predict(tested.classifier(), deviceManager, examples, collator, 4);
                double max = 0;
                for (int i = 0; i < expected.length; i++) {
                    for (int j = 0; j < expected[i].length; j++) {
                        max = Math.max(max, Math.abs(expected[i][j] - actual[i][j]));
                    }
                }
                boolean pass = max <= LOGITS_TOLERANCE;
                ok &= pass;
                models.putObject(e.getKey()).put("architecture", checkpoint.architecture().id())
                        .put("max_abs_diff", max).put("ok", pass);
            }
        }
        out.put("ok", ok);
        if (!onGpu) {
            out.put("note", "no GPU: the CPU against itself, which checks the harness only");
        }
        return out;
    }

    /** One precision's step in a child JVM, or why it is skipped. */
    /** The compute capability of the checked GPU, e.g. 8.0 for an A100. */
    private double computeCapability() {
        return EngineInfo.current().gpus().stream().filter(g -> g.ordinal() == gpu).findFirst()
                .map(g -> Double.parseDouble(g.computeCapability())).orElse(0.0);
    }

    private ObjectNode childStep(String precision, boolean onGpu, String gpuName, int b, int n)
            throws IOException, InterruptedException {
        ObjectNode skipped = JsonOutput.MAPPER.createObjectNode();
        if (!onGpu && precision.equals("tf32")) {
            return skipped.put("skipped", "TF32 is a GPU matmul mode");
        }
        if (precision.equals("bf16") && !TorchNative.available()) {
            return skipped.put("skipped", "bf16 needs dropgrid's native kernels: " + TorchNative.status());
        }
        if (precision.equals("bf16") && onGpu && computeCapability() < 8.0) {
            return skipped.put("skipped", "bf16 needs compute capability 8.0 (Ampere) or newer");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), "bench", "gpu",
                "--step-only", precision, "--model", model, "--batch", Integer.toString(b), "--tokens",
                Integer.toString(tokens), "--steps", Integer.toString(n), "--gpu", Integer.toString(gpu)));
        if (cpu) {
            command.add("--cpu");
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        // ATen reads this once per process: on, TF32 matmuls; "0", strict fp32 whatever the environment says.
        pb.environment().put("TORCH_ALLOW_TF32_CUBLAS_OVERRIDE", precision.equals("tf32") ? "1" : "0");
        Process child = pb.start();
        String stdout = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = child.waitFor();
        String last = stdout.lines().reduce((x, y) -> y).orElse("");
        if (exit != 0 || !last.startsWith("{")) {
            return skipped.put("ok", false).put("error", "step JVM exited " + exit + ": " + last);
        }
        ObjectNode result = (ObjectNode) JsonOutput.MAPPER.readTree(last);
        Double peak = peakTflops.containsKey(precision) ? peakTflops.get(precision)
                : onGpu ? GpuPeaks.tflops(gpuName, precision) : null;
        result.put("peak_tflops", peak);
        result.put("mfu", peak == null ? null : result.get("achieved_tflops").asDouble() / peak);
        result.put("ok", true);
        return result;
    }

    /**
     * One warm-up and {@code n} timed fine-tuning steps of the full model on random ids, every batch
     * {@code B × T} with no padding. Model FLOPs per step: 6 · (non-embedding parameters) · B · T for
     * the matmuls forward and backward, plus 12 · L · B · T² · H for attention's two batched matmuls.
     */
    private ObjectNode step(String precision, Device device, int b, int n) {
        Path dir = ModelSource.resolve(model);
        try (PretrainedModels.Checkpoint checkpoint = PretrainedModels.read(dir);
                Tokenizer tokenizer = Tokenizers.load(dir, checkpoint.architecture());
                NDManager manager = NDManager.newBaseManager(device)) {
            List<Integer> all = IntStream.range(0, checkpoint.depth()).boxed().toList();
            PretrainedModels.Loaded loaded = PretrainedModels.build(checkpoint, all, 2, 0.1, manager);
            long nonEmbedding = 0;
            long hidden = 0;
            for (Map.Entry<String, ai.djl.nn.Parameter> p : HfParameters.of(loaded.classifier()).entrySet()) {
                NDArray a = p.getValue().getArray();
                if (p.getKey().contains("embeddings.") || p.getKey().endsWith("word_embedding.weight")) {
                    hidden = Math.max(hidden, a.getShape().get(a.getShape().dimension() - 1));
                } else {
                    nonEmbedding += a.size();
                }
            }
            Random random = new Random(7);
            List<EncodedExample> examples = new ArrayList<>();
            for (int i = 0; i < b * (n + 1); i++) {
                long[] ids = random.longs(tokens, 1000, checkpoint.vocabSize()).toArray();
                examples.add(new EncodedExample(ids, new long[tokens], random.nextInt(2), Float.NaN));
            }
            Hyperparameters hp = new Hyperparameters(2e-5, b, 1, tokens, 0.0, false, 0.01, 1.0, 0.1, false, false);
            Collator collator = Collator.of(tokenizer, false, tokens);
            TrainingRun run;
            // TF32 is fp32 compute with ATen's switch on (this JVM's environment); bf16 is autocast-like.
            try (Precision.Scope scope = (precision.equals("tf32") ? Precision.FP32
                    : Precision.parse("--step-only", precision)).use()) {
                FineTuner.fineTune(loaded.classifier(), manager, examples.subList(0, b), collator, hp, 1, 7);
                run = FineTuner.fineTune(loaded.classifier(), manager, examples.subList(b, examples.size()), collator,
                        hp, n, 7);
            }
            double seconds = run.seconds() / run.steps();
            double flops = 6.0 * nonEmbedding * b * tokens + 12.0 * checkpoint.depth() * b * (double) tokens * tokens * hidden;
            ObjectNode out = JsonOutput.MAPPER.createObjectNode();
            out.put("precision", precision);
            out.put("device", device.toString());
            out.put("model", dir.toString());
            out.put("layers", checkpoint.depth());
            out.put("batch", b).put("tokens", tokens).put("timed_steps", run.steps());
            out.put("seconds_per_step", seconds);
            out.put("model_tflop_per_step", flops / 1e12);
            out.put("achieved_tflops", flops / seconds / 1e12);
            out.put("tokens_per_second", b * tokens / seconds);
            out.put("loss", run.losses().get(run.losses().size() - 1));
            return out;
        }
    }

    private void print(JsonNode node) throws IOException {
        spec.commandLine().getOut().println(JsonOutput.MAPPER.writeValueAsString(node));
        spec.commandLine().getOut().flush();
    }
}
