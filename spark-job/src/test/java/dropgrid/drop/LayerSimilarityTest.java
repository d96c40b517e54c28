package dropgrid.drop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dropgrid.model.Architecture;
import dropgrid.model.Encoder;
import dropgrid.model.ModelConfig;
import dropgrid.tokenize.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The measuring half: similarity means against plain Java loops over the same hidden states. */
class LayerSimilarityTest {

    private static final int E = 5;
    private static final int STATES = 4;

    /** Hidden state {@code s} of a token with id {@code id}: a fixed vector, so the test can recompute it. */
    static float[] state(int s, long id) {
        float[] v = new float[E];
        for (int e = 0; e < E; e++) {
            v[e] = (float) Math.sin(1.3 * (s + 1) * (e + 1) + 0.7 * id + 0.1 * e * e) + (s == 2 ? 0.2f * e : 0f);
        }
        return v;
    }

    /** An encoder whose hidden states are {@link #state} of each input id: three "layers". */
    static final class FixedStates extends AbstractBlock implements Encoder {
        private final Architecture architecture;

        FixedStates(Architecture architecture) {
            super((byte) 1);
            this.architecture = architecture;
        }

        @Override
        public ModelConfig config() {
            throw new UnsupportedOperationException("a fixed-state encoder has no checkpoint");
        }

        @Override
        public Architecture architecture() {
            return architecture;
        }

        @Override
        public int pretrainedDepth() {
            return 5;
        }

        @Override
        public List<Integer> keptLayers() {
            return List.of(0, 2, 4);
        }

        @Override
        public NDList hiddenStates(ParameterStore ps, NDList inputs, boolean training) {
            NDArray ids = inputs.head();
            long[] shape = ids.getShape().getShape();
            long[] flat = ids.toLongArray();
            NDList out = new NDList();
            for (int s = 0; s < STATES; s++) {
                float[] values = new float[flat.length * E];
                for (int i = 0; i < flat.length; i++) {
                    System.arraycopy(state(s, flat[i]), 0, values, i * E, E);
                }
                out.add(ids.getManager().create(values, new Shape(shape[0], shape[1], E)));
            }
            return out;
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> p) {
            return new NDList(hiddenStates(ps, inputs, training).get(STATES - 1));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(inputShapes[0].get(0), inputShapes[0].get(1), E)};
        }
    }

    record FakeTokenizer(PaddingSide paddingSide) implements Tokenizer {
        @Override
        public Encoding encode(String textA, String textB, int maxLength) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long padId() {
            return 0;
        }

        @Override
        public long padTypeId() {
            return 0;
        }

        @Override
        public void close() {}
    }

    static Tokenizer.Encoding encoding(long... ids) {
        return new Tokenizer.Encoding(ids, new long[ids.length]);
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int e = 0; e < a.length; e++) {
            dot += (double) a[e] * b[e];
            na += (double) a[e] * a[e];
            nb += (double) b[e] * b[e];
        }
        return dot / Math.sqrt(na * nb);
    }

    // Five examples of uneven length: with batch size 2 the batches pad to 4, 5 and 2 tokens.
    private static final List<Tokenizer.Encoding> EXAMPLES = List.of(
            encoding(101, 7, 8, 102), encoding(101, 9, 102), encoding(101, 3, 4, 5, 102), encoding(101, 11, 102),
            encoding(101, 102));

    @Test
    void meansMatchCosinesComputedWithPlainLoops() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LayerSimilarity measured = LayerSimilarity.measure(new FixedStates(Architecture.BERT), EXAMPLES,
                    new FakeTokenizer(Tokenizer.PaddingSide.RIGHT), 2, manager);
            assertEquals(5, measured.examples());
            assertEquals(17, measured.tokens());
            for (int i = 0; i < STATES; i++) {
                for (int j = i + 1; j < STATES; j++) {
                    double clsCos = 0;
                    double clsAngle = 0;
                    double tokCos = 0;
                    double tokAngle = 0;
                    int tokens = 0;
                    for (Tokenizer.Encoding ex : EXAMPLES) {
                        for (int t = 0; t < ex.length(); t++) {
                            double c = cosine(state(i, ex.ids()[t]), state(j, ex.ids()[t]));
                            tokCos += c;
                            tokAngle += Math.acos(c) / Math.PI;
                            tokens++;
                            if (t == 0) {
                                clsCos += c;
                                clsAngle += Math.acos(c) / Math.PI;
                            }
                        }
                    }
                    assertEquals(clsCos / 5, measured.cosine(SimilarityMode.CLS, i, j), 1e-5, "cls " + i + "," + j);
                    assertEquals(clsAngle / 5, measured.angle(SimilarityMode.CLS, i, j), 1e-4, "cls angle");
                    assertEquals(tokCos / tokens, measured.cosine(SimilarityMode.TOKENS, i, j), 1e-5, "tokens");
                    assertEquals(tokAngle / tokens, measured.angle(SimilarityMode.TOKENS, i, j), 1e-4, "tok angle");
                }
            }
            double[] byLayer = measured.layerCosine(SimilarityMode.TOKENS);
            assertEquals(5, byLayer.length);
            assertEquals(measured.cosine(SimilarityMode.TOKENS, 1, 2), byLayer[2]);
            assertTrue(Double.isNaN(byLayer[1]) && Double.isNaN(byLayer[3]), "layers not kept have no score");
            assertTrue(measured.seconds() > 0);
        }
    }

    @Test
    void xlnetReadsItsSummaryTokenLastWithLeftPadding() {
        try (NDManager manager = NDManager.newBaseManager()) {
            LayerSimilarity measured = LayerSimilarity.measure(new FixedStates(Architecture.XLNET), EXAMPLES,
                    new FakeTokenizer(Tokenizer.PaddingSide.LEFT), 2, manager);
            double expected = 0;
            for (Tokenizer.Encoding ex : EXAMPLES) {
                expected += cosine(state(0, ex.ids()[ex.length() - 1]), state(3, ex.ids()[ex.length() - 1]));
            }
            assertEquals(expected / 5, measured.cosine(SimilarityMode.CLS, 0, 3), 1e-5);
        }
    }

    @Test
    void batchesInTheEncoderConventionAreAccepted() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape shape = new Shape(1, 3);
            List<NDList> batches = new ArrayList<>();
            batches.add(new NDList(manager.create(new long[] {101, 5, 0}, shape), manager.zeros(shape, DataType.INT64),
                    manager.create(new long[] {1, 1, 0}, shape)));
            LayerSimilarity measured = LayerSimilarity.measure(new FixedStates(Architecture.BERT), batches);
            double expected = (cosine(state(1, 101), state(2, 101)) + cosine(state(1, 5), state(2, 5))) / 2;
            assertEquals(expected, measured.cosine(SimilarityMode.TOKENS, 1, 2), 1e-5);
            assertEquals(2, measured.tokens());
        }
    }

    @Test
    void sampleIsDeterministicAndTakesTheWholeSetWhenSmaller() {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            all.add(i);
        }
        List<Integer> a = LayerSimilarity.sample(all, 1000);
        assertEquals(1000, a.size());
        assertEquals(a, LayerSimilarity.sample(all, 1000));
        assertEquals(1000, a.stream().distinct().count());
        assertTrue(a.stream().anyMatch(i -> i >= 1000), "a shuffled sample, not the first 1000");
        assertEquals(List.of(1, 2, 3), LayerSimilarity.sample(List.of(1, 2, 3), 1000));
    }
}
