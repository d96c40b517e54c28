package dropgrid.train;

import java.util.Locale;

/**
 * Where a fine-tuning run is, reported after every optimiser step: what the live status of a grid
 * shows for a running cell, and what its log line says every 30 seconds.
 *
 * @param stage empty for a one-stage cell, {@code stage 1} or {@code stage 2} for a two-stage one
 * @param step optimiser steps taken
 * @param total steps the run will take
 * @param epoch the current epoch, from 1
 * @param epochs epochs of the run
 * @param loss mean training loss over the last 50 steps
 * @param learningRate the last step's learning rate
 * @param tokensPerSecond non-padding tokens per second since the run began
 * @param seconds wall time since the run began
 * @param rssBytes the process's resident set size now (native memory included)
 */
public record TrainingProgress(String stage, int step, int total, int epoch, int epochs, double loss,
        double learningRate, double tokensPerSecond, double seconds, long rssBytes) {

    /** Seconds left at the pace so far; NaN before the first step. */
    public double etaSeconds() {
        return step == 0 ? Double.NaN : seconds / step * (total - step);
    }

    public boolean last() {
        return step == total;
    }

    public TrainingProgress inStage(String name) {
        return new TrainingProgress(name, step, total, epoch, epochs, loss, learningRate, tokensPerSecond, seconds,
                rssBytes);
    }

    /** The log line: {@code step 40/100 epoch 1/3 loss 0.6931 lr 2.00e-05 812 tokens/s 31s rss 2113 MB}. */
    public String line() {
        return String.format(Locale.ROOT, "%sstep %d/%d epoch %d/%d loss %.4f lr %.3g %.0f tokens/s %.0fs rss %.0f MB",
                stage.isEmpty() ? "" : stage + " ", step, total, epoch, epochs, loss, learningRate, tokensPerSecond,
                seconds, rssBytes / 1e6);
    }
}
