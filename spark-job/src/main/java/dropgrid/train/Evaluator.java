package dropgrid.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.List;

/** Dev-set inference: batched, padded per batch, no gradients, dropout off. */
public final class Evaluator {

    private Evaluator() {}

    /**
     * The model's outputs for every example, in the examples' order.
     *
     * @return logits (n × outputs) for classification, or (n × 1) predicted scores for regression
     */
    public static float[][] predict(Block model, NDManager manager, List<EncodedExample> examples, Collator collator,
            int batchSize) {
        int[] lengths = examples.stream().mapToInt(EncodedExample::length).toArray();
        float[][] outputs = new float[examples.size()][];
        ParameterStore parameterStore = new ParameterStore(manager, false);
        try (GradientTape noGrad = GradientTape.pause()) {
            for (List<Integer> indices : BatchOrder.evaluation(lengths, batchSize)) {
                Batch batch = collator.collate(indices.stream().map(examples::get).toList());
                try (NDManager batchManager = manager.newSubManager()) {
                    NDArray logits =
                            model.forward(parameterStore, batch.inputs(batchManager), false).singletonOrThrow();
                    int width = (int) logits.getShape().get(1);
                    float[] values = logits.toFloatArray();
                    for (int r = 0; r < indices.size(); r++) {
                        float[] row = new float[width];
                        System.arraycopy(values, r * width, row, 0, width);
                        outputs[indices.get(r)] = row;
                    }
                }
            }
        }
        return outputs;
    }

    /** The index of the largest output of each row (ties: the first, as {@code numpy.argmax}). */
    public static int[] argmax(float[][] outputs) {
        int[] out = new int[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            int best = 0;
            for (int c = 1; c < outputs[i].length; c++) {
                if (outputs[i][c] > outputs[i][best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }
}
