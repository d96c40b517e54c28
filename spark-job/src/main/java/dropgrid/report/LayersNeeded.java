package dropgrid.report;

import java.util.List;

/**
 * How many layers one task needs under top-layer dropping: the largest measured K whose seed-mean score
 * stays within each tolerance of the baseline. Null where it cannot be said (no baseline, no top cells).
 */
public record LayersNeeded(String model, String task, int depth, double baseline, List<Integer> measuredDrops,
        Integer maxDropWithin1Point, Integer maxDropWithin2Points, Integer maxDropWithin1Percent,
        Integer maxDropWithin2Percent) {}
