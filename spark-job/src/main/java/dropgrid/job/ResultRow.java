package dropgrid.job;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dropgrid.engine.EngineInfo;
import dropgrid.train.Cell;
import dropgrid.train.CellResult;
import dropgrid.train.Hyperparameters;
import dropgrid.train.Limits;
import dropgrid.vocabulary.DropStage;
import dropgrid.vocabulary.Status;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One row of the results dataset, and the one definition of its columns: each component is a column
 * (its snake_case name, in this order, with the type {@link ResultColumns} derives), so the Spark schema,
 * the conversions to and from Spark rows and the committed cell files ({@link ResultFiles}) all follow
 * from this list. {@code docs/results-schema.md} says what each column means; a test keeps it in step.
 * Adding a column is adding a component here and filling its value in {@link #of}. Unknown numbers are
 * null, never 0 or NaN.
 */
public record ResultRow(
        String runName,
        String cellId,
        String specHash,
        String modelId,
        String architecture,
        String modelSource,
        String task,
        String strategy,
        Integer drop,
        DropStage dropStage,
        Boolean freezeDropped,
        Integer pretrainedDepth,
        List<Integer> keptLayers,
        List<Double> layerScores,
        List<Double> driftCls,
        List<Double> driftTokens,
        List<Double> probeScores,
        String strategyOptions,
        Long seed,
        Double hpLearningRate,
        Integer hpBatchSize,
        Integer hpEpochs,
        Integer hpMaxSeqLength,
        Double hpWarmupRatio,
        Boolean hpLinearDecay,
        Double hpWeightDecay,
        Double hpMaxGradNorm,
        Double hpDropout,
        Boolean hpDynamicPadding,
        Boolean hpLengthGrouping,
        String precision,
        Integer limitMaxTrainExamples,
        Integer limitMaxEvalExamples,
        Integer limitMaxSteps,
        Double metricAccuracy,
        Double metricAccuracyMismatched,
        Double metricF1,
        Double metricMcc,
        Double metricPearson,
        Double metricSpearman,
        Double headline,
        Double baselineHeadline,
        Double deltaHeadline,
        Long paramsTotal,
        Long paramsEncoder,
        Integer trainExamples,
        Integer trainSteps,
        Integer seqLength,
        Integer evalExamples,
        Double finetuneSeconds,
        Double evalSeconds,
        Double selectSeconds,
        Double trainTokensPerSecond,
        Double evalExamplesPerSecond,
        Long peakHeapBytes,
        Long peakRssBytes,
        String device,
        String kernels,
        String engine,
        String gpuName,
        String host,
        Status status,
        String failureReason,
        Instant startedAt,
        Instant finishedAt,
        String dropgridVersion) {

    private static final ObjectMapper OPTIONS_JSON =
            JsonMapper.builder().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    public ResultRow {
        keptLayers = keptLayers == null ? List.of() : List.copyOf(keptLayers);
        layerScores = layerScores == null ? List.of() : List.copyOf(layerScores);
        driftCls = driftCls == null ? List.of() : List.copyOf(driftCls);
        driftTokens = driftTokens == null ? List.of() : List.copyOf(driftTokens);
        probeScores = probeScores == null ? List.of() : List.copyOf(probeScores);
        failureReason = failureReason == null ? "" : failureReason;
    }

    public boolean ok() {
        return status == Status.OK;
    }

    /**
     * The row for one cell's result. Identity columns come from {@code cell} (the cell as the grid
     * defined it), not from {@code result.cell()}, which may point at local copies of the inputs. The
     * headline is the runner's (the task's headline metric on the paper's 0–100 scale); metrics stay
     * fractions. A failed cell's zero counts are unknowns and become null.
     */
    public static ResultRow of(Cell cell, CellResult result, String specHash, String version) {
        Hyperparameters hp = cell.hyperparameters();
        Limits limits = cell.limits();
        CellResult.Layers layers = result.layers();
        CellResult.Training training = result.training();
        CellResult.Evaluation evaluation = result.evaluation();
        CellResult.Execution execution = result.execution();
        Map<String, Double> m = evaluation.metrics();
        boolean ok = result.ok();
        return new ResultRow(
                cell.runName(), cell.id(), specHash, cell.modelId(), cell.architecture().id(), cell.modelSource(),
                cell.task(), cell.strategy(), cell.drop(), cell.stage(), cell.freezesDropped(),
                count(ok, layers.pretrainedDepth()), layers.keptLayers(), layers.layerScores(),
                result.analyses().driftCls(), result.analyses().driftTokens(), result.analyses().probeScores(),
                optionsJson(cell.strategyOptions()), cell.seed(),
                hp.learningRate(), hp.batchSize(), hp.epochs(), hp.maxSeqLength(), hp.warmupRatio(), hp.linearDecay(),
                hp.weightDecay(), hp.maxGradNorm(), hp.dropout(), hp.dynamicPadding(), hp.lengthGrouping(),
                hp.precision().id(), limits.maxTrainExamples(), limits.maxEvalExamples(), limits.maxSteps(),
                number(m.get("accuracy")), number(m.get("accuracy_mismatched")), number(m.get("f1")),
                number(m.get("mcc")), number(m.get("pearson")), number(m.get("spearman")),
                number(evaluation.headline()), null, null,
                count(ok, result.params().total()), count(ok, result.params().encoder()),
                count(ok, training.trainExamples()), count(ok, training.trainSteps()), count(ok, training.seqLength()),
                count(ok, evaluation.evalExamples()),
                number(training.finetuneSeconds()), number(evaluation.evalSeconds()), number(layers.selectSeconds()),
                number(training.trainTokensPerSecond()), number(evaluation.evalExamplesPerSecond()),
                count(ok, execution.peakHeapBytes()), count(ok, execution.peakRssBytes()),
                execution.device(), execution.kernels(), runningEngine(), driverGpuName(result.cell()), execution.host(),
                result.status(), result.failureReason(),
                execution.startedAt(), execution.finishedAt(), version);
    }

    /** This row with the baseline of its model/task/seed filled in (null baseline = none known). */
    public ResultRow withBaseline(Double baseline) {
        Map<String, Object> changes = new HashMap<>();
        changes.put("baseline_headline", baseline);
        changes.put("delta_headline", baseline == null || headline == null ? null : headline - baseline);
        return ResultColumns.with(this, changes);
    }

    /** The engine of this JVM, which ran the cell; null when it does not load (the failure reason says why). */
    private static String runningEngine() {
        try {
            return EngineInfo.engineName();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** The name the NVIDIA driver gives the cell's GPU; null for a CPU cell or when the driver cannot tell. */
    private static String driverGpuName(Cell placed) {
        return placed == null || !placed.useGpu() ? null : EngineInfo.gpuNameOf(placed.gpu() == null ? 0 : placed.gpu());
    }

    private static Double number(Double v) {
        return v == null || !Double.isFinite(v) ? null : v;
    }

    private static Double number(double v) {
        return Double.isFinite(v) ? v : null;
    }

    private static Integer count(boolean ok, int v) {
        return ok || v != 0 ? v : null;
    }

    private static Long count(boolean ok, long v) {
        return ok || v != 0 ? v : null;
    }

    private static String optionsJson(Map<String, String> options) {
        try {
            return OPTIONS_JSON.writeValueAsString(new TreeMap<>(options));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write strategy options " + options, e);
        }
    }
}
