package dropgrid.report;

import dropgrid.report.PaperCheck.Claim;
import dropgrid.report.PaperComparison.AverageRow;
import dropgrid.report.PaperComparison.TaskRow;
import dropgrid.vocabulary.Baseline;
import dropgrid.vocabulary.DropStage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Renders an {@link Analysis}, its {@link PaperComparison} and {@link PaperCheck} as the report's tables. */
public final class ReportTables {

    private final Analysis analysis;
    private final PaperComparison comparison;
    private final PaperCheck check;

    public ReportTables(Analysis analysis) {
        this.analysis = analysis;
        this.comparison = PaperComparison.of(analysis);
        this.check = PaperCheck.of(analysis, comparison);
    }

    public PaperComparison comparison() {
        return comparison;
    }

    public PaperCheck check() {
        return check;
    }

    /** Every table of the report, in reading order. */
    public List<Table> tables() {
        List<Table> tables = new ArrayList<>();
        tables.add(strategyTables(DropStage.PRETRAINED.id(), "strategy-by-k",
                "Average GLUE score by strategy and number of dropped layers K (paper Table 2)"));
        tables.add(taskWise());
        tables.add(paperAverages());
        tables.add(paperTasks());
        tables.add(seedStatistics());
        tables.add(layersNeededTable());
        tables.add(costTable());
        tables.add(strategyTables(DropStage.FINETUNED.id(), "drop-after-finetune",
                "Dropping layers after fine-tuning vs. before (paper §6.4)"));
        tables.add(layerScoresTable());
        tables.add(layerAnalysesTable());
        tables.add(paperCheckTable());
        tables.add(failedTable());
        return tables;
    }

    private Table strategyTables(String stage, String id, String title) {
        List<String> notes = new ArrayList<>();
        notes.add("Each task's headline score is first averaged over seeds, then over the tasks listed per model; "
                + "Δ is the difference to the unpruned baseline (strategy none, K = 0) over the same tasks. "
                + "±95% is the half-width of the 95 % t interval (" + INTERVAL + "); — with one seed.");
        List<List<Object>> body = new ArrayList<>();
        for (String model : analysis.models()) {
            boolean baselineOnly = DropStage.PRETRAINED.id().equals(stage)
                    && !analysis.taskScores(model, stage, Baseline.STRATEGY, 0).isEmpty();
            if (!analysis.stages(model).contains(stage) && !baselineOnly) {
                continue;
            }
            StrategyTable t = analysis.strategyTable(model, stage);
            int depth = analysis.depth(model);
            notes.add(model + ": averaged over " + (t.tasks().isEmpty() ? "no task" : String.join(", ", t.tasks()))
                    + seedNote(t) + ".");
            t.excludedTasks().forEach((task, why) -> notes.add(model + ": " + task + " left out of the averages, " + why + "."));
            if (!t.hasBaseline()) {
                notes.add(model + ": MISSING BASELINE (no usable strategy none, K = 0 row): Δ cannot be computed.");
            } else {
                body.add(new ArrayList<>(Arrays.asList(model, "none (baseline)", DropStage.PRETRAINED.id(), 0, depth,
                        t.baseline().mean(), 0.0, false, seeds(t.baseline()), t.baseline().halfWidth(), null)));
            }
            for (StrategyScore s : t.scores()) {
                body.add(new ArrayList<>(Arrays.asList(model, s.strategy(), s.stage(), s.drop(), depth - s.drop(),
                        s.average().mean(), s.delta().mean(), s.best(), seeds(s.average()), s.average().halfWidth(),
                        s.delta().halfWidth())));
            }
            if (analysis.limited(model)) {
                notes.add(model + ": ran with training caps (limit_max_train_examples / limit_max_steps): a smoke test, "
                        + "not a reproduction of the paper's numbers.");
            }
        }
        if (body.isEmpty()) {
            notes.add(DropStage.FINETUNED.id().equals(stage) ? "No cell dropped layers after fine-tuning (drop_stage = finetuned)."
                    : "No usable rows.");
        }
        return new Table(id, title, notes, List.of("model", "strategy", "drop stage", "K", "layers kept", "average", "Δ",
                "best at K", "seeds", "average ±95%", "Δ ±95%"), body);
    }

    static final String INTERVAL = "Student t over seeds; averages over tasks and differences combine the "
            + "per-task standard errors with Welch–Satterthwaite degrees of freedom";

    private static String seeds(Estimate e) {
        return e.minSeeds() == e.maxSeeds() ? String.valueOf(e.minSeeds()) : e.minSeeds() + "–" + e.maxSeeds();
    }

    private static String seedNote(StrategyTable t) {
        if (t.maxSeeds() == 0) {
            return "";
        }
        return t.minSeeds() == t.maxSeeds() ? " (" + t.minSeeds() + " seed" + (t.minSeeds() == 1 ? "" : "s") + " per task)"
                : " (" + t.minSeeds() + "–" + t.maxSeeds() + " seeds per task)";
    }

    private Table taskWise() {
        Map<CellKey, Map<String, Estimate>> cells = analysis.cells(ScoreView.HEADLINE);
        Set<String> tasks = new TreeSet<>();
        cells.values().forEach(v -> tasks.addAll(v.keySet()));
        List<String> header = new ArrayList<>(List.of("model", "strategy", "drop stage", "K"));
        header.addAll(tasks);
        List<List<Object>> body = new ArrayList<>();
        cells.forEach((key, byTask) -> {
            List<Object> row = new ArrayList<>(List.of(key.model(), key.isBaseline() ? "none (baseline)" : key.strategy(),
                    key.stage(), key.drop()));
            for (String task : tasks) {
                Estimate m = byTask.get(task);
                row.add(m == null ? null : m.mean());
            }
            body.add(row);
        });
        return new Table("task-wise", "Task-wise scores (paper Table 3)",
                List.of("Headline metric per task (" + ScoreView.HEADLINE.description() + ") ×100, averaged over seeds; "
                        + "— = no usable row. Spread and intervals per task: table seed-statistics."),
                header, body);
    }

    private Table paperAverages() {
        List<List<Object>> body = new ArrayList<>();
        for (AverageRow a : comparison.averages()) {
            body.add(new ArrayList<>(Arrays.asList(a.model(), a.paperModel(),
                    a.strategy().equals(Baseline.STRATEGY) ? "none (baseline)" : a.strategy(), a.drop(),
                    a.tasks().size(), a.missing().isEmpty() ? "" : String.join(" ", a.missing()), seeds(a.ours()),
                    a.ours().mean(), a.ours().halfWidth(), a.paper(), a.difference(), a.oursDelta().mean(),
                    a.oursDelta().halfWidth(), a.paperDelta(), a.deltaDifference(), a.paperSource())));
        }
        List<String> notes = new ArrayList<>(paperNotes());
        notes.add("ours = mean over the paper's tasks that the cell and the baseline both have (missing ones named) of "
                + "the per-task means over seeds; ±95% = half-width of its 95 % interval (" + INTERVAL + "). paper = "
                + "the paper's average over the same tasks: the 7-task average when none is missing (Figures 2/3 bars "
                + "measured to ±0.05 points), else Table 1's per-task values for top dropping and the full model; "
                + "the paper printed no per-task values for other strategies. Δ = minus the baseline over the same tasks.");
        return new Table("paper-strategy-by-k", "The paper beside ours: average by strategy and K (paper metrics)",
                notes, List.of("model", "paper model", "strategy", "K", "tasks", "missing of the paper's 7", "seeds",
                        "ours", "ours ±95%", "paper", "ours − paper", "ours Δ", "ours Δ ±95%", "paper Δ",
                        "Δ ours − paper", "paper source"),
                body);
    }

    private Table paperTasks() {
        List<List<Object>> body = new ArrayList<>();
        for (TaskRow t : comparison.tasks()) {
            body.add(new ArrayList<>(Arrays.asList(t.model(), t.paperModel(),
                    t.strategy().equals(Baseline.STRATEGY) ? "none (baseline)" : t.strategy(), t.drop(),
                    t.task(), seeds(t.ours()), t.ours().mean(), t.ours().std(), t.ours().low(), t.ours().high(),
                    t.paper(), t.difference())));
        }
        List<String> notes = new ArrayList<>(paperNotes());
        notes.add("Top-layer dropping and the full model per task (the paper's Table 1, Table 6 for RoBERTa); ours = "
                + "mean over seeds, std over seeds (ddof 1), 95 % t interval.");
        return new Table("paper-task-wise", "The paper beside ours: top-layer dropping per task (paper metrics)", notes,
                List.of("model", "paper model", "strategy", "K", "task", "seeds", "ours", "std", "95 % CI low",
                        "95 % CI high", "paper", "ours − paper"),
                body);
    }

    private List<String> paperNotes() {
        List<String> notes = new ArrayList<>();
        notes.add("Paper: Sajjad, Dalvi, Durrani, Nakov, arXiv 2004.03844 v1, one run per number (no interval). Scores "
                + "in the paper's metrics: " + ScoreView.PAPER.description() + ", ×100. Its average is the unweighted "
                + "mean over " + String.join(", ", PaperNumbers.TASKS) + ".");
        List<String> matched = analysis.models().stream().filter(m -> !comparison.unmatched().contains(m))
                .map(m -> m + " (" + analysis.architecture(m) + ", L = " + analysis.depth(m) + ") is the paper's "
                        + PaperNumbers.get().paperModel(analysis.architecture(m), analysis.depth(m)).orElseThrow())
                .toList();
        if (!matched.isEmpty()) {
            notes.add(String.join("; ", matched) + ".");
        }
        if (!comparison.unmatched().isEmpty()) {
            notes.add("Not compared (no paper model of that architecture and depth): "
                    + String.join(", ", comparison.unmatched()) + ".");
        }
        for (String model : analysis.models()) {
            if (!comparison.unmatched().contains(model) && analysis.limited(model)) {
                notes.add(model + ": ran with training caps: its numbers are not comparable with the paper's.");
            }
        }
        notes.add("Cells dropped after fine-tuning are not compared: the paper's fine-tune-then-drop numbers are not embedded.");
        return notes;
    }

    private Table seedStatistics() {
        List<List<Object>> body = new ArrayList<>();
        analysis.cells(ScoreView.HEADLINE).forEach((key, byTask) -> byTask.forEach((task, e) ->
                body.add(new ArrayList<>(Arrays.asList(key.model(), key.isBaseline() ? "none (baseline)" : key.strategy(),
                        key.stage(), key.drop(), task, e.minSeeds(), e.mean(), e.std(), e.low(), e.high())))));
        return new Table("seed-statistics", "Seed statistics per cell and task (headline)",
                List.of("Over the seeds of one cell and task: mean, sample standard deviation (ddof 1) and the 95 % "
                        + "Student t interval mean ± t(0.975, n − 1) · std / √n; — with one seed."),
                List.of("model", "strategy", "drop stage", "K", "task", "seeds", "mean", "std", "95 % CI low",
                        "95 % CI high"),
                body);
    }

    private Table layersNeededTable() {
        List<List<Object>> body = new ArrayList<>();
        for (LayersNeeded n : analysis.layersNeeded()) {
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
        for (Cost c : analysis.cost()) {
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
        List<LayerScores> all = analysis.layerScores();
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

    private Table layerAnalysesTable() {
        List<LayerAnalysis> all = analysis.layerAnalyses();
        int width = all.stream().mapToInt(a -> Math.max(a.driftCls().size(), a.probeScores().size())).max().orElse(0);
        List<String> header = new ArrayList<>(List.of("model", "task", "strategy", "drop stage", "K", "seeds", "measure"));
        for (int i = 0; i < width; i++) {
            header.add(i == 0 ? "embeddings" : "state " + i);
        }
        List<List<Object>> body = new ArrayList<>();
        for (LayerAnalysis a : all) {
            for (var measure : List.of(Map.entry("drift [CLS]", a.driftCls()), Map.entry("drift tokens", a.driftTokens()),
                    Map.entry("probe", a.probeScores()))) {
                if (measure.getValue().isEmpty()) {
                    continue;
                }
                List<Object> row = new ArrayList<>(List.of(a.model(), a.task(),
                        a.strategy().equals(Baseline.STRATEGY) ? "none (baseline)" : a.strategy(), a.stage(), a.drop(),
                        a.seeds(), measure.getKey()));
                row.addAll(measure.getValue());
                while (row.size() < header.size()) {
                    row.add(null);
                }
                body.add(row);
            }
        }
        List<String> notes = new ArrayList<>();
        notes.add("Per hidden state (embeddings, then the output of each kept layer in order), averaged over seeds. "
                + "drift = cosine between the pre-trained and the fine-tuned model's vectors on the first dev split, at "
                + "the summary token ([CLS]; XLNet's last) and over all real tokens (paper Figure 5). probe = dev headline "
                + "of a ridge probe (scikit-learn's RidgeClassifier / Ridge, alpha 1, closed form) fitted on the frozen "
                + "fine-tuned model's summary-token vectors of at most 2000 training examples (paper Figure 4).");
        for (String model : analysis.models()) {
            PaperNumbers.get().paperModel(analysis.architecture(model), analysis.depth(model))
                    .filter(pm -> !PaperNumbers.get().similarity(pm).isEmpty())
                    .ifPresent(pm -> notes.add("The paper's Figure 5 for " + pm + " (read by eye, ±0.02), embeddings first: "
                            + PaperNumbers.get().similarity(pm) + "."));
        }
        if (body.isEmpty()) {
            notes.add("No cell measured them (the spec's analyses: [drift, probe] turns them on).");
        }
        return new Table("layer-analyses", "Per-layer analyses: how far fine-tuning moved each layer, and what each knows",
                notes, header, body);
    }

    private Table paperCheckTable() {
        List<List<Object>> body = new ArrayList<>();
        for (Claim c : check.claims()) {
            body.add(new ArrayList<>(Arrays.asList(c.claim(), c.model(), c.paper(), c.measured().mean(), c.measured().low(),
                    c.measured().high(), c.tolerance(), c.verdict().toString(), c.note())));
        }
        return new Table("paper-check", "Paper check: measured vs. published claims",
                List.of("Scores in the paper's metrics (" + ScoreView.PAPER.description() + "). Δ claims compare our Δ "
                        + "with the paper's over the same tasks: matched when |measured − paper| ≤ "
                        + PaperCheck.DELTA_TOLERANCE_POINTS + " GLUE points, not matched when our whole 95 % interval "
                        + "lies outside paper ± that tolerance, else inconclusive. Orderings are matched only when the "
                        + "95 % intervals separate in the claimed direction (at every K for 'best'/'worst'), not "
                        + "matched when they separate the other way, inconclusive when they overlap or there is one "
                        + "seed. Parameter claims within ±" + PaperCheck.PARAMS_TOLERANCE_PERCENT + " and time claims "
                        + "within ±" + PaperCheck.TIME_TOLERANCE_PERCENT + " percentage points.",
                        "For 'top beats bottom', measured is top − bottom with Welch's 95 % interval."),
                List.of("claim", "model", "paper", "measured", "95 % CI low", "95 % CI high", "tolerance", "verdict",
                        "note"),
                body);
    }

    private Table failedTable() {
        List<List<Object>> body = new ArrayList<>();
        for (ReportRow r : analysis.failed()) {
            body.add(new ArrayList<>(List.of(r.cellId() == null ? "" : r.cellId(), r.modelId(), r.task(), r.strategy(),
                    r.dropStage(), r.drop(), r.seed(), r.failureReason())));
        }
        List<String> notes = new ArrayList<>();
        notes.add(body.size() + " failed cell" + (body.size() == 1 ? "" : "s") + "; none of them enters any average.");
        analysis.missingBaselines().forEach(m -> notes.add("Missing baseline: " + m + "."));
        return new Table("failed-cells", "Failed cells and missing baselines", notes,
                List.of("cell id", "model", "task", "strategy", "drop stage", "K", "seed", "failure"), body);
    }
}
