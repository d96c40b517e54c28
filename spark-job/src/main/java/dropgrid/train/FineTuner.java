package dropgrid.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dropgrid.kernels.Kernels;
import dropgrid.kernels.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The fine-tuning loop, written out as {@code run_glue.py}'s {@code train()}: seeded shuffling, forward,
 * loss, backward, global-norm clipping, AdamW with a linear warm-up/decay schedule, gradients zeroed.
 * Every batch lives in its own sub-manager, so native memory is freed step by step.
 *
 * <p>The forward and backward run in the hyper-parameters' {@link Precision} (as {@code torch.autocast}
 * with HF's {@code --bf16}/{@code --fp16}); fp16 adds dynamic loss scaling ({@link LossScaler}), whose
 * overflowing steps are skipped rather than ending the run. On a GPU, fp32 matmuls use TF32.
 */
public final class FineTuner {

    private FineTuner() {}

    /** {@link #fineTune(Block, NDManager, List, Collator, Hyperparameters, int, long, Consumer)} reporting nothing. */
    public static TrainingRun fineTune(Block model, NDManager manager, List<EncodedExample> train, Collator collator,
            Hyperparameters hp, int maxSteps, long seed) {
        return fineTune(model, manager, train, collator, hp, maxSteps, seed, progress -> {});
    }

    /**
     * Fine-tunes {@code model} in place.
     *
     * @param model a block mapping {@code NDList(ids, typeIds, mask)} to logits (B, outputs)
     * @param manager the manager holding the model's parameters (its device is the training device)
     * @param train tokenized training examples
     * @param collator how batches are padded
     * @param hp learning rate, batch size, epochs, schedule, clipping, weight decay, length grouping
     * @param maxSteps stop after this many optimiser steps (0 = all epochs); the schedule spans the
     *     steps actually taken
     * @param seed seeds example order and dropout
     * @param progress told where the run is after every step
     * @throws TrainingDivergedException when the loss or the gradient norm stops being finite
     */
    public static TrainingRun fineTune(Block model, NDManager manager, List<EncodedExample> train, Collator collator,
            Hyperparameters hp, int maxSteps, long seed, Consumer<TrainingProgress> progress) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training examples to fine-tune on");
        }
        Objective objective = Objective.forExamples(train);
        int total = BatchOrder.stepsPerEpoch(train.size(), hp.batchSize()) * hp.epochs();
        if (maxSteps > 0) {
            total = Math.min(total, maxSteps);
        }
        LearningRateSchedule schedule = LearningRateSchedule.of(hp, total);
        int[] lengths = train.stream().mapToInt(EncodedExample::length).toArray();
        Random order = new Random(seed);
        Engine.getInstance().setRandomSeed(Long.hashCode(seed));
        ParameterStore parameterStore = new ParameterStore(manager, false);
        // Loading a checkpoint leaves two to three times the model in garbage: the float[] the tensors were
        // read into (Java heap, which G1 keeps committed) and the direct buffers DJL copied them through
        // (native memory freed only when a collection runs). One collection now returns both before
        // training allocates its own: 0.6 GB of RSS for BERT-base, measured.
        System.gc();
        List<Double> losses = new ArrayList<>(total);
        List<Double> stepSeconds = new ArrayList<>(total);
        List<Long> stepRss = new ArrayList<>(total);
        long realTokens = 0;
        long paddedTokens = 0;
        long start = System.nanoTime();
        Precision precision = hp.precision();
        precision.requireSupportedOn(manager.getDevice());
        if (manager.getDevice().isGpu() && precision == Precision.FP32) {
            // TF32 unless the environment asks for strict fp32, as the images document it.
            Kernels.allowTf32(!"0".equals(System.getenv("TORCH_ALLOW_TF32_CUBLAS_OVERRIDE")));
        }
        try (Precision.Scope scope = precision.use();
                AdamW optimizer = AdamW.withDefaults(AdamW.trainables(model.getParameters()), hp.weightDecay());
                LossScaler scaler = precision == Precision.FP16 ? new LossScaler(manager) : null) {
            zeroGradients(optimizer);
            int step = 0;
            for (int epoch = 0; epoch < hp.epochs() && step < total; epoch++) {
                for (List<Integer> indices : BatchOrder.training(lengths, hp.batchSize(), hp.lengthGrouping(), order)) {
                    if (step == total) {
                        break;
                    }
                    Batch batch = collator.collate(indices.stream().map(train::get).toList());
                    double lr = schedule.at(step);
                    long stepStart = System.nanoTime();
                    losses.add(step(model, parameterStore, manager, optimizer, scaler, objective, batch, hp, lr, step,
                            total));
                    stepSeconds.add((System.nanoTime() - stepStart) / 1e9);
                    stepRss.add(MemoryProbe.rssBytes());
                    realTokens += batch.realTokens();
                    paddedTokens += (long) batch.rows() * batch.width();
                    step++;
                    progress.accept(progress(step, total, epoch, hp.epochs(), losses, lr, realTokens,
                            (System.nanoTime() - start) / 1e9));
                }
            }
            return new TrainingRun(step, train.size(), realTokens, paddedTokens, (System.nanoTime() - start) / 1e9,
                    losses, stepSeconds, stepRss);
        } finally {
            // The optimiser's moments and the gradients are gone now: give their pages back.
            Kernels.releaseFreeMemory();
        }
    }

    /** One optimiser step; {@code scaler} is null unless the precision is fp16. */
    private static double step(Block model, ParameterStore parameterStore, NDManager manager, AdamW optimizer,
            LossScaler scaler, Objective objective, Batch batch, Hyperparameters hp, double lr, int step, int total) {
        try (NDManager batchManager = manager.newSubManager()) {
            NDList inputs = batch.inputs(batchManager);
            double loss;
            try (GradientTape tape = GradientTape.record()) {
                NDArray logits = model.forward(parameterStore, inputs, true).singletonOrThrow();
                NDArray lossArray = objective.loss(logits, batch, batchManager);
                loss = lossArray.getFloat();
                if (!Double.isFinite(loss)) {
                    throw new TrainingDivergedException("training loss became " + loss + " at step " + (step + 1)
                            + " of " + total + " (learning rate " + lr + "); the run diverged");
                }
                GradientTape.backward(scaler == null ? lossArray : scaler.scale(lossArray));
            }
            List<NDArray> gradients = new ArrayList<>(optimizer.parameters().size());
            for (AdamW.Trainable p : optimizer.parameters()) {
                NDArray g = p.array().getGradient(); // null: the pass did not reach p (gradients released)
                if (g != null) {
                    g.attach(batchManager);
                }
                gradients.add(g);
            }
            if (scaler != null && scaler.unscale(gradients)) {
                // fp16 overflowed: GradScaler skips this step and backs the scale off.
                scaler.update();
                zeroGradients(optimizer);
                return loss;
            }
            double norm = GradientClipping.globalNorm(gradients);
            if (!Double.isFinite(norm)) {
                throw new TrainingDivergedException("gradient norm became " + norm + " at step " + (step + 1) + " of "
                        + total + " (loss " + loss + ", learning rate " + lr + ", batch " + batch.rows() + " x "
                        + batch.width() + " tokens); " + nonFinite(optimizer.parameters(), gradients)
                        + "; the run diverged");
            }
            optimizer.update(gradients, lr, GradientClipping.factor(norm, hp.maxGradNorm()));
            if (scaler != null) {
                scaler.update();
            }
            zeroGradients(optimizer);
            return loss;
        }
    }

    /**
     * Which gradients (and parameters) hold NaN or infinity, in model order: a NaN born in one layer
     * spreads to every layer below it, so the last name listed is nearest to where it started.
     */
    private static String nonFinite(List<AdamW.Trainable> parameters, List<NDArray> gradients) {
        List<String> badGradients = new ArrayList<>();
        List<String> badValues = new ArrayList<>();
        for (int i = 0; i < parameters.size(); i++) {
            AdamW.Trainable p = parameters.get(i);
            if (gradients.get(i) != null && !allFinite(gradients.get(i))) {
                badGradients.add(p.name());
            }
            if (!allFinite(p.array())) {
                badValues.add(p.name());
            }
        }
        return "non-finite gradients in " + badGradients.size() + " of " + parameters.size() + " tensors "
                + lastFew(badGradients) + ", non-finite values in " + badValues.size() + " " + lastFew(badValues);
    }

    private static boolean allFinite(NDArray array) {
        try (NDArray nan = array.isNaN(); NDArray inf = array.isInfinite(); NDArray bad = nan.logicalOr(inf);
                NDArray any = bad.any()) {
            return !any.getBoolean();
        }
    }

    private static String lastFew(List<String> names) {
        int shown = Math.min(names.size(), 4);
        String last = String.join(", ", names.subList(names.size() - shown, names.size()));
        return names.size() > shown ? "[..., " + last + "]" : "[" + last + "]";
    }

    private static TrainingProgress progress(int step, int total, int epoch, int epochs, List<Double> losses,
            double lr, long realTokens, double seconds) {
        // The mean over the last 50 steps: one batch's loss is too noisy to read a trend from.
        List<Double> recent = losses.subList(Math.max(0, losses.size() - 50), losses.size());
        double loss = recent.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        return new TrainingProgress("", step, total, epoch + 1, epochs, loss, lr, realTokens / seconds, seconds,
                MemoryProbe.rssBytes());
    }

    /** Gradients released (native kernels: set to none, as torch's zero_grad) or zeroed (DJL). */
    private static void zeroGradients(AdamW optimizer) {
        if (Kernels.nativeKernels()) {
            Kernels.releaseGradients(optimizer.parameters().stream().map(AdamW.Trainable::array).toList());
            return;
        }
        for (AdamW.Trainable p : optimizer.parameters()) {
            GradientTape.zeroGradient(p.array());
        }
    }
}
