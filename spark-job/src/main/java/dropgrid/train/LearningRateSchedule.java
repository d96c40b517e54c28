package dropgrid.train;

/**
 * Hugging Face's {@code get_linear_schedule_with_warmup} (and {@code get_constant_schedule_with_warmup}
 * without decay) as PyTorch's {@code LambdaLR} applies it: step {@code s} (0-based, the s-th optimiser
 * step) uses {@code peak × s / warmup} during warm-up, then {@code peak × (total − s) / (total − warmup)}.
 * So with warm-up the first step has learning rate 0, exactly as in {@code run_glue.py}.
 *
 * @param peak the learning rate reached at the end of warm-up
 * @param totalSteps optimiser steps in the whole run
 * @param warmupSteps steps of linear warm-up from 0
 * @param linearDecay decay linearly to 0 at {@code totalSteps}; otherwise stay at {@code peak}
 */
public record LearningRateSchedule(double peak, int totalSteps, int warmupSteps, boolean linearDecay) {

    public LearningRateSchedule {
        if (totalSteps < 1 || warmupSteps < 0 || warmupSteps > totalSteps) {
            throw new IllegalArgumentException("schedule needs total steps >= 1 and 0 <= warm-up <= total, got total="
                    + totalSteps + ", warmup=" + warmupSteps);
        }
    }

    /** The schedule of a run: warm-up steps are {@code ceil(warmupRatio × total)}, as Hugging Face's Trainer. */
    public static LearningRateSchedule of(Hyperparameters hp, int totalSteps) {
        int warmup = (int) Math.ceil(hp.warmupRatio() * totalSteps);
        return new LearningRateSchedule(hp.learningRate(), totalSteps, warmup, hp.linearDecay());
    }

    /** The learning rate of the 0-based optimiser step {@code step}. */
    public double at(int step) {
        if (step < warmupSteps) {
            return peak * ((double) step / Math.max(1, warmupSteps));
        }
        if (!linearDecay) {
            return peak;
        }
        return peak * Math.max(0.0, (double) (totalSteps - step) / Math.max(1, totalSteps - warmupSteps));
    }
}
