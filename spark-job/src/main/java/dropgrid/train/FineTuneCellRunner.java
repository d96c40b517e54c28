package dropgrid.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dropgrid.drop.LayerSimilarity;
import dropgrid.drop.Selection;
import dropgrid.drop.SimilaritySource;
import dropgrid.drop.Strategies;
import dropgrid.glue.Example;
import dropgrid.glue.GlueData;
import dropgrid.glue.GlueTask;
import dropgrid.glue.Split;
import dropgrid.glue.TaskScore;
import dropgrid.model.PretrainedModels;
import dropgrid.storage.Location;
import dropgrid.tokenize.Tokenizer;
import dropgrid.tokenize.Tokenizers;
import dropgrid.vocabulary.DropStage;
import dropgrid.vocabulary.Status;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.slf4j.LoggerFactory;

/**
 * Runs one grid cell end to end: read the task, choose the kept layers, build the (smaller) model from
 * the pre-trained checkpoint, fine-tune, score the dev set(s), and fill every field of the result row.
 * A two-stage cell ({@link DropStage#FINETUNED}) fine-tunes the full model first, chooses the
 * layers on the fine-tuned model, builds the smaller model from the fine-tuned weights (head included)
 * and fine-tunes again.
 *
 * <p>Checkpoints and tokenizers are read once per JVM and kept (an executor runs many cells of one
 * model); each cell builds its own model from them.
 */
public final class FineTuneCellRunner implements CellRunner {

    private static final Map<Path, PretrainedModels.Checkpoint> CHECKPOINTS = new ConcurrentHashMap<>();
    private static final Map<Path, Tokenizer> TOKENIZERS = new ConcurrentHashMap<>();

    /** Dev-set batches: no activations kept for backward, so larger than training batches. */
    private static final int MIN_EVAL_BATCH = 32;
    /** Batch size of the similarity pass of data-dependent strategies. */
    private static final int SIMILARITY_BATCH = 32;

    private final Consumer<String> log;

    /** The runner the Spark job creates by class name; progress goes to the executor's log. */
    public FineTuneCellRunner() {
        this(LoggerFactory.getLogger(FineTuneCellRunner.class)::info);
    }

    /** A runner that reports progress lines to {@code log} (the command line passes stderr). */
    public FineTuneCellRunner(Consumer<String> log) {
        this.log = log;
    }

    /**
     * Runs on the cell's GPU when it asks for one (index 0 when the executor named none), else on the
     * CPU. Safe to call from several threads; see {@link EngineThreads} and {@link MemoryProbe} for the
     * settings and figures that are process-wide.
     */
    @Override
    public CellResult run(Cell cell) {
        Instant started = Instant.now();
        String host = hostName();
        Device device = cell.useGpu() ? Device.gpu(cell.gpu() == null ? 0 : cell.gpu()) : Device.cpu();
        try {
            return runOrThrow(cell, device, host, started);
        } catch (RuntimeException | OutOfMemoryError e) {
            return CellResult.failed(cell, e, device.toString(), host, started);
        }
    }

    private CellResult runOrThrow(Cell cell, Device device, String host, Instant started) {
        MemoryProbe.reset();
        EngineThreads.use(cell.threads());
        GlueTask task = GlueTask.parse(cell.task());
        Hyperparameters hp = cell.hyperparameters();
        Path modelDir = ModelSource.resolve(cell.modelSource(), line -> log.accept(cellTag(cell) + line));
        Path glueDir = localGlueDir(cell.glueDir());
        PretrainedModels.Checkpoint checkpoint = CHECKPOINTS.computeIfAbsent(modelDir, PretrainedModels::read);
        if (checkpoint.architecture() != cell.architecture()) {
            throw new IllegalArgumentException("cell says architecture " + cell.architecture().id() + " but "
                    + modelDir + " holds a " + checkpoint.architecture().id() + " checkpoint");
        }
        Tokenizer tokenizer = TOKENIZERS.computeIfAbsent(modelDir, dir -> Tokenizers.load(dir, cell.architecture()));
        int depth = checkpoint.depth();
        int seqLength = checkpoint.config().sequenceLength(hp.maxSeqLength());
        if (seqLength < hp.maxSeqLength()) {
            log.accept(cellTag(cell) + "max_seq_length " + hp.maxSeqLength() + " cut to " + seqLength
                    + ", the positions " + modelDir + " covers");
        }

        List<Example> trainExamples = GlueData.load(glueDir, task, Split.TRAIN, cell.limits().maxTrainExamples(),
                cell.seed());
        List<EncodedExample> train = encode(trainExamples, task, tokenizer, seqLength);
        Collator collator = Collator.of(tokenizer, hp.dynamicPadding(), seqLength);

        try (NDManager manager = NDManager.newBaseManager(device)) {
            Stages stages = cell.stage() == DropStage.PRETRAINED
                    ? dropThenFineTune(cell, checkpoint, depth, task, trainExamples, train, tokenizer, collator,
                            manager)
                    : fineTuneDropFineTune(cell, checkpoint, depth, task, trainExamples, train, tokenizer, collator,
                            manager);
            PretrainedModels.Loaded model = stages.model();

            long evalStart = System.nanoTime();
            TaskScore score = null;
            int evalExamples = 0;
            for (Split split : task.devSplits()) {
                List<Example> devExamples = GlueData.load(glueDir, task, split, cell.limits().maxEvalExamples(),
                        cell.seed());
                List<EncodedExample> dev = encode(devExamples, task, tokenizer, seqLength);
                float[][] outputs = Evaluator.predict(model.classifier(), manager, dev, collator,
                        Math.max(MIN_EVAL_BATCH, hp.batchSize()));
                TaskScore splitScore = score(task, split, dev, outputs);
                score = score == null ? splitScore : score.plus(splitScore);
                evalExamples += dev.size();
            }
            double evalSeconds = (System.nanoTime() - evalStart) / 1e9;
            log.accept(cellTag(cell) + "dev " + score.metrics() + " on " + evalExamples + " examples");

            TrainingRun[] runs = stages.runs();
            int steps = 0;
            long tokens = 0;
            double trainSeconds = 0;
            for (TrainingRun run : runs) {
                steps += run.steps();
                tokens += run.realTokens();
                trainSeconds += run.seconds();
            }
            return new CellResult(cell, Status.OK, "", depth, model.keptLayers(),
                    stages.selection().layerScores(), score.metrics(), score.headline(),
                    model.params().total(), model.params().encoder(),
                    train.size(), steps, evalExamples, trainSeconds, evalSeconds, stages.selectSeconds(),
                    tokens / trainSeconds, evalExamples / evalSeconds, MemoryProbe.peakHeapBytes(),
                    MemoryProbe.peakRssBytes(), device.toString(), host, started, Instant.now());
        }
    }

    /** What the fine-tuning stages left: the final model, how its layers were chosen, each stage's run. */
    private record Stages(PretrainedModels.Loaded model, Selection selection, double selectSeconds,
            TrainingRun... runs) {}

    /** The paper's main setting: choose layers on the pre-trained model, build the smaller model, fine-tune. */
    private Stages dropThenFineTune(Cell cell, PretrainedModels.Checkpoint checkpoint, int depth, GlueTask task,
            List<Example> trainExamples, List<EncodedExample> train, Tokenizer tokenizer, Collator collator,
            NDManager manager) {
        long selectStart = System.nanoTime();
        Selection selection = select(cell, depth,
                similaritySource(checkpoint, cell, task, trainExamples, tokenizer, manager));
        double selectSeconds = seconds(selectStart, cell);
        Engine.getInstance().setRandomSeed(Long.hashCode(cell.seed()));
        PretrainedModels.Loaded model = PretrainedModels.build(checkpoint, selection.kept(), task.numOutputs(),
                cell.hyperparameters().dropout(), manager);
        log.accept(cellTag(cell) + "kept layers " + selection.kept() + "; fine-tuning on " + train.size()
                + " examples");
        TrainingRun run = FineTuner.fineTune(model.classifier(), manager, train, collator, cell.hyperparameters(),
                cell.limits().maxSteps(), cell.seed(), progress(cell, ""));
        return new Stages(model, selection, selectSeconds, run);
    }

    /**
     * Paper §6.4: fine-tune the full model, choose the layers on the fine-tuned model, build the smaller
     * model from the fine-tuned weights (head included) and fine-tune it again with the same settings.
     */
    private Stages fineTuneDropFineTune(Cell cell, PretrainedModels.Checkpoint checkpoint, int depth,
            GlueTask task, List<Example> trainExamples, List<EncodedExample> train, Tokenizer tokenizer,
            Collator collator, NDManager manager) {
        Hyperparameters hp = cell.hyperparameters();
        TrainingRun first;
        Selection selection;
        double selectSeconds;
        PretrainedModels.Loaded model;
        // The full model is freed as soon as the smaller one holds its weights, before stage 2 trains.
        try (NDManager firstStage = manager.newSubManager()) {
            Engine.getInstance().setRandomSeed(Long.hashCode(cell.seed()));
            PretrainedModels.Loaded full = PretrainedModels.build(checkpoint, allLayers(depth), task.numOutputs(),
                    hp.dropout(), firstStage);
            log.accept(cellTag(cell) + "stage 1: fine-tuning all " + depth + " layers on " + train.size()
                    + " examples");
            first = FineTuner.fineTune(full.classifier(), firstStage, train, collator, hp, cell.limits().maxSteps(),
                    cell.seed(), progress(cell, "stage 1 "));
            PretrainedModels.Checkpoint fineTuned = checkpoint.withWeights(
                    FineTunedWeights.of(full.classifier(), "the model fine-tuned in stage 1 of cell " + cell.id()));
            long selectStart = System.nanoTime();
            selection = select(cell, depth,
                    similaritySource(fineTuned, cell, task, trainExamples, tokenizer, firstStage));
            selectSeconds = seconds(selectStart, cell);
            Engine.getInstance().setRandomSeed(Long.hashCode(cell.seed()));
            model = PretrainedModels.build(fineTuned, selection.kept(), task.numOutputs(), hp.dropout(), manager);
        }
        log.accept(cellTag(cell) + "stage 2: kept layers " + selection.kept() + "; fine-tuning again");
        TrainingRun second = FineTuner.fineTune(model.classifier(), manager, train, collator, hp,
                cell.limits().maxSteps(), cell.seed(), progress(cell, "stage 2 "));
        return new Stages(model, selection, selectSeconds, first, second);
    }

    private Consumer<String> progress(Cell cell, String stage) {
        return line -> log.accept(cellTag(cell) + stage + line);
    }

    private static String cellTag(Cell cell) {
        return "cell " + cell.id() + " (" + cell.task() + " " + cell.strategy() + " K=" + cell.drop() + "): ";
    }

    /** The cell's strategy, seeded with the cell's seed unless its options name one, choosing on L = depth. */
    static Selection select(Cell cell, int depth, SimilaritySource source) {
        return Strategies.named(cell.strategy()).build(cell.strategyOptions(), cell.seed(), source)
                .select(depth, cell.drop());
    }

    /** Select time counts only for data-dependent strategies; static ones are free by definition. */
    private static double seconds(long start, Cell cell) {
        return Strategies.named(cell.strategy()).needsData() ? (System.nanoTime() - start) / 1e9 : 0.0;
    }

    /**
     * Measures the encoder built from {@code checkpoint} (pre-trained or fine-tuned) with the asked-for
     * layers, over the strategy's sample of training examples. No gradients, dropout off.
     */
    private static SimilaritySource similaritySource(PretrainedModels.Checkpoint checkpoint, Cell cell, GlueTask task,
            List<Example> trainExamples, Tokenizer tokenizer, NDManager manager) {
        return kept -> {
            Strategies.Row strategy = Strategies.named(cell.strategy());
            if (!strategy.needsData()) {
                throw new IllegalStateException(
                        "static strategy '" + cell.strategy() + "' asked for a similarity pass");
            }
            int sample = strategy.options(cell.strategyOptions(), cell.seed()).sample();
            int seqLength = checkpoint.config().sequenceLength(cell.hyperparameters().maxSeqLength());
            List<Tokenizer.Encoding> encodings = new ArrayList<>();
            for (Example e : LayerSimilarity.sample(trainExamples, sample)) {
                encodings.add(tokenizer.encode(e.textA(), e.textB(), seqLength));
            }
            try (NDManager scope = manager.newSubManager(); GradientTape noGrad = GradientTape.pause()) {
                PretrainedModels.Loaded model = PretrainedModels.build(checkpoint, kept, task.numOutputs(), 0.0, scope);
                return LayerSimilarity.measure(model.classifier().encoder(), encodings, tokenizer, SIMILARITY_BATCH,
                        scope);
            }
        };
    }

    private static TaskScore score(GlueTask task, Split split, List<EncodedExample> dev, float[][] outputs) {
        if (task.isRegression()) {
            double[] predicted = new double[dev.size()];
            double[] gold = new double[dev.size()];
            for (int i = 0; i < dev.size(); i++) {
                predicted[i] = outputs[i][0];
                gold[i] = dev.get(i).score();
            }
            return TaskScore.of(task, split, predicted, gold);
        }
        int[] gold = dev.stream().mapToInt(EncodedExample::label).toArray();
        return TaskScore.of(task, split, Evaluator.argmax(outputs), gold);
    }

    private static List<EncodedExample> encode(List<Example> examples, GlueTask task, Tokenizer tokenizer,
            int maxLength) {
        List<EncodedExample> encoded = new ArrayList<>(examples.size());
        for (Example e : examples) {
            Tokenizer.Encoding enc = tokenizer.encode(e.textA(), e.textB(), maxLength);
            encoded.add(task.isRegression()
                    ? new EncodedExample(enc.ids(), enc.typeIds(), -1, (float) e.score())
                    : new EncodedExample(enc.ids(), enc.typeIds(), task.labelIndex(e.label()), Float.NaN));
        }
        return encoded;
    }

    private static List<Integer> allLayers(int depth) {
        return IntStream.range(0, depth).boxed().toList();
    }

    private static Path localGlueDir(String glueDir) {
        Location location = Location.of(glueDir);
        if (location.isRemote()) {
            throw new IllegalArgumentException("glue_dir '" + glueDir + "' is not a local directory; the cell runner"
                    + " reads GLUE from local disk (stage remote data to the executor first)");
        }
        return location.path();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }
}
