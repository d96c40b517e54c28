package dropgrid.report;

import dropgrid.vocabulary.Baseline;
import dropgrid.vocabulary.DropStage;
import java.util.Comparator;

/** One cell of the grid without its task and seed: what a strategy table has one number for. */
record CellKey(String model, String stage, String strategy, int drop) {

    /** Baseline first, then stage {@code pretrained} before {@code finetuned}, K, strategy. */
    static final Comparator<CellKey> ORDER = Comparator.comparing(CellKey::model)
            .thenComparing(k -> !k.isBaseline())
            .thenComparing(CellKey::stage, Comparator.reverseOrder())
            .thenComparingInt(CellKey::drop)
            .thenComparing(CellKey::strategy);

    static CellKey of(ReportRow r) {
        // The unpruned baseline is the same model whichever stage the spec labelled it with.
        return r.baseline() ? baseline(r.modelId()) : new CellKey(r.modelId(), r.dropStage(), r.strategy(), r.drop());
    }

    static CellKey baseline(String model) {
        return new CellKey(model, DropStage.PRETRAINED.id(), Baseline.STRATEGY, 0);
    }

    boolean isBaseline() {
        return Baseline.STRATEGY.equals(strategy) && drop == 0;
    }

    String label() {
        return Baseline.STRATEGY.equals(strategy) ? "baseline"
                : strategy + " K=" + drop + (DropStage.FINETUNED.id().equals(stage) ? " (after fine-tune)" : "");
    }
}
