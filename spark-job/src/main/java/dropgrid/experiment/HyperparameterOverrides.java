package dropgrid.experiment;

import dropgrid.kernels.Precision;
import dropgrid.train.Hyperparameters;

/**
 * Hyper-parameters a spec changes on top of a preset; a null field keeps the preset's value. Field
 * names are those of {@link Hyperparameters}, so a typo is an unknown key.
 */
public record HyperparameterOverrides(
        Double learningRate,
        Integer batchSize,
        Integer epochs,
        Integer maxSeqLength,
        Double warmupRatio,
        Boolean linearDecay,
        Double weightDecay,
        Double maxGradNorm,
        Double dropout,
        Boolean dynamicPadding,
        Boolean lengthGrouping,
        String precision) {

    /** The preset with these overrides; the {@link Hyperparameters} constructor validates the result. */
    public Hyperparameters applyTo(Hyperparameters h) {
        return new Hyperparameters(
                learningRate != null ? learningRate : h.learningRate(),
                batchSize != null ? batchSize : h.batchSize(),
                epochs != null ? epochs : h.epochs(),
                maxSeqLength != null ? maxSeqLength : h.maxSeqLength(),
                warmupRatio != null ? warmupRatio : h.warmupRatio(),
                linearDecay != null ? linearDecay : h.linearDecay(),
                weightDecay != null ? weightDecay : h.weightDecay(),
                maxGradNorm != null ? maxGradNorm : h.maxGradNorm(),
                dropout != null ? dropout : h.dropout(),
                dynamicPadding != null ? dynamicPadding : h.dynamicPadding(),
                lengthGrouping != null ? lengthGrouping : h.lengthGrouping(),
                precision != null ? Precision.parse("precision", precision) : h.precision());
    }
}
