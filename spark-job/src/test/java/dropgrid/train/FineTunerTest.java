package dropgrid.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
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

    /** A loss that stays finite while one gradient is NaN: the reason names that tensor and no other. */
    @Test
    void nonFiniteGradientIsNamedInTheReason() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(5);
            SqrtOfZero model = new SqrtOfZero(TinyClassifier.create(manager, SyntheticTask.VOCAB, 8, 2, 0.1f));
            Shape input = new Shape(2, 4);
            model.initialize(manager, DataType.FLOAT32, input, input, input);
            TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                    () -> FineTuner.fineTune(model, manager, TRAIN, DYNAMIC, hp(0.05), 3, 5));
            assertTrue(e.getMessage().startsWith("gradient norm became NaN at step 1 of 3"), e.getMessage());
            assertTrue(e.getMessage().contains("non-finite gradients in 1 of 4 tensors [zero]"), e.getMessage());
            assertTrue(e.getMessage().contains("non-finite values in 0 []"), e.getMessage());
        }
    }

    /**
     * Adds {@code 0 · Σ√zero} to a classifier's logits: nothing changes going forward, but d√w/dw at w = 0
     * is infinite and 0 · ∞ is NaN, so {@code zero}'s gradient is NaN and every other one is finite. The 0
     * is a libtorch-allocated tensor: the backward pass reads it, and DJL's {@code mul(Number)} would hand
     * it a scalar that a collection may free first (see {@code dropgrid.model.Scalars}).
     */
    private static final class SqrtOfZero extends AbstractBlock {
        private final Parameter zero = addParameter(Parameter.builder().setName("zero").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(3)).optInitializer(new ConstantInitializer(0f)).build());
        private final Block classifier;

        SqrtOfZero(Block classifier) {
            this.classifier = addChildBlock("tiny", classifier);
        }

        @Override
        protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
                PairList<String, Object> params) {
            NDArray logits = classifier.forward(ps, inputs, training).singletonOrThrow();
            NDArray w = ps.getValue(zero, logits.getDevice(), training);
            return new NDList(logits.add(w.sqrt().sum().mul(logits.getManager().zeros(new Shape()))));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return classifier.getOutputShapes(inputShapes);
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            // the classifier comes initialised
        }
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
