package dropgrid.job;

import dropgrid.experiment.Grid;
import dropgrid.train.Cell;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;

/**
 * What {@code dropgrid plan} shows: every cell with its state in the output, and totals. Time
 * estimates are calibrated on the output's committed results (seconds per cost unit), so they exist
 * only once some cells have run.
 *
 * @param cells one entry per cell, in grid order
 * @param summary totals
 */
public record GridPlan(List<CellPlan> cells, Summary summary) {

    /**
     * One cell of the plan.
     *
     * @param cellId the cell's id
     * @param modelId model
     * @param task GLUE task
     * @param strategy strategy ({@code none} = baseline)
     * @param drop K
     * @param dropStage {@code pretrained} or {@code finetuned}
     * @param seed seed
     * @param state {@code pending}, {@code ok} or {@code failed} (the newest committed result)
     * @param costUnits relative cost (kept layers × train examples × epochs)
     * @param estimatedSeconds estimated wall time; null without earlier results
     */
    public record CellPlan(String cellId, String modelId, String task, String strategy, int drop, String dropStage,
            long seed, String state, double costUnits, Double estimatedSeconds) {}

    /**
     * Totals of a plan.
     *
     * @param runName the spec's name
     * @param specHash the spec's hash
     * @param output the output location
     * @param cells cells in the grid
     * @param pending cells without a committed result
     * @param ok cells whose newest result is ok
     * @param failed cells whose newest result failed
     * @param cellsPerModelTask cell counts keyed {@code model/task}
     * @param secondsPerCostUnit calibration from committed results; null without any
     * @param estimatedPendingSeconds serial time of the pending cells; null without calibration
     */
    public record Summary(String runName, String specHash, String output, int cells, int pending, int ok, int failed,
            Map<String, Integer> cellsPerModelTask, Double secondsPerCostUnit, Double estimatedPendingSeconds) {}

    /** The plan of a grid against what its output already holds. */
    public static GridPlan of(Grid grid, Configuration hadoopConf) {
        Map<String, ResultRow> committed = new ResultFiles(grid.output(), hadoopConf).latest();
        double seconds = 0;
        double units = 0;
        for (Cell c : grid.cells()) {
            ResultRow r = committed.get(c.id());
            if (r != null && r.ok() && r.finetuneSeconds() != null) {
                seconds += r.finetuneSeconds() + orZero(r.evalSeconds()) + orZero(r.selectSeconds());
                units += grid.costUnits(c);
            }
        }
        Double perUnit = units > 0 ? seconds / units : null;
        List<CellPlan> cells = new ArrayList<>();
        Map<String, Integer> perModelTask = new TreeMap<>();
        int pending = 0;
        int ok = 0;
        int failed = 0;
        double pendingUnits = 0;
        for (Cell c : grid.cells()) {
            ResultRow r = committed.get(c.id());
            String state = r == null ? "pending" : r.status().id();
            double cost = grid.costUnits(c);
            if (r == null) {
                pending++;
                pendingUnits += cost;
            } else if (r.ok()) {
                ok++;
            } else {
                failed++;
            }
            perModelTask.merge(c.modelId() + "/" + c.task(), 1, Integer::sum);
            cells.add(new CellPlan(c.id(), c.modelId(), c.task(), c.strategy(), c.drop(),
                    c.stage().id(), c.seed(), state, cost,
                    perUnit == null ? null : cost * perUnit));
        }
        return new GridPlan(cells, new Summary(grid.name(), grid.specHash(), grid.output(), grid.cells().size(),
                pending, ok, failed, perModelTask, perUnit, perUnit == null ? null : pendingUnits * perUnit));
    }

    /** The Hadoop settings a command without Spark uses: defaults plus {@code spark.hadoop.*} system properties. */
    public static Configuration hadoopConfiguration() {
        return HadoopConf.fromSystemProperties();
    }

    private static double orZero(Double v) {
        return v == null ? 0 : v;
    }
}
