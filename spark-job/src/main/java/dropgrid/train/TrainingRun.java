package dropgrid.train;

import java.util.List;

/**
 * What one fine-tuning run did.
 *
 * @param steps optimiser steps taken
 * @param examples distinct training examples
 * @param realTokens non-padding tokens fed through forward and backward, over all steps
 * @param paddedTokens all token positions fed, padding included
 * @param seconds wall time of the loop
 * @param losses the training loss of every step, in order
 * @param stepSeconds the wall time of every step, in order
 * @param stepRssBytes the process's resident set size after every step, in order (0 where unknown)
 */
public record TrainingRun(int steps, int examples, long realTokens, long paddedTokens, double seconds,
        List<Double> losses, List<Double> stepSeconds, List<Long> stepRssBytes) {

    public TrainingRun {
        losses = List.copyOf(losses);
        stepSeconds = List.copyOf(stepSeconds);
        stepRssBytes = List.copyOf(stepRssBytes);
    }

    /** Non-padding tokens per second, the throughput that does not reward padding. */
    public double tokensPerSecond() {
        return seconds > 0 ? realTokens / seconds : Double.NaN;
    }
}
