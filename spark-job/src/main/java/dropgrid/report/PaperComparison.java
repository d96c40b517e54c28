package dropgrid.report;

import dropgrid.vocabulary.Baseline;
import dropgrid.vocabulary.DropStage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The paper beside ours, like for like: its published values and our {@link ScoreView#PAPER} scores
 * (its metric per task) for each of our models that is one of its models (by architecture and depth).
 *
 * <p>Per task the paper printed only top-layer dropping (Table 1); per strategy × K only the 7-task
 * average (Figures 2 and 3). An average of ours is therefore over the paper's tasks that the cell and the
 * baseline both have; the missing ones are named, and the paper's side is over the same tasks where it
 * can be (top dropping and the full model, from Table 1), else only when all seven are present.
 */
public final class PaperComparison {

    /**
     * One task of one top-dropping cell (K = 0: the full model).
     *
     * @param paper the paper's value, NaN if it has none
     */
    public record TaskRow(String model, String paperModel, String strategy, int drop, String task, Estimate ours,
            double paper) {

        public double difference() {
            return ours.mean() - paper;
        }
    }

    /**
     * One strategy × K average.
     *
     * @param tasks the paper's tasks that this cell and the baseline have, in the paper's order
     * @param missing the paper's tasks that are not in {@code tasks}
     * @param ours our average over {@code tasks} in the paper's metrics
     * @param paper the paper's average over the same tasks; NaN when it cannot be had (see {@code paperSource})
     * @param paperSource where the paper's value comes from, or why there is none
     * @param oursDelta {@code ours} minus our baseline over the same tasks; unknown for the baseline itself
     * @param paperDelta the paper's value minus its baseline over the same tasks
     */
    public record AverageRow(String model, String paperModel, String strategy, int drop, List<String> tasks,
            List<String> missing, Estimate ours, double paper, String paperSource, Estimate oursDelta,
            double paperDelta) {

        public double difference() {
            return ours.mean() - paper;
        }

        public double deltaDifference() {
            return oursDelta.mean() - paperDelta;
        }
    }

    private final List<TaskRow> tasks;
    private final List<AverageRow> averages;
    private final List<String> unmatched;

    private PaperComparison(List<TaskRow> tasks, List<AverageRow> averages, List<String> unmatched) {
        this.tasks = List.copyOf(tasks);
        this.averages = List.copyOf(averages);
        this.unmatched = List.copyOf(unmatched);
    }

    public static PaperComparison of(Analysis analysis) {
        PaperNumbers paper = PaperNumbers.get();
        List<TaskRow> tasks = new ArrayList<>();
        List<AverageRow> averages = new ArrayList<>();
        List<String> unmatched = new ArrayList<>();
        Map<CellKey, Map<String, Estimate>> cells = analysis.cells(ScoreView.PAPER);
        for (String model : analysis.models()) {
            Optional<String> paperModel = paper.paperModel(analysis.architecture(model), analysis.depth(model));
            if (paperModel.isEmpty()) {
                unmatched.add(model);
                continue;
            }
            String pm = paperModel.get();
            Map<String, Estimate> base = cells.getOrDefault(CellKey.baseline(model), Map.of());
            for (Map.Entry<CellKey, Map<String, Estimate>> e : cells.entrySet()) {
                CellKey key = e.getKey();
                if (!key.model().equals(model) || !DropStage.PRETRAINED.id().equals(key.stage())) {
                    continue;
                }
                boolean tableOne = key.isBaseline() || Analysis.TOP.equals(key.strategy());
                if (tableOne) {
                    for (String task : PaperNumbers.TASKS) {
                        Estimate ours = e.getValue().get(task);
                        if (ours != null) {
                            tasks.add(new TaskRow(model, pm, key.strategy(), key.drop(), task, ours,
                                    paper.topScore(pm, key.drop(), task).orElse(Double.NaN)));
                        }
                    }
                }
                averages.add(averageRow(analysis, model, pm, key, e.getValue(), base, tableOne));
            }
        }
        return new PaperComparison(tasks, averages, unmatched);
    }

    private static AverageRow averageRow(Analysis analysis, String model, String pm, CellKey key,
            Map<String, Estimate> cell, Map<String, Estimate> base, boolean tableOne) {
        PaperNumbers paper = PaperNumbers.get();
        List<String> tasks = PaperNumbers.TASKS.stream().filter(t -> cell.containsKey(t) && base.containsKey(t)).toList();
        List<String> missing = PaperNumbers.TASKS.stream().filter(t -> !tasks.contains(t)).toList();
        Estimate ours = analysis.average(ScoreView.PAPER, key, tasks);
        Estimate oursDelta = key.isBaseline() ? Estimate.UNKNOWN
                : ours.minus(analysis.average(ScoreView.PAPER, CellKey.baseline(model), tasks));
        double value;
        double delta;
        String source;
        Optional<PaperNumbers.Average> published = paper.average(pm, key.strategy(), key.drop());
        if (tasks.isEmpty()) {
            value = Double.NaN;
            delta = Double.NaN;
            source = "no task of the paper's seven in both this cell and the baseline";
        } else if (missing.isEmpty() && published.isPresent()) {
            value = published.get().value();
            delta = value - paper.average(pm, Baseline.STRATEGY, 0).orElseThrow().value();
            source = published.get().source();
        } else if (tableOne) {
            value = paper.topAverage(pm, key.drop(), tasks);
            delta = value - paper.topAverage(pm, 0, tasks);
            source = Double.isNaN(value) ? "the paper has no top-dropping at K = " + key.drop()
                    : "Table 1 over the same " + tasks.size() + " tasks";
        } else {
            value = Double.NaN;
            delta = Double.NaN;
            source = published.isPresent() ? "the paper gives only its 7-task average (" + published.get().source() + ")"
                    : "not in the paper";
        }
        return new AverageRow(model, pm, key.strategy(), key.drop(), tasks, missing, ours, value, source, oursDelta,
                key.isBaseline() ? Double.NaN : delta);
    }

    public List<TaskRow> tasks() {
        return tasks;
    }

    public List<AverageRow> averages() {
        return averages;
    }

    /** Our models that are none of the paper's (other architecture or depth): not compared. */
    public List<String> unmatched() {
        return unmatched;
    }

    /** The average row of one cell, if compared. */
    public Optional<AverageRow> average(String model, String strategy, int drop) {
        return averages.stream().filter(a -> a.model().equals(model) && a.strategy().equals(strategy) && a.drop() == drop)
                .findFirst();
    }
}
