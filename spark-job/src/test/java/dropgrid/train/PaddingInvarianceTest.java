package dropgrid.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dropgrid.model.PretrainedModels;
import dropgrid.tokenize.Tokenizer.PaddingSide;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Padding must not change any example's logits, for every architecture and its padding convention
 * (XLNet: left, pad segment 3; RoBERTa: pad id 1, from which its positions are counted).
 */
class PaddingInvarianceTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "bert-bare, 0, 0, RIGHT, 32",
        "distilbert-tiny, 0, 0, RIGHT, 32",
        "roberta-tiny, 1, 0, RIGHT, 22",
        "xlnet-tiny, 5, 3, LEFT, 32"})
    void paddedBatchesGiveTheUnpaddedLogits(String model, long padId, long padTypeId, PaddingSide side, int maxLength) {
        try (NDManager manager = NDManager.newBaseManager();
                PretrainedModels.Checkpoint checkpoint = PretrainedModels.read(TinyBert.dir(model))) {
            Engine.getInstance().setRandomSeed(4);
            PretrainedModels.Loaded loaded = PretrainedModels.build(checkpoint,
                    IntStream.range(0, checkpoint.depth()).boxed().toList(), 3, 0.1, manager);
            Random random = new Random(8);
            List<EncodedExample> examples = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int length = 3 + random.nextInt(maxLength - 3);
                long[] ids = random.longs(length, 6, checkpoint.vocabSize()).toArray();
                long[] types = new long[length];
                for (int t = length / 2; t < length && padTypeId == 0 && model.startsWith("bert"); t++) {
                    types[t] = 1;
                }
                examples.add(new EncodedExample(ids, types, 0, Float.NaN));
            }
            Collator dynamic = new Collator(padId, padTypeId, side, 0);
            float[][] unpadded = Evaluator.predict(loaded.classifier(), manager, examples, dynamic, 1);
            float[][] padToBatch = Evaluator.predict(loaded.classifier(), manager, examples, dynamic, 10);
            float[][] padToMax = Evaluator.predict(loaded.classifier(), manager, examples,
                    new Collator(padId, padTypeId, side, maxLength), 4);
            for (int i = 0; i < examples.size(); i++) {
                for (int c = 0; c < 3; c++) {
                    String where = model + " example " + i;
                    assertEquals(unpadded[i][c], padToBatch[i][c], 1e-5, where + " padded to the batch");
                    assertEquals(unpadded[i][c], padToMax[i][c], 1e-5, where + " padded to " + maxLength);
                }
            }
        }
    }
}
