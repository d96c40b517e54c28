package dropgrid.report;

import java.util.List;

/** The contribution strategy's per-layer scores for one task, averaged over the cells that measured them. */
public record LayerScores(String model, String task, int cells, List<Double> scores) {}
