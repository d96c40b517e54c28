package dropgrid.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import dropgrid.model.Encoder;
import java.util.ArrayList;
import java.util.List;

/**
 * How far fine-tuning moved each hidden state (the paper's Figure 5): per hidden state (0 = embedding
 * output, i = output of the i-th kept layer), the cosine similarity between the pre-trained and the
 * fine-tuned encoder's vectors for the same input — at the summary token ([CLS]; XLNet's last token),
 * averaged over examples, and at every real token, averaged over all real tokens.
 *
 * @param cls per hidden state, the mean summary-token cosine
 * @param tokens per hidden state, the mean cosine over all non-padding tokens
 * @param examples rows measured
 * @param tokenCount non-padding tokens measured
 */
public record RepresentationDrift(List<Double> cls, List<Double> tokens, int examples, long tokenCount) {

    public RepresentationDrift {
        cls = List.copyOf(cls);
        tokens = List.copyOf(tokens);
    }

    /**
     * Runs both encoders (same architecture and kept layers) over batches in the encoder input
     * convention (ids, type ids, attention mask; each (B, T) int64), with dropout off and outside any
     * gradient recording. Each batch is closed once measured.
     */
    public static RepresentationDrift measure(Encoder pretrained, Encoder fineTuned, Iterable<NDList> batches) {
        if (!pretrained.keptLayers().equals(fineTuned.keptLayers())
                || pretrained.architecture() != fineTuned.architecture()) {
            throw new IllegalArgumentException("pre-trained (" + pretrained.architecture().id() + ", layers "
                    + pretrained.keptLayers() + ") and fine-tuned (" + fineTuned.architecture().id() + ", layers "
                    + fineTuned.keptLayers() + ") encoders must have the same architecture and kept layers");
        }
        int states = pretrained.keptLayers().size() + 1;
        boolean summaryLast = SummaryToken.last(pretrained);
        double[] clsSum = new double[states];
        double[] tokenSum = new double[states];
        int examples = 0;
        long tokenCount = 0;
        for (NDList batch : batches) {
            try (NDManager scope = batch.head().getManager().newSubManager()) {
                batch.attach(scope);
                NDList a = pretrained.hiddenStates(new ParameterStore(scope, false), batch, false);
                NDList b = fineTuned.hiddenStates(new ParameterStore(scope, false), batch, false);
                long[] shape = batch.head().getShape().getShape();
                int rows = (int) shape[0];
                int width = (int) shape[1];
                long[] mask = batch.get(2).toType(DataType.INT64, false).toLongArray();
                for (int s = 0; s < states; s++) {
                    float[] cos = cosine(a.get(s), b.get(s));
                    for (int r = 0; r < rows; r++) {
                        clsSum[s] += cos[r * width + (summaryLast ? width - 1 : 0)];
                        for (int t = 0; t < width; t++) {
                            if (mask[r * width + t] != 0) {
                                tokenSum[s] += cos[r * width + t];
                            }
                        }
                    }
                }
                examples += rows;
                for (long m : mask) {
                    tokenCount += m != 0 ? 1 : 0;
                }
            }
        }
        if (examples == 0) {
            throw new IllegalArgumentException("no examples to compare pre-trained and fine-tuned representations on");
        }
        List<Double> cls = new ArrayList<>();
        List<Double> tokens = new ArrayList<>();
        for (int s = 0; s < states; s++) {
            cls.add(clsSum[s] / examples);
            tokens.add(tokenSum[s] / tokenCount);
        }
        return new RepresentationDrift(cls, tokens, examples, tokenCount);
    }

    /** Per (row, token), the cosine of two (B, T, E) states, flattened row-major. */
    private static float[] cosine(NDArray a, NDArray b) {
        // The floor keeps an all-zero vector (possible in a constructed model) from dividing by zero.
        NDArray dot = a.mul(b).sum(new int[] {-1});
        NDArray norms = a.norm(new int[] {-1}).mul(b.norm(new int[] {-1})).maximum(1e-12f);
        return dot.div(norms).toType(DataType.FLOAT32, false).toFloatArray();
    }
}
