package dropgrid.report;

import dropgrid.vocabulary.Baseline;
import dropgrid.vocabulary.DropStage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The numbers behind the report, computed from result rows (rendering is {@link ReportTables} and
 * {@link Figures}): per cell and task an {@link Estimate} over seeds, in each {@link ScoreView};
 * strategy × K averages (paper Table 2), layers needed per task, cost, and the contribution strategy's
 * layer similarities.
 *
 * <p>Every per-task score is first summarised over seeds; averages over tasks then use only the tasks
 * present in every compared cell, so that a strategy missing one task is not compared on an easier task
 * mix. Failed rows never enter a number; they are listed.
 */
public final class Analysis {

    /** Tolerances of the layers-needed table: points on the 0–100 scale, and percent of the baseline. */
    static final double[] POINT_TOLERANCES = {1.0, 2.0};
    static final double[] PERCENT_TOLERANCES = {1.0, 2.0};
    static final String TOP = "top";

    private final List<ReportRow> rows;
    private final Map<ScoreView, Map<CellKey, Map<String, Estimate>>> scores = new EnumMap<>(ScoreView.class);

    public Analysis(List<ReportRow> rows) {
        this.rows = List.copyOf(rows);
        for (ScoreView view : ScoreView.values()) {
            Map<CellKey, Map<String, List<Double>>> byCell = new TreeMap<>(CellKey.ORDER);
            for (ReportRow r : this.rows) {
                double score = view.score(r);
                if (r.usable() && Double.isFinite(score)) {
                    byCell.computeIfAbsent(CellKey.of(r), k -> new TreeMap<>())
                            .computeIfAbsent(r.task(), t -> new ArrayList<>()).add(score);
                }
            }
            Map<CellKey, Map<String, Estimate>> estimates = new TreeMap<>(CellKey.ORDER);
            byCell.forEach((key, tasks) -> {
                Map<String, Estimate> byTask = new TreeMap<>();
                tasks.forEach((task, values) -> byTask.put(task, Estimate.ofSeeds(values)));
                estimates.put(key, byTask);
            });
            scores.put(view, estimates);
        }
    }

    public List<ReportRow> rows() {
        return rows;
    }

    /** Model ids with at least one row, sorted. */
    public List<String> models() {
        return rows.stream().map(ReportRow::modelId).distinct().sorted().toList();
    }

    /** Rows whose status is not {@code ok}; they are listed in the report and never averaged. */
    public List<ReportRow> failed() {
        return rows.stream().filter(r -> !r.ok()).toList();
    }

    /** "model / task" pairs that have pruned results but no usable baseline row to compare them with. */
    public List<String> missingBaselines() {
        Set<String> missing = new TreeSet<>();
        for (ReportRow r : rows) {
            if (!r.baseline() && r.usable() && cell(ScoreView.HEADLINE, CellKey.baseline(r.modelId())).get(r.task()) == null) {
                missing.add(r.modelId() + " / " + r.task());
            }
        }
        return List.copyOf(missing);
    }

    /** Per task of one cell, the headline over seeds; the baseline is {@code strategy none, drop 0}. */
    public Map<String, Estimate> taskScores(String model, String stage, String strategy, int drop) {
        return taskScores(ScoreView.HEADLINE, model, stage, strategy, drop);
    }

    /** Per task of one cell, the view's score over seeds. */
    public Map<String, Estimate> taskScores(ScoreView view, String model, String stage, String strategy, int drop) {
        return cell(view, Baseline.STRATEGY.equals(strategy) && drop == 0 ? CellKey.baseline(model)
                : new CellKey(model, stage, strategy, drop));
    }

    /** Every cell with a usable row in the view, in report order, with its per-task estimates. */
    Map<CellKey, Map<String, Estimate>> cells(ScoreView view) {
        return scores.get(view);
    }

    private Map<String, Estimate> cell(ScoreView view, CellKey key) {
        return scores.get(view).getOrDefault(key, Map.of());
    }

    /** Depth L of the model's checkpoint (failed rows may not know it). */
    public int depth(String model) {
        return rows.stream().filter(r -> r.modelId().equals(model)).mapToInt(ReportRow::pretrainedDepth).max().orElse(0);
    }

    /** The model's architecture as its rows name it. */
    public String architecture(String model) {
        return rows.stream().filter(r -> r.modelId().equals(model)).map(ReportRow::architecture).findFirst().orElse("");
    }

    /** Stages that have pruned cells for the model, {@code pretrained} first. */
    public List<String> stages(String model) {
        return scores.get(ScoreView.HEADLINE).keySet().stream().filter(k -> k.model().equals(model) && !k.isBaseline())
                .map(CellKey::stage).distinct().sorted(Comparator.reverseOrder()).toList();
    }

    /** The headline strategy table of one model and stage. */
    public StrategyTable strategyTable(String model, String stage) {
        return strategyTable(ScoreView.HEADLINE, model, stage);
    }

    /**
     * Table 2 for one model: for {@code pretrained}, every strategy × K dropped before fine-tuning; for
     * {@code finetuned}, the cells dropped after fine-tuning beside the same strategy × K dropped before.
     */
    public StrategyTable strategyTable(ScoreView view, String model, String stage) {
        Map<CellKey, Map<String, Estimate>> viewScores = scores.get(view);
        List<CellKey> compared = new ArrayList<>();
        for (CellKey key : viewScores.keySet()) {
            if (key.model().equals(model) && key.stage().equals(stage) && !key.isBaseline()) {
                compared.add(key);
            }
        }
        if (DropStage.FINETUNED.id().equals(stage)) {
            for (CellKey key : List.copyOf(compared)) {
                CellKey before = new CellKey(model, DropStage.PRETRAINED.id(), key.strategy(), key.drop());
                if (viewScores.containsKey(before)) {
                    compared.add(before);
                }
            }
            compared.sort(CellKey.ORDER);
        }
        CellKey baselineKey = CellKey.baseline(model);
        boolean hasBaseline = viewScores.containsKey(baselineKey);
        List<CellKey> all = new ArrayList<>(compared);
        if (hasBaseline) {
            all.add(0, baselineKey);
        }
        Set<String> universe = new TreeSet<>();
        all.forEach(k -> universe.addAll(cell(view, k).keySet()));
        List<String> tasks = new ArrayList<>();
        Map<String, String> excluded = new TreeMap<>();
        for (String task : universe) {
            List<String> lacking = all.stream().filter(k -> !cell(view, k).containsKey(task)).map(CellKey::label).toList();
            if (lacking.isEmpty()) {
                tasks.add(task);
            } else {
                excluded.put(task, "missing in " + String.join(", ", lacking));
            }
        }
        Estimate baseline = hasBaseline ? average(view, baselineKey, tasks) : Estimate.UNKNOWN;
        int minSeeds = Integer.MAX_VALUE;
        int maxSeeds = 0;
        for (CellKey k : all) {
            for (String task : tasks) {
                Estimate e = cell(view, k).get(task);
                minSeeds = Math.min(minSeeds, e.minSeeds());
                maxSeeds = Math.max(maxSeeds, e.maxSeeds());
            }
        }
        Map<String, Double> bestAt = new TreeMap<>();
        Map<String, Integer> comparedAt = new TreeMap<>();
        for (CellKey k : compared) {
            String at = k.stage() + "/" + k.drop();
            bestAt.merge(at, average(view, k, tasks).mean(), Math::max);
            comparedAt.merge(at, 1, Integer::sum);
        }
        List<StrategyScore> cells = new ArrayList<>();
        for (CellKey k : compared) {
            Estimate avg = average(view, k, tasks);
            String at = k.stage() + "/" + k.drop();
            boolean best = comparedAt.get(at) > 1 && !Double.isNaN(avg.mean()) && avg.mean() == bestAt.get(at);
            cells.add(new StrategyScore(k.strategy(), k.drop(), k.stage(), avg, avg.minus(baseline), best));
        }
        return new StrategyTable(model, stage, view, tasks, excluded, baseline, cells,
                minSeeds == Integer.MAX_VALUE ? 0 : minSeeds, maxSeeds);
    }

    /** The mean over {@code tasks} of the cell's per-task estimates; unknown when a task is missing. */
    Estimate average(ScoreView view, CellKey key, List<String> tasks) {
        Map<String, Estimate> byTask = cell(view, key);
        if (tasks.isEmpty() || !byTask.keySet().containsAll(tasks)) {
            return Estimate.UNKNOWN;
        }
        return Estimate.meanOf(tasks.stream().map(byTask::get).toList());
    }

    /** Top-layer dropping: for each task, the largest K that keeps the score within 1/2 points and 1/2 %. */
    public List<LayersNeeded> layersNeeded() {
        List<LayersNeeded> out = new ArrayList<>();
        for (String model : models()) {
            Map<String, Estimate> base = cell(ScoreView.HEADLINE, CellKey.baseline(model));
            Map<Integer, Map<String, Estimate>> topByDrop = new TreeMap<>();
            scores.get(ScoreView.HEADLINE).forEach((k, v) -> {
                if (k.model().equals(model) && k.stage().equals(DropStage.PRETRAINED.id()) && TOP.equals(k.strategy())) {
                    topByDrop.put(k.drop(), v);
                }
            });
            Set<String> tasks = new TreeSet<>(base.keySet());
            topByDrop.values().forEach(v -> tasks.addAll(v.keySet()));
            for (String task : tasks) {
                List<Integer> drops = topByDrop.entrySet().stream().filter(e -> e.getValue().containsKey(task))
                        .map(Map.Entry::getKey).toList();
                Estimate b = base.get(task);
                if (b == null || drops.isEmpty()) {
                    out.add(new LayersNeeded(model, task, depth(model), b == null ? Double.NaN : b.mean(), drops,
                            null, null, null, null));
                    continue;
                }
                ToDoubleFunction<Integer> score = k -> topByDrop.get(k).get(task).mean();
                double bm = b.mean();
                out.add(new LayersNeeded(model, task, depth(model), bm, drops,
                        maxDropWithin(drops, score, bm - POINT_TOLERANCES[0]),
                        maxDropWithin(drops, score, bm - POINT_TOLERANCES[1]),
                        maxDropWithin(drops, score, bm - Math.abs(bm) * PERCENT_TOLERANCES[0] / 100),
                        maxDropWithin(drops, score, bm - Math.abs(bm) * PERCENT_TOLERANCES[1] / 100)));
            }
        }
        return out;
    }

    /** The largest K whose score is at least {@code floor}; 0 when none is (every layer is needed). */
    private static int maxDropWithin(List<Integer> drops, ToDoubleFunction<Integer> score, double floor) {
        return drops.stream().filter(k -> score.applyAsDouble(k) >= floor).mapToInt(Integer::intValue).max().orElse(0);
    }

    /** Parameters and times per K (pretrained stage, all strategies pooled) relative to the baseline. */
    public List<Cost> cost() {
        List<Cost> out = new ArrayList<>();
        for (String model : models()) {
            List<ReportRow> measured = rows.stream()
                    .filter(r -> r.modelId().equals(model) && r.ok()
                            && (r.baseline() || DropStage.PRETRAINED.id().equals(r.dropStage())))
                    .toList();
            Map<String, List<ReportRow>> baseByTask = measured.stream().filter(ReportRow::baseline)
                    .collect(Collectors.groupingBy(ReportRow::task, TreeMap::new, Collectors.toList()));
            Map<Integer, List<ReportRow>> byDrop = measured.stream()
                    .collect(Collectors.groupingBy(ReportRow::drop, TreeMap::new, Collectors.toList()));
            for (Map.Entry<Integer, List<ReportRow>> e : byDrop.entrySet()) {
                Map<String, List<ReportRow>> byTask = e.getValue().stream()
                        .collect(Collectors.groupingBy(ReportRow::task, TreeMap::new, Collectors.toList()));
                byTask.keySet().retainAll(baseByTask.keySet());
                out.add(new Cost(model, e.getKey(), byTask.size(),
                        mean(e.getValue(), ReportRow::paramsTotal),
                        changePercent(byTask, baseByTask, ReportRow::paramsTotal),
                        changePercent(byTask, baseByTask, ReportRow::finetuneSeconds),
                        changePercent(byTask, baseByTask, ReportRow::evalSeconds)));
            }
        }
        return out;
    }

    private static double changePercent(Map<String, List<ReportRow>> cell, Map<String, List<ReportRow>> base,
            ToDoubleFunction<ReportRow> measure) {
        double sum = 0;
        int n = 0;
        for (Map.Entry<String, List<ReportRow>> e : cell.entrySet()) {
            double ratio = mean(e.getValue(), measure) / mean(base.get(e.getKey()), measure);
            if (Double.isFinite(ratio)) {
                sum += ratio;
                n++;
            }
        }
        return n == 0 ? Double.NaN : (sum / n - 1) * 100;
    }

    private static double mean(List<ReportRow> rows, ToDoubleFunction<ReportRow> measure) {
        return rows.stream().mapToDouble(measure).filter(Double::isFinite).average().orElse(Double.NaN);
    }

    /** Per-layer scores measured by data-dependent strategies, averaged per model and task. */
    public List<LayerScores> layerScores() {
        Map<List<String>, List<List<Double>>> groups = new TreeMap<>(
                Comparator.comparing((List<String> k) -> k.get(0)).thenComparing(k -> k.get(1)));
        for (ReportRow r : rows) {
            if (r.ok() && !r.layerScores().isEmpty()) {
                groups.computeIfAbsent(List.of(r.modelId(), r.task()), k -> new ArrayList<>()).add(r.layerScores());
            }
        }
        List<LayerScores> out = new ArrayList<>();
        groups.forEach((key, lists) -> {
            int length = lists.get(0).size();
            if (lists.stream().anyMatch(l -> l.size() != length)) {
                throw new IllegalArgumentException("layer_scores of model " + key.get(0) + ", task " + key.get(1)
                        + " have different lengths " + lists.stream().map(List::size).distinct().toList()
                        + "; one model's scores must cover the same layers");
            }
            List<Double> means = new ArrayList<>();
            for (int i = 0; i < length; i++) {
                final int layer = i;
                means.add(lists.stream().mapToDouble(l -> l.get(layer)).average().orElseThrow());
            }
            out.add(new LayerScores(key.get(0), key.get(1), lists.size(), means));
        });
        return out;
    }

    /** The per-layer analyses of every cell and task that measured them, averaged over seeds, in report order. */
    public List<LayerAnalysis> layerAnalyses() {
        Map<CellKey, Map<String, List<ReportRow>>> groups = new TreeMap<>(CellKey.ORDER);
        for (ReportRow r : rows) {
            if (r.ok() && !(r.driftCls().isEmpty() && r.probeScores().isEmpty())) {
                groups.computeIfAbsent(CellKey.of(r), k -> new TreeMap<>()).computeIfAbsent(r.task(), t -> new ArrayList<>())
                        .add(r);
            }
        }
        List<LayerAnalysis> out = new ArrayList<>();
        groups.forEach((key, byTask) -> byTask.forEach((task, measured) -> out.add(new LayerAnalysis(key.model(), task,
                key.strategy(), key.stage(), key.drop(), measured.size(),
                meanByState(measured, ReportRow::driftCls, key, task, "drift_cls"),
                meanByState(measured, ReportRow::driftTokens, key, task, "drift_tokens"),
                meanByState(measured, ReportRow::probeScores, key, task, "probe_scores")))));
        return out;
    }

    /** The per-state mean over the rows that measured this list (all of one length); empty if none did. */
    private static List<Double> meanByState(List<ReportRow> rows, Function<ReportRow, List<Double>> list,
            CellKey key, String task, String column) {
        List<List<Double>> measured = rows.stream().map(list).filter(l -> !l.isEmpty()).toList();
        if (measured.isEmpty()) {
            return List.of();
        }
        int length = measured.get(0).size();
        if (measured.stream().anyMatch(l -> l.size() != length)) {
            throw new IllegalArgumentException(column + " of " + key.label() + ", model " + key.model() + ", task " + task
                    + " have different lengths " + measured.stream().map(List::size).distinct().toList());
        }
        List<Double> means = new ArrayList<>();
        for (int i = 0; i < length; i++) {
            final int state = i;
            means.add(measured.stream().mapToDouble(l -> l.get(state)).average().orElseThrow());
        }
        return means;
    }

    /** Whether any of the model's rows ran with training caps, which makes its scores a smoke test. */
    public boolean limited(String model) {
        return rows.stream().anyMatch(r -> r.modelId().equals(model) && (r.limitMaxTrainExamples() > 0 || r.limitMaxSteps() > 0));
    }
}
