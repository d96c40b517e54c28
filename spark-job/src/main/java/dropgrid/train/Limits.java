package dropgrid.train;

import java.io.Serializable;

/**
 * Caps that make a cell cheap enough for a laptop or a test; 0 means "no cap".
 *
 * @param maxTrainExamples train on a seeded subset of at most this many examples
 * @param maxEvalExamples evaluate on a seeded subset of at most this many dev examples
 * @param maxSteps stop fine-tuning after this many optimiser steps
 */
public record Limits(int maxTrainExamples, int maxEvalExamples, int maxSteps) implements Serializable {

    public static final Limits NONE = new Limits(0, 0, 0);

    public Limits {
        if (maxTrainExamples < 0 || maxEvalExamples < 0 || maxSteps < 0) {
            throw new IllegalArgumentException("limits must be >= 0 (0 = no cap), got max_train_examples="
                    + maxTrainExamples + ", max_eval_examples=" + maxEvalExamples + ", max_steps=" + maxSteps);
        }
    }
}
