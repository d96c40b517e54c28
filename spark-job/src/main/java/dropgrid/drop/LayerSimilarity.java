package dropgrid.drop;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dropgrid.model.Architecture;
import dropgrid.model.Encoder;
import dropgrid.tokenize.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * How alike an encoder's hidden states are, measured over a sample of examples with no gradients: for
 * every pair of hidden states i &lt; j (0 = embedding output, i = output of the i-th kept layer) the mean
 * cosine similarity and the mean angular distance arccos(cos)/π, once on the [CLS] token and once over
 * all non-padding tokens. Adjacent pairs give each layer's input/output similarity (contribution, block
 * influence); the other pairs give the block distances of Gromov et al.'s angular-block dropping.
 *
 * <p>Measuring is separate from deciding: the strategies take a {@code LayerSimilarity} (or hand-written
 * numbers in tests) and only rank.
 */
public final class LayerSimilarity {

    /**
     * The seed of the example sample. Fixed, not the cell's seed: every cell of one model and task then
     * measures the same examples, so strategies and seeds are compared on one measurement.
     */
    public static final long SAMPLE_SEED = 20200408L;

    private final int pretrainedDepth;
    private final List<Integer> keptLayers;
    private final Map<SimilarityMode, double[][]> cosine;
    private final Map<SimilarityMode, double[][]> angle;
    private final int examples;
    private final long tokens;
    private final double seconds;

    /**
     * @param pretrainedDepth L of the checkpoint
     * @param keptLayers original indices of the measured encoder's layers, ascending
     * @param cosine per mode, an (S × S) matrix, S = kept layers + 1, of mean cosines read at [i][j], i &lt; j
     * @param angle per mode, the same for mean angular distances
     * @param examples examples measured
     * @param tokens non-padding tokens measured
     * @param seconds wall time of the pass
     */
    public LayerSimilarity(int pretrainedDepth, List<Integer> keptLayers, Map<SimilarityMode, double[][]> cosine,
            Map<SimilarityMode, double[][]> angle, int examples, long tokens, double seconds) {
        this.pretrainedDepth = pretrainedDepth;
        this.keptLayers = List.copyOf(keptLayers);
        int states = keptLayers.size() + 1;
        for (SimilarityMode mode : SimilarityMode.values()) {
            for (Map<SimilarityMode, double[][]> m : List.of(cosine, angle)) {
                double[][] matrix = m.get(mode);
                if (matrix == null || matrix.length != states) {
                    throw new IllegalArgumentException("similarities need a " + states + " x " + states + " matrix per "
                            + "mode for " + keptLayers.size() + " kept layers; " + mode.id() + " has "
                            + (matrix == null ? "none" : matrix.length + " rows"));
                }
            }
        }
        this.cosine = new EnumMap<>(cosine);
        this.angle = new EnumMap<>(angle);
        this.examples = examples;
        this.tokens = tokens;
        this.seconds = seconds;
    }

    public int pretrainedDepth() {
        return pretrainedDepth;
    }

    public List<Integer> keptLayers() {
        return keptLayers;
    }

    public int examples() {
        return examples;
    }

    public long tokens() {
        return tokens;
    }

    public double seconds() {
        return seconds;
    }

    /** Mean cosine between hidden states {@code i} and {@code j} (indices into the hidden-state list). */
    public double cosine(SimilarityMode mode, int i, int j) {
        return i == j ? 1.0 : cosine.get(mode)[Math.min(i, j)][Math.max(i, j)];
    }

    /** Mean angular distance arccos(cos)/π, in [0, 1], between hidden states {@code i} and {@code j}. */
    public double angle(SimilarityMode mode, int i, int j) {
        return i == j ? 0.0 : angle.get(mode)[Math.min(i, j)][Math.max(i, j)];
    }

    /**
     * Each layer's input/output cosine by original layer index (length L); NaN for layers the measured
     * encoder did not keep.
     */
    public double[] layerCosine(SimilarityMode mode) {
        double[] byLayer = new double[pretrainedDepth];
        Arrays.fill(byLayer, Double.NaN);
        for (int k = 0; k < keptLayers.size(); k++) {
            byLayer[keptLayers.get(k)] = cosine(mode, k, k + 1);
        }
        return byLayer;
    }

    /** A deterministic sample of at most {@code size} examples: shuffled with {@link #SAMPLE_SEED}. */
    public static <T> List<T> sample(List<T> examples, int size) {
        if (examples.size() <= size) {
            return List.copyOf(examples);
        }
        List<T> shuffled = new ArrayList<>(examples);
        Collections.shuffle(shuffled, new Random(SAMPLE_SEED));
        return List.copyOf(shuffled.subList(0, size));
    }

    /**
     * Measures {@code encoder} on tokenised examples, padded per batch of {@code batchSize} as
     * {@code tokenizer} pads. The encoder may be pre-trained or fine-tuned, full or already pruned.
     */
    public static LayerSimilarity measure(
            Encoder encoder, List<Tokenizer.Encoding> encodings, Tokenizer tokenizer, int batchSize, NDManager manager) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size = " + batchSize + " is not allowed; must be >= 1");
        }
        // The means do not depend on order, and rows of like length waste no work on padding.
        List<Tokenizer.Encoding> byLength = new ArrayList<>(encodings);
        byLength.sort(Comparator.comparingInt(Tokenizer.Encoding::length));
        Iterable<NDList> batches = () -> new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < byLength.size();
            }

            @Override
            public NDList next() {
                List<Tokenizer.Encoding> rows = byLength.subList(next, Math.min(next + batchSize, byLength.size()));
                next += rows.size();
                return pad(rows, tokenizer, manager);
            }
        };
        return measure(encoder, batches);
    }

    /**
     * Measures {@code encoder} on batches in the encoder input convention (ids, type ids, attention mask),
     * each (B, T) int64. Each batch is closed once measured. No gradient is recorded: this runs outside
     * any {@code GradientCollector}, with {@code training = false} (dropout off).
     */
    public static LayerSimilarity measure(Encoder encoder, Iterable<NDList> batches) {
        long start = System.nanoTime();
        int depth = encoder.pretrainedDepth();
        int states = encoder.keptLayers().size() + 1;
        // XLNet pads on the left and keeps its summary token last; every other family puts [CLS] first.
        boolean clsLast = encoder.architecture() == Architecture.XLNET;
        Accumulator cls = new Accumulator(states);
        Accumulator tokens = new Accumulator(states);
        int examples = 0;
        for (NDList batch : batches) {
            try (NDManager scope = batch.head().getManager().newSubManager()) {
                batch.attach(scope);
                NDList hidden = encoder.hiddenStates(new ParameterStore(scope, false), batch, false);
                if (hidden.size() != states) {
                    throw new IllegalStateException("encoder returned " + hidden.size() + " hidden states for "
                            + (states - 1) + " kept layers; expected " + states);
                }
                hidden.attach(scope);
                long[] shape = hidden.head().getShape().getShape();
                int b = (int) shape[0];
                int t = (int) shape[1];
                float[] gram = gram(hidden);
                long[] mask = batch.get(2).toType(DataType.INT64, false).toLongArray();
                for (int row = 0; row < b; row++) {
                    cls.add(gram, (row * t + (clsLast ? t - 1 : 0)) * states * states);
                    for (int col = 0; col < t; col++) {
                        if (mask[row * t + col] != 0) {
                            tokens.add(gram, (row * t + col) * states * states);
                        }
                    }
                }
                examples += b;
            }
        }
        if (examples == 0) {
            throw new IllegalArgumentException("no examples to measure layer similarity on");
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new LayerSimilarity(depth, encoder.keptLayers(),
                Map.of(SimilarityMode.CLS, cls.meanCosine(), SimilarityMode.TOKENS, tokens.meanCosine()),
                Map.of(SimilarityMode.CLS, cls.meanAngle(), SimilarityMode.TOKENS, tokens.meanAngle()),
                examples, tokens.count, seconds);
    }

    /** Per token, the (S × S) cosine matrix of its S hidden states: (B, T, S, S) flattened. */
    private static float[] gram(NDList hidden) {
        NDArray stacked = NDArrays.stack(hidden, 2); // (B, T, S, E)
        // The floor keeps an all-zero state (possible in a constructed model) from dividing by zero.
        NDArray unit = stacked.div(stacked.norm(new int[] {-1}, true).maximum(1e-12f));
        long[] s = unit.getShape().getShape();
        NDArray flat = unit.reshape(s[0] * s[1], s[2], s[3]);
        return flat.batchMatMul(flat.transpose(0, 2, 1)).toType(DataType.FLOAT32, false).toFloatArray();
    }

    private static NDList pad(List<Tokenizer.Encoding> rows, Tokenizer tokenizer, NDManager manager) {
        int t = rows.stream().mapToInt(Tokenizer.Encoding::length).max().orElse(0);
        long[] ids = new long[rows.size() * t];
        long[] types = new long[rows.size() * t];
        long[] mask = new long[rows.size() * t];
        for (int r = 0; r < rows.size(); r++) {
            Tokenizer.Encoding e = rows.get(r);
            int offset = tokenizer.paddingSide() == Tokenizer.PaddingSide.LEFT ? t - e.length() : 0;
            for (int c = 0; c < t; c++) {
                int at = r * t + c;
                int source = c - offset;
                boolean real = source >= 0 && source < e.length();
                ids[at] = real ? e.ids()[source] : tokenizer.padId();
                types[at] = real ? e.typeIds()[source] : tokenizer.padTypeId();
                mask[at] = real ? 1 : 0;
            }
        }
        Shape shape = new Shape(rows.size(), t);
        return new NDList(manager.create(ids, shape), manager.create(types, shape), manager.create(mask, shape));
    }

    /** Running sums of cosines and angles over tokens, in double so 10^5 tokens add up exactly enough. */
    private static final class Accumulator {
        private final int states;
        private final double[][] cosine;
        private final double[][] angle;
        private long count;

        Accumulator(int states) {
            this.states = states;
            this.cosine = new double[states][states];
            this.angle = new double[states][states];
        }

        void add(float[] gram, int offset) {
            for (int i = 0; i < states; i++) {
                for (int j = i + 1; j < states; j++) {
                    // Float rounding can put a unit-vector dot product a hair outside [-1, 1].
                    double c = Math.max(-1.0, Math.min(1.0, gram[offset + i * states + j]));
                    cosine[i][j] += c;
                    angle[i][j] += Math.acos(c) / Math.PI;
                }
            }
            count++;
        }

        double[][] meanCosine() {
            return mean(cosine);
        }

        double[][] meanAngle() {
            return mean(angle);
        }

        private double[][] mean(double[][] sums) {
            double[][] means = new double[states][states];
            for (int i = 0; i < states; i++) {
                for (int j = 0; j < states; j++) {
                    means[i][j] = count == 0 ? Double.NaN : sums[i][j] / count;
                }
            }
            return means;
        }
    }

    /** All layers 0..depth-1, what strategies measure first. */
    static List<Integer> allLayers(int depth) {
        return IntStream.range(0, depth).boxed().toList();
    }
}
