package dropgrid.train;

import ai.djl.ndarray.NDManager;
import dropgrid.drop.LayerSimilarity;
import dropgrid.drop.SimilaritySource;
import dropgrid.glue.Example;
import dropgrid.model.PretrainedModels;
import dropgrid.tokenize.Tokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * The similarity pass of a data-dependent strategy, for cells and {@code dropgrid select} alike: the
 * encoder built from a checkpoint (pre-trained or fine-tuned) with the layers asked for, run with no
 * gradients and dropout off over a sample of training examples.
 */
public final class SimilarityPass implements SimilaritySource {

    /** Examples per forward pass in a cell ({@code select} takes {@code --batch-size}). */
    public static final int BATCH_SIZE = 32;

    /**
     * The examples a pass measures: {@link LayerSimilarity#sample} of a training set, encoded.
     *
     * @param tokenizer the tokenizer that encoded them, which pads their batches
     */
    public record Sample(List<Tokenizer.Encoding> encodings, Tokenizer tokenizer) {

        public Sample {
            encodings = List.copyOf(encodings);
        }

        /** {@code size} examples of {@code examples} (all if it has fewer), each cut to {@code maxSeqLength}. */
        public static Sample of(List<Example> examples, int size, Tokenizer tokenizer, int maxSeqLength) {
            List<Tokenizer.Encoding> encodings = new ArrayList<>();
            for (Example e : LayerSimilarity.sample(examples, size)) {
                encodings.add(tokenizer.encode(e.textA(), e.textB(), maxSeqLength));
            }
            return new Sample(encodings, tokenizer);
        }
    }

    private final PretrainedModels.Checkpoint checkpoint;
    private final Sample sample;
    private final int batchSize;
    private final NDManager manager;

    /** @param manager each pass builds its model in a sub-manager of it, closed when the pass ends */
    public SimilarityPass(PretrainedModels.Checkpoint checkpoint, Sample sample, int batchSize, NDManager manager) {
        this.checkpoint = checkpoint;
        this.sample = sample;
        this.batchSize = batchSize;
        this.manager = manager;
    }

    @Override
    public LayerSimilarity measure(List<Integer> keptLayers) {
        try (NDManager scope = manager.newSubManager(); GradientTape noGrad = GradientTape.pause()) {
            // One output: the head is built but never run; only the encoder's hidden states are measured.
            PretrainedModels.Loaded model = PretrainedModels.build(checkpoint, keptLayers, 1, 0.0, scope);
            return LayerSimilarity.measure(model.classifier().encoder(), sample.encodings(), sample.tokenizer(),
                    batchSize, scope);
        }
    }
}
