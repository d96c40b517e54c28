package dropgrid.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dropgrid.tokenize.Tokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

class FineTunerTest {

    private static final Collator DYNAMIC = new Collator(SyntheticTask.PAD, 0, Tokenizer.PaddingSide.RIGHT, 0);
    private static final List<EncodedExample> TRAIN = SyntheticTask.examples(256, 1);
    private static final List<EncodedExample> DEV = SyntheticTask.examples(200, 2);

    private static Hyperparameters hp(double lr) {
        return new Hyperparameters(lr, 16, 4, 16, 0.1, true, 0.01, 1.0, 0.1, true, true);
    }

    @Test
    void tinyModelLearnsAMarkerTokenTask() {
        Result r = trainAndScore(hp(0.05), 7);
        List<Double> losses = r.run.losses();
        assertEquals(64, r.run.steps(), "4 epochs of 16 batches");
        double first = losses.subList(0, 8).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = losses.subList(56, 64).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertTrue(last < 0.5 * first, "loss should fall by half: first 8 steps " + first + ", last 8 " + last);
        assertTrue(r.accuracy > 0.85, "dev accuracy " + r.accuracy + " should be far above chance (0.5)");
    }

    @Test
    void sameSeedGivesBitIdenticalDevOutputs() {
        Result a = trainAndScore(hp(0.05), 11);
        Result b = trainAndScore(hp(0.05), 11);
        assertEquals(a.run.losses(), b.run.losses());
        for (int i = 0; i < a.outputs.length; i++) {
            assertArrayEquals(a.outputs[i], b.outputs[i], "dev example " + i);
        }
        Result c = trainAndScore(hp(0.05), 12);
        assertTrue(!a.run.losses().equals(c.run.losses()), "another seed should train differently");
    }

    @Test
    void hugeLearningRateStopsWithDivergedReason() {
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> trainAndScore(hp(1e30), 3));
        assertTrue(e.getMessage().contains("diverged") && e.getMessage().contains("step"), e.getMessage());
    }

    @Test
    void maxStepsCapsTheRun() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            TinyClassifier model = TinyClassifier.create(manager, SyntheticTask.VOCAB, 8, 2, 0.1f);
            TrainingRun run = FineTuner.fineTune(model, manager, TRAIN, DYNAMIC, hp(0.05), 5, 5);
            assertEquals(5, run.steps());
            assertEquals(5, run.losses().size());
        }
    }

    @Test
    void trainingAndEvaluationLeaveNoArraysBehind() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            TinyClassifier model = TinyClassifier.create(manager, SyntheticTask.VOCAB, 8, 2, 0.1f);
            int before = manager.getManagedArrays().size();
            FineTuner.fineTune(model, manager, TRAIN, DYNAMIC, hp(0.05), 6, 5);
            Evaluator.predict(model, manager, DEV, DYNAMIC, 32);
            assertEquals(before, manager.getManagedArrays().size(), "arrays left in the model's manager");
        }
    }

    private record Result(TrainingRun run, float[][] outputs, double accuracy) {}

    private static Result trainAndScore(Hyperparameters hp, long seed) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed((int) seed);
            TinyClassifier model = TinyClassifier.create(manager, SyntheticTask.VOCAB, 8, 2, 0.1f);
            TrainingRun run = FineTuner.fineTune(model, manager, TRAIN, DYNAMIC, hp, 0, seed);
            float[][] outputs = Evaluator.predict(model, manager, DEV, DYNAMIC, 32);
            int[] predicted = Evaluator.argmax(outputs);
            int correct = 0;
            for (int i = 0; i < predicted.length; i++) {
                correct += predicted[i] == DEV.get(i).label() ? 1 : 0;
            }
            return new Result(run, outputs, (double) correct / predicted.length);
        }
    }
}
