package dropgrid.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dropgrid.engine.MallocSettings;
import dropgrid.kernels.Kernels;
import dropgrid.kernels.Precision;
import dropgrid.kernels.TorchNative;
import dropgrid.model.BertConfig;
import dropgrid.model.SequenceClassifier;
import dropgrid.tokenize.Tokenizer;
import dropgrid.train.Collator;
import dropgrid.train.EncodedExample;
import dropgrid.train.EngineThreads;
import dropgrid.train.FineTuner;
import dropgrid.train.Hyperparameters;
import dropgrid.train.MemoryProbe;
import dropgrid.train.TrainingRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dropgrid bench compare}: one fine-tuning step of a BERT-base-shaped classifier (random weights,
 * {@code --layers} layers, {@code --batch} × {@code --tokens}, AdamW, clipping 1.0) taken by dropgrid and
 * by Hugging Face transformers on the same libtorch, in one invocation: HF eager and HF with
 * {@code torch.compile} + fused AdamW, in fp32 or under {@code torch.autocast(bf16)} for {@code
 * --precision bf16}. The HF side is {@code dropgrid/bench/hf_step.py}, run by the Python of a venv this
 * command creates from the pinned {@code dropgrid/bench/requirements.txt} (or by {@code --python}).
 *
 * <p>Prints one JSON object: each side's median step seconds and peak RSS, dropgrid's speed-up over
 * each HF variant, and dropgrid's MFU (model FLOPs per second over the matmul peak that HF's script
 * measured with the same libtorch, precision and threads: the better of torch.mm and oneDNN, since for
 * fp32 torch.mm takes MKL, which runs its AVX2 code on AMD CPUs). The sides run one after the other, never
 * at once; a shared machine makes any single run slow, so compare ratios from one invocation.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "dropgrid's training step against Hugging Face's (eager and torch.compile); one JSON object.")
public final class BenchCompareCommand implements Callable<Integer> {

    private static final String SCRIPT = "/dropgrid/bench/hf_step.py";
    private static final String REQUIREMENTS = "/dropgrid/bench/requirements.txt";

    @Spec CommandSpec spec;

    @Option(names = "--layers", description = "Encoder layers L (default ${DEFAULT-VALUE}).")
    int layers = 6;

    @Option(names = "--batch", description = "B, examples per step (default ${DEFAULT-VALUE}).")
    int batch = 8;

    @Option(names = "--tokens", description = "T, tokens per example (default ${DEFAULT-VALUE}).")
    int tokens = 128;

    @Option(names = "--threads", description = "libtorch intra-op threads on both sides (default ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(names = "--precision", description = "fp32 or bf16 (HF: torch.autocast) (default ${DEFAULT-VALUE}).")
    String precision = "bf16";

    @Option(names = "--steps", description = "Timed steps per side, after the warm-up (default ${DEFAULT-VALUE}).")
    int steps = 10;

    @Option(names = "--warmup", description = "Untimed first steps per side; torch.compile compiles in them"
            + " (default ${DEFAULT-VALUE}).")
    int warmup = 2;

    @Option(names = "--hf-modes", split = ",", description = "HF variants: eager, compile, or none (dropgrid's"
            + " step only) (default ${DEFAULT-VALUE}).")
    List<String> hfModes = List.of("eager", "compile");

    @Option(names = "--hf-env", description = "same: HF runs in this environment, with dropgrid's glibc malloc"
            + " settings (both sides alike); plain: without them, as python started from a plain shell runs"
            + " (default ${DEFAULT-VALUE}).")
    String hfEnv = "same";

    @Option(names = "--python", description = "A Python with torch 2.7.1 and transformers, instead of the bench's"
            + " own venv (created on first use from the pinned requirements, about 3 GB with torch's CUDA wheels).")
    Path python;

    @Override
    public Integer call() throws Exception {
        Precision p = Precision.parse("--precision", precision);
        if (!hfEnv.equals("same") && !hfEnv.equals("plain")) {
            throw new IllegalArgumentException("--hf-env '" + hfEnv + "' is not allowed; allowed: same, plain");
        }
        if (p == Precision.FP16) {
            throw new IllegalArgumentException("--precision fp16 is not compared: HF's CPU reference is fp32 or bf16");
        }
        if (layers < 1 || batch < 1 || tokens < 2 || tokens > 512 || threads < 1 || steps < 1 || warmup < 0) {
            throw new IllegalArgumentException("need --layers, --batch, --threads, --steps >= 1, --warmup >= 0 and"
                    + " --tokens in [2, 512]");
        }
        List<String> modes = hfModes.equals(List.of("none")) ? List.of() : hfModes;
        for (String mode : modes) {
            if (!mode.equals("eager") && !mode.equals("compile")) {
                throw new IllegalArgumentException("--hf-modes '" + mode + "' is not allowed; allowed: eager, compile,"
                        + " none");
            }
        }
        ObjectNode out = JsonOutput.MAPPER.createObjectNode();
        out.put("layers", layers).put("batch", batch).put("tokens", tokens).put("threads", threads)
                .put("precision", p.id()).put("steps", steps).put("warmup", warmup);
        out.put("step_gflop", stepFlops(false) / 1e9);
        out.put("dropgrid_step_gflop", stepFlops(true) / 1e9);
        // Whether this process has dropgrid's malloc settings, and whether the reference ran with them too.
        out.put("malloc_settings", MallocSettings.active());
        out.put("hf_env", hfEnv);
        ObjectNode ours = ourStep(p);
        out.set("dropgrid", ours);
        if (modes.isEmpty()) {
            spec.commandLine().getOut().println(out);
            return 0;
        }
        Path interpreter = python != null ? python : BenchVenv.python(requirements(), log());
        Path script = Files.createTempFile("hf_step", ".py");
        try {
            try (InputStream in = BenchCompareCommand.class.getResourceAsStream(SCRIPT)) {
                Files.write(script, in.readAllBytes());
            }
            double peak = 0;
            for (String mode : modes) {
                JsonNode hf = hfStep(interpreter, script, mode, p);
                out.set("hf_" + mode, hf);
                out.put("speedup_vs_hf_" + mode, hf.get("step_seconds").asDouble() / ours.get("step_seconds").asDouble());
                peak = Math.max(peak, hf.get("matmul_peak_gflops").asDouble());
            }
            if (peak > 0) {
                out.put("matmul_peak_gflops", peak);
                out.put("dropgrid_mfu", stepFlops(true) / ours.get("step_seconds").asDouble() / 1e9 / peak);
            }
        } finally {
            Files.deleteIfExists(script);
        }
        spec.commandLine().getOut().println(out);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /**
     * Matmul FLOPs of one step: 6 per weight per token for the layers' matmuls (forward 2, backward 4)
     * plus attention's q·kᵀ and p·v, 12 · B · T² · E per layer; embeddings, pooler and head are left out.
     * What HF computes ({@code firstTokenOnly} false), or what dropgrid computes: its last layer makes k
     * and v at every position and the rest, q included, for the first token alone (MFU counts these).
     */
    double stepFlops(boolean firstTokenOnly) {
        BertConfig c = BertConfig.base();
        double e = c.hiddenSize();
        double kv = 2 * e * e;
        double rest = 2 * e * e + 2 * e * c.intermediateSize(); // q and the output projection, the feed-forward
        double full = 6 * (kv + rest) * batch * tokens + 12.0 * batch * tokens * tokens * e;
        if (!firstTokenOnly) {
            return layers * full;
        }
        double last = 6 * kv * batch * tokens + 6 * rest * batch + 12.0 * batch * tokens * e;
        return (layers - 1) * full + last;
    }

    private ObjectNode ourStep(Precision p) {
        EngineThreads.use(threads);
        MemoryProbe.reset();
        BertConfig base = BertConfig.base();
        BertConfig config = new BertConfig(base.vocabSize(), base.hiddenSize(), layers, base.numAttentionHeads(),
                base.intermediateSize(), base.hiddenAct(), base.hiddenDropoutProb(),
                base.attentionProbsDropoutProb(), base.maxPositionEmbeddings(), base.typeVocabSize(),
                base.layerNormEps(), base.initializerRange(), base.classifierDropout());
        Random random = new Random(0);
        List<EncodedExample> examples = new ArrayList<>();
        for (int i = 0; i < batch * (warmup + steps); i++) {
            examples.add(new EncodedExample(random.longs(tokens, 1000, config.vocabSize()).toArray(), new long[tokens],
                    i % 2, Float.NaN));
        }
        Hyperparameters hp = new Hyperparameters(2e-5, batch, 1, tokens, 0.0, true, 0.0, 1.0, 0.1, true, false, p);
        TrainingRun run;
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(0);
            SequenceClassifier model = config.classifier(IntStream.range(0, layers).boxed().toList(), 2);
            model.initialize(manager);
            run = FineTuner.fineTune(model, manager, examples, new Collator(0, 0, Tokenizer.PaddingSide.RIGHT, 0), hp,
                    warmup + steps, 0, progress -> {
                        if (progress.last()) {
                            log().println(progress.line());
                        }
                    });
        }
        List<Double> timed = new ArrayList<>(run.stepSeconds().subList(warmup, run.stepSeconds().size()));
        ObjectNode ours = JsonOutput.MAPPER.createObjectNode();
        ours.put("step_seconds", median(timed));
        ours.set("step_seconds_all", JsonOutput.MAPPER.valueToTree(run.stepSeconds()));
        ours.put("peak_rss_bytes", MemoryProbe.peakRssBytes());
        ours.put("native_kernels", Kernels.nativeKernels());
        ours.put("native_status", TorchNative.status());
        return ours;
    }

    private JsonNode hfStep(Path interpreter, Path script, String mode, Precision p) throws IOException,
            InterruptedException {
        List<String> command = List.of(interpreter.toString(), script.toString(), "--layers", "" + layers, "--batch",
                "" + batch, "--tokens", "" + tokens, "--threads", "" + threads, "--precision", p.id(), "--mode", mode,
                "--steps", "" + steps, "--warmup", "" + warmup);
        log().println("bench compare: HF " + mode + " " + p + " ...");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (hfEnv.equals("plain")) {
            builder.environment().keySet().removeAll(MallocSettings.ENVIRONMENT.keySet());
        }
        Process process = builder.start();
        String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        int exit = process.waitFor();
        if (exit != 0 || stdout.isEmpty()) {
            throw new IllegalStateException("the HF reference (" + String.join(" ", command) + ") exited " + exit);
        }
        return JsonOutput.MAPPER.readTree(stdout.substring(stdout.lastIndexOf('\n') + 1));
    }

    private static String requirements() throws IOException {
        try (InputStream in = BenchCompareCommand.class.getResourceAsStream(REQUIREMENTS)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private java.io.PrintWriter log() {
        return spec.commandLine().getErr();
    }
}
