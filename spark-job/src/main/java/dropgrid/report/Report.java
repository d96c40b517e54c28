package dropgrid.report;

import dropgrid.vocabulary.Baseline;
import dropgrid.vocabulary.DropStage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * The reproduced paper's tables, computed from result rows: strategy × K averages (Table 2 of Sajjad et
 * al.), task-wise scores (Table 3), layers needed per task, cost, drop-after-fine-tune and the
 * contribution strategy's layer similarities.
 *
 * <p>Every per-task score is first averaged over seeds; averages over tasks then use only the tasks
 * present in every compared cell, so that a strategy missing one task is not compared on an easier
 * task mix. Failed rows never enter a number; they are listed.
 */
public final class Report {

    /** Tolerances of the layers-needed table: points on the 0–100 scale, and percent of the baseline. */
    static final double[] POINT_TOLERANCES = {1.0, 2.0};
    static final double[] PERCENT_TOLERANCES = {1.0, 2.0};
    static final String TOP = "top";

    /** One averaged cell of the grid without its task: what Table 2 has one number for. */
    record CellKey(String model, String stage, String strategy, int drop) {
        static CellKey of(ReportRow r) {
            // The unpruned baseline is the same model whichever stage the spec labelled it with.
            return r.baseline() ? baseline(r.modelId())
                    : new CellKey(r.modelId(), r.dropStage(), r.strategy(), r.drop());
        }

        static CellKey baseline(String model) {
            return new CellKey(model, DropStage.PRETRAINED.id(), Baseline.STRATEGY, 0);
        }

        String label() {
            return Baseline.STRATEGY.equals(strategy) ? "baseline"
                    : strategy + " K=" + drop + (DropStage.FINETUNED.id().equals(stage) ? " (after fine-tune)" : "");
        }
    }

    /** The mean of one task's headline over the seeds that produced a usable row. */
    public record SeedMean(double mean, int seeds) {}

    /**
     * One strategy × K cell of Table 2.
     *
     * @param average mean over {@link StrategyTable#tasks()} of the seed-averaged headline
     * @param delta {@code average} minus the baseline's average over the same tasks; NaN without baseline
     * @param best whether this strategy has the highest average at this K and stage (marked only when
     *     at least two strategies are compared there)
     */
    public record StrategyScore(String strategy, int drop, String stage, double average, double delta, boolean best) {}

    /**
     * Table 2 for one model and stage.
     *
     * @param tasks the tasks every average is over (present in the baseline and in every compared cell)
     * @param excludedTasks tasks left out, with the cells that lack them
     * @param baseline the baseline's average over {@code tasks}; NaN when the model has no baseline
     * @param minSeeds fewest seeds behind any averaged task score
     * @param maxSeeds most seeds behind any averaged task score
     */
    public record StrategyTable(String model, String stage, List<String> tasks, Map<String, String> excludedTasks,
            double baseline, List<StrategyScore> scores, int minSeeds, int maxSeeds) {}

    /**
     * How many layers one task needs under top-layer dropping: the largest measured K whose score stays
     * within each tolerance of the baseline. Null where it cannot be said (no baseline, no top cells).
     */
    public record LayersNeeded(String model, String task, int depth, double baseline, List<Integer> measuredDrops,
            Integer maxDropWithin1Point, Integer maxDropWithin2Points, Integer maxDropWithin1Percent,
            Integer maxDropWithin2Percent) {}

    /**
     * Cost at one K relative to the baseline, as the mean over tasks of (cell mean / baseline mean) − 1,
     * in percent, so that slow tasks do not dominate.
     */
    public record Cost(String model, int drop, int tasks, double paramsTotal, double paramsChangePercent,
            double finetuneTimeChangePercent, double evalTimeChangePercent) {}

    /** The contribution strategy's per-layer scores for one task, averaged over the cells that measured them. */
    public record LayerScores(String model, String task, int cells, List<Double> scores) {}

    private final List<ReportRow> rows;
    private final Map<CellKey, Map<String, SeedMean>> scores;

    public Report(List<ReportRow> rows) {
        this.rows = List.copyOf(rows);
        Map<CellKey, Map<String, List<Double>>> byCell = new TreeMap<>(CELL_ORDER);
        for (ReportRow r : this.rows) {
            if (r.usable()) {
                byCell.computeIfAbsent(CellKey.of(r), k -> new TreeMap<>()).computeIfAbsent(r.task(), t -> new ArrayList<>())
                        .add(r.headline());
            }
        }
        this.scores = new TreeMap<>(CELL_ORDER);
        byCell.forEach((key, tasks) -> {
            Map<String, SeedMean> means = new TreeMap<>();
            tasks.forEach((task, values) -> means.put(task,
                    new SeedMean(values.stream().mapToDouble(Double::doubleValue).average().orElseThrow(), values.size())));
            scores.put(key, means);
        });
    }

    static final Comparator<CellKey> CELL_ORDER = Comparator.comparing(CellKey::model)
            .thenComparing(k -> !Baseline.STRATEGY.equals(k.strategy()))
            .thenComparing(CellKey::stage, Comparator.reverseOrder())
            .thenComparingInt(CellKey::drop)
            .thenComparing(CellKey::strategy);

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
            if (!r.baseline() && r.usable() && taskScores(CellKey.baseline(r.modelId())).get(r.task()) == null) {
                missing.add(r.modelId() + " / " + r.task());
            }
        }
        return List.copyOf(missing);
    }

    /** Seed-averaged headline per task of one cell; the baseline is {@code strategy none, drop 0}. */
    public Map<String, SeedMean> taskScores(String model, String stage, String strategy, int drop) {
        return taskScores(Baseline.STRATEGY.equals(strategy) && drop == 0 ? CellKey.baseline(model)
                : new CellKey(model, stage, strategy, drop));
    }

    private Map<String, SeedMean> taskScores(CellKey key) {
        return scores.getOrDefault(key, Map.of());
    }

    /** Depth L of the model's checkpoint (failed rows may not know it). */
    public int depth(String model) {
        return rows.stream().filter(r -> r.modelId().equals(model)).mapToInt(ReportRow::pretrainedDepth).max().orElse(0);
    }

    /**
     * Table 2 for one model: for {@code pretrained}, every strategy × K dropped before fine-tuning; for
     * {@code finetuned}, the cells dropped after fine-tuning beside the same strategy × K dropped before.
     */
    public StrategyTable strategyTable(String model, String stage) {
        List<CellKey> compared = new ArrayList<>();
        for (CellKey key : scores.keySet()) {
            if (key.model().equals(model) && key.stage().equals(stage) && !isBaseline(key)) {
                compared.add(key);
            }
        }
        if (DropStage.FINETUNED.id().equals(stage)) {
            for (CellKey key : List.copyOf(compared)) {
                CellKey before = new CellKey(model, DropStage.PRETRAINED.id(), key.strategy(), key.drop());
                if (scores.containsKey(before)) {
                    compared.add(before);
                }
            }
            compared.sort(CELL_ORDER);
        }
        CellKey baselineKey = CellKey.baseline(model);
        boolean hasBaseline = scores.containsKey(baselineKey);
        List<CellKey> all = new ArrayList<>(compared);
        if (hasBaseline) {
            all.add(0, baselineKey);
        }
        Set<String> universe = new TreeSet<>();
        all.forEach(k -> universe.addAll(taskScores(k).keySet()));
        List<String> tasks = new ArrayList<>();
        Map<String, String> excluded = new TreeMap<>();
        for (String task : universe) {
            List<String> lacking = all.stream().filter(k -> !taskScores(k).containsKey(task)).map(CellKey::label).toList();
            if (lacking.isEmpty()) {
                tasks.add(task);
            } else {
                excluded.put(task, "missing in " + String.join(", ", lacking));
            }
        }
        double baseline = hasBaseline ? average(baselineKey, tasks) : Double.NaN;
        int minSeeds = Integer.MAX_VALUE;
        int maxSeeds = 0;
        for (CellKey k : all) {
            for (String task : tasks) {
                int seeds = taskScores(k).get(task).seeds();
                minSeeds = Math.min(minSeeds, seeds);
                maxSeeds = Math.max(maxSeeds, seeds);
            }
        }
        Map<String, Double> bestAt = new TreeMap<>();
        Map<String, Integer> comparedAt = new TreeMap<>();
        for (CellKey k : compared) {
            String at = k.stage() + "/" + k.drop();
            bestAt.merge(at, average(k, tasks), Math::max);
            comparedAt.merge(at, 1, Integer::sum);
        }
        List<StrategyScore> cells = new ArrayList<>();
        for (CellKey k : compared) {
            double avg = average(k, tasks);
            String at = k.stage() + "/" + k.drop();
            boolean best = comparedAt.get(at) > 1 && !Double.isNaN(avg) && avg == bestAt.get(at);
            cells.add(new StrategyScore(k.strategy(), k.drop(), k.stage(), avg, avg - baseline, best));
        }
        return new StrategyTable(model, stage, tasks, excluded, baseline, cells,
                minSeeds == Integer.MAX_VALUE ? 0 : minSeeds, maxSeeds);
    }

    private static boolean isBaseline(CellKey key) {
        return Baseline.STRATEGY.equals(key.strategy()) && key.drop() == 0;
    }

    private double average(CellKey key, List<String> tasks) {
        if (tasks.isEmpty()) {
            return Double.NaN;
        }
        Map<String, SeedMean> byTask = taskScores(key);
        return tasks.stream().mapToDouble(t -> byTask.get(t).mean()).average().orElseThrow();
    }

    /** Stages that have pruned cells for the model, {@code pretrained} first. */
    public List<String> stages(String model) {
        return scores.keySet().stream().filter(k -> k.model().equals(model) && !isBaseline(k))
                .map(CellKey::stage).distinct().sorted(Comparator.reverseOrder()).toList();
    }

    /** Top-layer dropping: for each task, the largest K that keeps the score within 1/2 points and 1/2 %. */
    public List<LayersNeeded> layersNeeded() {
        List<LayersNeeded> out = new ArrayList<>();
        for (String model : models()) {
            Map<String, SeedMean> base = taskScores(CellKey.baseline(model));
            Map<Integer, Map<String, SeedMean>> topByDrop = new TreeMap<>();
            scores.forEach((k, v) -> {
                if (k.model().equals(model) && k.stage().equals(DropStage.PRETRAINED.id()) && TOP.equals(k.strategy())) {
                    topByDrop.put(k.drop(), v);
                }
            });
            Set<String> tasks = new TreeSet<>(base.keySet());
            topByDrop.values().forEach(v -> tasks.addAll(v.keySet()));
            for (String task : tasks) {
                List<Integer> drops = topByDrop.entrySet().stream().filter(e -> e.getValue().containsKey(task))
                        .map(Map.Entry::getKey).toList();
                SeedMean b = base.get(task);
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

    /** Whether any of the model's rows ran with training caps, which makes its scores a smoke test. */
    public boolean limited(String model) {
        return rows.stream().anyMatch(r -> r.modelId().equals(model) && (r.limitMaxTrainExamples() > 0 || r.limitMaxSteps() > 0));
    }

    /** Every table of the report, in reading order. */
    public List<Table> tables() {
        List<Table> tables = new ArrayList<>();
        tables.add(strategyTables(DropStage.PRETRAINED.id(), "strategy-by-k",
                "Average GLUE score by strategy and number of dropped layers K (paper Table 2)"));
        tables.add(taskWise());
        tables.add(layersNeededTable());
        tables.add(costTable());
        tables.add(strategyTables(DropStage.FINETUNED.id(), "drop-after-finetune",
                "Dropping layers after fine-tuning vs. before (paper §6.4)"));
        tables.add(layerScoresTable());
        tables.add(PaperCheck.of(this).table());
        tables.add(failedTable());
        return tables;
    }

    private Table strategyTables(String stage, String id, String title) {
        List<String> notes = new ArrayList<>();
        notes.add("Each task's headline score is first averaged over seeds, then over the tasks listed per model; "
                + "Δ is the difference to the unpruned baseline (strategy none, K = 0) over the same tasks.");
        List<List<Object>> body = new ArrayList<>();
        for (String model : models()) {
            boolean baselineOnly = DropStage.PRETRAINED.id().equals(stage) && scores.containsKey(CellKey.baseline(model));
            if (!stages(model).contains(stage) && !baselineOnly) {
                continue;
            }
            StrategyTable t = strategyTable(model, stage);
            int depth = depth(model);
            notes.add(model + ": averaged over " + (t.tasks().isEmpty() ? "no task" : String.join(", ", t.tasks()))
                    + seedNote(t) + ".");
            t.excludedTasks().forEach((task, why) -> notes.add(model + ": " + task + " left out of the averages, " + why + "."));
            if (Double.isNaN(t.baseline())) {
                notes.add(model + ": MISSING BASELINE (no usable strategy none, K = 0 row): Δ cannot be computed.");
            } else {
                body.add(new ArrayList<>(List.of(model, "none (baseline)", DropStage.PRETRAINED.id(), 0, depth, t.baseline(),
                        0.0, false)));
            }
            for (StrategyScore s : t.scores()) {
                body.add(new ArrayList<>(List.of(model, s.strategy(), s.stage(), s.drop(), depth - s.drop(),
                        s.average(), s.delta(), s.best())));
            }
            if (limited(model)) {
                notes.add(model + ": ran with training caps (limit_max_train_examples / limit_max_steps): a smoke test, "
                        + "not a reproduction of the paper's numbers.");
            }
        }
        if (body.isEmpty()) {
            notes.add(DropStage.FINETUNED.id().equals(stage) ? "No cell dropped layers after fine-tuning (drop_stage = finetuned)."
                    : "No usable rows.");
        }
        return new Table(id, title, notes,
                List.of("model", "strategy", "drop stage", "K", "layers kept", "average", "Δ", "best at K"), body);
    }

    private static String seedNote(StrategyTable t) {
        if (t.maxSeeds() == 0) {
            return "";
        }
        return t.minSeeds() == t.maxSeeds() ? " (" + t.minSeeds() + " seed" + (t.minSeeds() == 1 ? "" : "s") + " per task)"
                : " (" + t.minSeeds() + "–" + t.maxSeeds() + " seeds per task)";
    }

    private Table taskWise() {
        Set<String> tasks = new TreeSet<>();
        scores.values().forEach(v -> tasks.addAll(v.keySet()));
        List<String> header = new ArrayList<>(List.of("model", "strategy", "drop stage", "K"));
        header.addAll(tasks);
        List<List<Object>> body = new ArrayList<>();
        scores.forEach((key, byTask) -> {
            List<Object> row = new ArrayList<>(List.of(key.model(), isBaseline(key) ? "none (baseline)" : key.strategy(),
                    key.stage(), key.drop()));
            for (String task : tasks) {
                SeedMean m = byTask.get(task);
                row.add(m == null ? null : m.mean());
            }
            body.add(row);
        });
        return new Table("task-wise", "Task-wise scores (paper Table 3)",
                List.of("Headline metric per task (CoLA MCC, MRPC/QQP F1, STS-B Pearson, MNLI matched accuracy, others "
                        + "accuracy) ×100, averaged over seeds; — = no usable row."),
                header, body);
    }

    private Table layersNeededTable() {
        List<List<Object>> body = new ArrayList<>();
        for (LayersNeeded n : layersNeeded()) {
            body.add(new ArrayList<>(Arrays.asList(n.model(), n.task(), n.depth(), n.baseline(),
                    n.measuredDrops().stream().map(String::valueOf).collect(Collectors.joining(" ")),
                    needed(n, n.maxDropWithin1Point()), needed(n, n.maxDropWithin2Points()),
                    needed(n, n.maxDropWithin1Percent()), needed(n, n.maxDropWithin2Percent()))));
        }
        return new Table("layers-needed", "Layers needed per task (top-layer dropping)",
                List.of("Layers needed = L − the largest measured K whose top-dropping score stays within the tolerance of "
                        + "the baseline (points on the 0–100 scale, or percent of the baseline score); L when no "
                        + "measured K does; — when the task has no baseline or no top cell."),
                List.of("model", "task", "L", "baseline", "K measured", "needed (≤1 pt)", "needed (≤2 pt)",
                        "needed (≤1 %)", "needed (≤2 %)"),
                body);
    }

    private static Integer needed(LayersNeeded n, Integer maxDrop) {
        return maxDrop == null ? null : n.depth() - maxDrop;
    }

    private Table costTable() {
        List<List<Object>> body = new ArrayList<>();
        for (Cost c : cost()) {
            body.add(new ArrayList<>(List.of(c.model(), c.drop(), c.tasks(), c.paramsTotal() / 1e6, c.paramsChangePercent(),
                    c.finetuneTimeChangePercent(), c.evalTimeChangePercent())));
        }
        return new Table("cost", "Cost relative to the baseline",
                List.of("Change in percent = mean over tasks of (cell / baseline of the same task) − 1; cells dropped "
                        + "before fine-tuning, all strategies at a K pooled. The paper reports about −40 % parameters "
                        + "and −50 % fine-tuning and inference time at half depth."),
                List.of("model", "K", "tasks", "parameters (M)", "parameters Δ %", "fine-tune time Δ %",
                        "inference time Δ %"),
                body);
    }

    private Table layerScoresTable() {
        List<LayerScores> all = layerScores();
        int width = all.stream().mapToInt(s -> s.scores().size()).max().orElse(0);
        List<String> header = new ArrayList<>(List.of("model", "task", "cells"));
        for (int i = 0; i < width; i++) {
            header.add("layer " + i);
        }
        List<List<Object>> body = new ArrayList<>();
        for (LayerScores s : all) {
            List<Object> row = new ArrayList<>(List.of(s.model(), s.task(), s.cells()));
            row.addAll(s.scores());
            while (row.size() < header.size()) {
                row.add(null);
            }
            body.add(row);
        }
        return new Table("contribution-scores", "Per-layer scores measured by the contribution strategy",
                List.of("layer_scores of the cells that measured them (index = original 0-based layer), averaged over "
                        + "those cells; in the paper a high similarity between a layer's input and output marks a "
                        + "layer that contributes little."),
                header, body);
    }

    private Table failedTable() {
        List<List<Object>> body = new ArrayList<>();
        for (ReportRow r : failed()) {
            body.add(new ArrayList<>(List.of(r.cellId() == null ? "" : r.cellId(), r.modelId(), r.task(), r.strategy(),
                    r.dropStage(), r.drop(), r.seed(), r.failureReason())));
        }
        List<String> notes = new ArrayList<>();
        notes.add(body.size() + " failed cell" + (body.size() == 1 ? "" : "s") + "; none of them enters any average.");
        missingBaselines().forEach(m -> notes.add("Missing baseline: " + m + "."));
        return new Table("failed-cells", "Failed cells and missing baselines", notes,
                List.of("cell id", "model", "task", "strategy", "drop stage", "K", "seed", "failure"), body);
    }
}
