package dropgrid.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectiveTest {

    @Test
    void crossEntropyIsTheMeanNegativeLogLikelihoodOfTheGoldClass() {
        Batch batch = new Collator(0, 0, dropgrid.tokenize.Tokenizer.PaddingSide.RIGHT, 0).collate(List.of(
                new EncodedExample(new long[] {1}, new long[] {0}, 1, Float.NaN),
                new EncodedExample(new long[] {1}, new long[] {0}, 0, Float.NaN)));
        try (NDManager m = NDManager.newBaseManager()) {
            float loss = Objective.CROSS_ENTROPY.loss(m.create(new float[][] {{1, 2}, {0, 3}}), batch, m).getFloat();
            double expected = (Math.log(1 + Math.exp(-1)) + Math.log(1 + Math.exp(3))) / 2;
            assertEquals(expected, loss, 1e-6);
        }
    }

    @Test
    void meanSquaredErrorComparesTheSingleOutputWithTheScore() {
        Batch batch = new Collator(0, 0, dropgrid.tokenize.Tokenizer.PaddingSide.RIGHT, 0).collate(List.of(
                new EncodedExample(new long[] {1}, new long[] {0}, -1, 4.0f),
                new EncodedExample(new long[] {1}, new long[] {0}, -1, 1.5f)));
        try (NDManager m = NDManager.newBaseManager()) {
            float loss = Objective.MEAN_SQUARED_ERROR.loss(m.create(new float[][] {{3}, {2}}), batch, m).getFloat();
            assertEquals((1 + 0.25) / 2, loss, 1e-6);
        }
    }
}
