package dropgrid.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dropgrid.model.PretrainedModels;
import dropgrid.model.SequenceClassifier;
import dropgrid.train.GradientTape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every architecture's logits in bf16 and fp16 against Hugging Face's under {@code torch.autocast}, on the
 * tiny fixtures (BERT, DistilBERT, RoBERTa, XLNet, ALBERT) ({@code src/test/python/make_autocast_goldens.py}).
 *
 * <p>Tolerance, in units of HF's own 16-bit error e (its largest distance from the fp64 reference): the
 * two sides run the same operations in the same format but with other kernel blockings (dropgrid's q, k
 * and v are one matmul), so each carries its own rounding noise of the format's size, and dropgrid's
 * head (pooler, classifier) stays fp32. dropgrid must be as close to fp64 as HF is (within 1.5 e) and
 * within 2 e of HF — a wrong mask, scale or cast costs far more than the format.
 */
class AutocastParityTest {

    private static final Path FIXTURES = Path.of("src/test/resources/golden");

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"bert-cls, bf16", "bert-cls, fp16", "distilbert-tiny, bf16", "distilbert-tiny, fp16",
        "roberta-tiny, bf16", "roberta-tiny, fp16", "xlnet-tiny, bf16", "xlnet-tiny, fp16", "albert-tiny, bf16",
        "albert-tiny, fp16"})
    void logitsMatchHuggingFaceAutocast(String fixture, String precisionId) throws IOException {
        JsonNode golden;
        try (InputStream in = getClass().getResourceAsStream("/kernels/autocast/" + fixture + ".json")) {
            golden = new ObjectMapper().readTree(in);
        }
        Precision precision = Precision.parse("precision", precisionId);
        try (NDManager manager = NDManager.newBaseManager()) {
            PretrainedModels.Loaded loaded;
            try (PretrainedModels.Checkpoint checkpoint = PretrainedModels.read(FIXTURES.resolve(fixture))) {
                loaded = PretrainedModels.build(checkpoint, IntStream.range(0, checkpoint.depth()).boxed().toList(),
                        3, 0.0, manager);
            }
            SequenceClassifier model = loaded.classifier();
            NDList inputs = new NDList(manager.create(longs(golden.get("input_ids"))),
                    manager.create(longs(golden.get("token_type_ids"))), manager.create(longs(golden.get("attention_mask"))));
            float[] logits;
            try (Precision.Scope scope = precision.use(); GradientTape noGrad = GradientTape.pause()) {
                NDArray out = model.forward(new ParameterStore(manager, false), inputs, false).head();
                logits = out.toFloatArray();
            }
            double[] expected = values(golden.get(precisionId));
            double[] reference = values(golden.get("fp32"));
            double hfError = 0;
            double fromHf = 0;
            double fromReference = 0;
            for (int i = 0; i < expected.length; i++) {
                hfError = Math.max(hfError, Math.abs(expected[i] - reference[i]));
                fromHf = Math.max(fromHf, Math.abs(expected[i] - logits[i]));
                fromReference = Math.max(fromReference, Math.abs(reference[i] - logits[i]));
            }
            String where = fixture + " " + precision + " (HF's own error e = " + hfError + "): ";
            assertTrue(fromReference <= 1.5 * hfError, where + "max |dropgrid − fp64| " + fromReference + " > 1.5 e");
            assertTrue(fromHf <= 2 * hfError, where + "max |dropgrid − HF autocast| " + fromHf + " > 2 e");
        }
    }

    private static double[] values(JsonNode tensor) {
        JsonNode data = tensor.get("data");
        return IntStream.range(0, data.size()).mapToDouble(i -> data.get(i).asDouble()).toArray();
    }

    private static long[][] longs(JsonNode rows) {
        long[][] out = new long[rows.size()][];
        for (int r = 0; r < out.length; r++) {
            JsonNode row = rows.get(r);
            out[r] = IntStream.range(0, row.size()).mapToLong(c -> row.get(c).asLong()).toArray();
        }
        return out;
    }
}
