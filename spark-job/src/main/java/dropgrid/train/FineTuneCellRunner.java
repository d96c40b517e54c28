package dropgrid.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dropgrid.kernels.Kernels;
import dropgrid.kernels.Precision;
import dropgrid.model.PretrainedModels;
import dropgrid.vocabulary.DropStage;
import dropgrid.vocabulary.Status;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.slf4j.LoggerFactory;

/**
 * Runs one grid cell end to end: read the task, choose the kept layers, build the (smaller) model from
 * the pre-trained checkpoint, fine-tune, score the dev set(s), and fill every field of the result row.
 * A two-stage cell ({@link DropStage#FINETUNED}) fine-tunes the full model first, builds the smaller
 * model from the fine-tuned weights (head included) and fine-tunes again; as the paper did, the first
 * fine-tuning freezes the layers that will be dropped unless the cell says otherwise. The paper's
 * per-layer analyses run on the final model when the cell asks for them.
 */
public final class FineTuneCellRunner implements CellRunner {

    /** How often a fine-tuning cell writes a progress line to the log; a GLUE run takes minutes to hours. */
    private static final double LOG_SECONDS = 30;

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
        return run(cell, progress -> {});
    }

    @Override
    public CellResult run(Cell cell, Consumer<TrainingProgress> status) {
        Instant started = Instant.now();
        String host = CellResult.Execution.localHost();
        Device device = cell.useGpu() ? Device.gpu(cell.gpu() == null ? 0 : cell.gpu()) : Device.cpu();
        try {
            MemoryProbe.reset();
            EngineThreads.use(cell.threads());
            CellInputs in = CellInputs.read(cell, line -> log.accept(tag(cell) + line));
            // The cell's precision covers layer selection and evaluation too, as HF's Trainer evaluates under
            // autocast.
            try (NDManager manager = NDManager.newBaseManager(device);
                    Precision.Scope precision = cell.hyperparameters().precision().use()) {
                Stages stages = cell.stage() == DropStage.PRETRAINED
                        ? dropThenFineTune(in, manager, status)
                        : fineTuneDropFineTune(in, manager, status);
                CellResult.Evaluation dev = DevSet.evaluate(stages.model().classifier(), in, manager);
                log.accept(tag(cell) + "dev " + dev.metrics() + " on " + dev.evalExamples() + " examples");
                LayerAnalyses analyses = LayerAnalyses.measure(cell.analyses(), stages.model(), in, manager,
                        line -> log.accept(tag(cell) + line));
                return new CellResult(cell, Status.OK, "", stages.layers(), stages.model().params(),
                        CellResult.Training.of(in.train().size(), in.seqLength(), stages.runs()), dev,
                        new CellResult.Execution(device.toString(), host, started, Instant.now(),
                                MemoryProbe.peakHeapBytes(), MemoryProbe.peakRssBytes(), Kernels.name()), analyses);
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            return CellResult.failed(cell, e, device.toString(), host, started);
        }
    }

    /** What the fine-tuning stages left: the final model, how its layers were chosen, each stage's run. */
    private record Stages(PretrainedModels.Loaded model, LayerChoice choice, List<TrainingRun> runs) {
        CellResult.Layers layers() {
            return new CellResult.Layers(model.depth(), model.keptLayers(), choice.selection().layerScores(),
                    choice.seconds());
        }
    }

    /** The paper's main setting: choose layers on the pre-trained model, build the smaller model, fine-tune. */
    private Stages dropThenFineTune(CellInputs in, NDManager manager, Consumer<TrainingProgress> status) {
        LayerChoice choice = LayerChoice.on(in.checkpoint(), in, manager);
        PretrainedModels.Loaded model = build(in, in.checkpoint(), choice.selection().kept(), manager);
        log.accept(tag(in.cell()) + "kept layers " + model.keptLayers() + "; fine-tuning on " + in.train().size()
                + " examples");
        return new Stages(model, choice, List.of(fineTune(in, model, manager, "", status)));
    }

    /**
     * Paper §6.4: fine-tune the full model, build the smaller model from the fine-tuned weights (head
     * included) and fine-tune it again with the same settings. Freezing (the paper's way) needs the
     * layers before stage 1, so they are chosen on the pre-trained model and frozen while the others
     * train; without freezing they are chosen on the fine-tuned model.
     */
    private Stages fineTuneDropFineTune(CellInputs in, NDManager manager, Consumer<TrainingProgress> status) {
        int depth = in.checkpoint().depth();
        List<Integer> all = IntStream.range(0, depth).boxed().toList();
        TrainingRun first;
        LayerChoice choice = in.cell().freezesDropped() ? LayerChoice.on(in.checkpoint(), in, manager) : null;
        PretrainedModels.Loaded model;
        // The full model is freed as soon as the smaller one holds its weights, before stage 2 trains.
        try (NDManager firstStage = manager.newSubManager()) {
            PretrainedModels.Loaded full = build(in, in.checkpoint(), all, firstStage);
            String frozen = "";
            if (choice != null) {
                List<Integer> kept = choice.selection().kept();
                List<Integer> dropped = all.stream().filter(l -> !kept.contains(l)).toList();
                FrozenLayers.freeze(full.classifier(), dropped);
                frozen = " (layers " + dropped + " frozen)";
            }
            log.accept(tag(in.cell()) + "stage 1: fine-tuning " + depth + " layers" + frozen + " on "
                    + in.train().size() + " examples");
            first = fineTune(in, full, firstStage, "stage 1", status);
            PretrainedModels.Checkpoint fineTuned = in.checkpoint().withWeights(FineTunedWeights.of(
                    full.classifier(), "the model fine-tuned in stage 1 of cell " + in.cell().id()));
            if (choice == null) {
                choice = LayerChoice.on(fineTuned, in, firstStage);
            }
            model = build(in, fineTuned, choice.selection().kept(), manager);
        }
        log.accept(tag(in.cell()) + "stage 2: kept layers " + model.keptLayers() + "; fine-tuning again");
        return new Stages(model, choice, List.of(first, fineTune(in, model, manager, "stage 2", status)));
    }

    /** Every model that is fine-tuned starts from the cell's seed (its fresh head, then dropout). */
    private static PretrainedModels.Loaded build(CellInputs in, PretrainedModels.Checkpoint from, List<Integer> kept,
            NDManager manager) {
        Engine.getInstance().setRandomSeed(Long.hashCode(in.cell().seed()));
        return PretrainedModels.build(from, kept, in.task().numOutputs(), in.cell().hyperparameters().dropout(),
                manager);
    }

    /** Every step goes to {@code status}; to the log, a line every 30 seconds and at the end. */
    private TrainingRun fineTune(CellInputs in, PretrainedModels.Loaded model, NDManager manager, String stage,
            Consumer<TrainingProgress> status) {
        Cell cell = in.cell();
        long[] logged = {System.nanoTime()};
        return FineTuner.fineTune(model.classifier(), manager, in.train(), in.collator(), cell.hyperparameters(),
                cell.limits().maxSteps(), cell.seed(), p -> {
                    TrainingProgress staged = p.inStage(stage);
                    status.accept(staged);
                    long now = System.nanoTime();
                    if ((now - logged[0]) / 1e9 >= LOG_SECONDS || p.last()) {
                        log.accept(tag(cell) + staged.line());
                        logged[0] = now;
                    }
                });
    }

    private static String tag(Cell cell) {
        return "cell " + cell.id() + " (" + cell.task() + " " + cell.strategy() + " K=" + cell.drop() + "): ";
    }
}
