package dropgrid.train;

import dropgrid.kernels.Precision;
import java.io.Serializable;

/**
 * Fine-tuning hyper-parameters of one cell.
 *
 * @param learningRate peak learning rate of AdamW
 * @param batchSize examples per optimiser step
 * @param epochs passes over the training set
 * @param maxSeqLength tokens per example after truncation ("longest first", as HF)
 * @param warmupRatio fraction of the steps with a linear warm-up from 0
 * @param linearDecay whether the learning rate decays linearly to 0 after warm-up
 * @param weightDecay AdamW decoupled weight decay (never applied to biases and LayerNorm)
 * @param maxGradNorm global L2 norm the gradients are clipped to (0 = no clipping)
 * @param dropout dropout of the classification head
 * @param dynamicPadding pad each batch to its own longest sequence instead of to {@code maxSeqLength}
 * @param lengthGrouping sort examples into length buckets before batching (faster, still seeded)
 * @param precision the compute format of the matmuls, attention and feed-forward ({@link Precision});
 *     weights, optimiser state, LayerNorm and the loss stay fp32
 */
public record Hyperparameters(
        double learningRate,
        int batchSize,
        int epochs,
        int maxSeqLength,
        double warmupRatio,
        boolean linearDecay,
        double weightDecay,
        double maxGradNorm,
        double dropout,
        boolean dynamicPadding,
        boolean lengthGrouping,
        Precision precision)
        implements Serializable {

    public Hyperparameters {
        require(learningRate > 0 && Double.isFinite(learningRate), "learning_rate", learningRate, "> 0");
        require(batchSize >= 1, "batch_size", batchSize, ">= 1");
        require(epochs >= 1, "epochs", epochs, ">= 1");
        require(maxSeqLength >= 2, "max_seq_length", maxSeqLength, ">= 2");
        require(warmupRatio >= 0 && warmupRatio < 1, "warmup_ratio", warmupRatio, "in [0, 1)");
        require(weightDecay >= 0, "weight_decay", weightDecay, ">= 0");
        require(maxGradNorm >= 0, "max_grad_norm", maxGradNorm, ">= 0 (0 = off)");
        require(dropout >= 0 && dropout < 1, "dropout", dropout, "in [0, 1)");
        require(precision != null, "precision", precision, "fp32, bf16 or fp16");
    }

    /** The settings in fp32. */
    public Hyperparameters(double learningRate, int batchSize, int epochs, int maxSeqLength, double warmupRatio,
            boolean linearDecay, double weightDecay, double maxGradNorm, double dropout, boolean dynamicPadding,
            boolean lengthGrouping) {
        this(learningRate, batchSize, epochs, maxSeqLength, warmupRatio, linearDecay, weightDecay, maxGradNorm,
                dropout, dynamicPadding, lengthGrouping, Precision.FP32);
    }

    /** The same settings computed in {@code p}. */
    public Hyperparameters withPrecision(Precision p) {
        return new Hyperparameters(learningRate, batchSize, epochs, maxSeqLength, warmupRatio, linearDecay,
                weightDecay, maxGradNorm, dropout, dynamicPadding, lengthGrouping, p);
    }

    /**
     * The form a cell id hashes: every component, except that fp32 (the default) is left out, so a cell
     * keeps the id it had before precision was a setting.
     */
    public String canonical() {
        String all = toString();
        String fp32 = ", precision=" + Precision.FP32 + "]";
        return all.endsWith(fp32) ? all.substring(0, all.length() - fp32.length()) + "]" : all;
    }

    /**
     * The paper's own settings: HF {@code run_glue.py} v2.8 defaults (lr 5e-5, batch 8, 3 epochs,
     * 128 tokens, no warm-up, no weight decay, clip 1.0). v2.8 always wrapped AdamW in
     * {@code get_linear_schedule_with_warmup}, so the learning rate decays linearly to 0.
     */
    public static Hyperparameters paper() {
        return new Hyperparameters(5e-5, 8, 3, 128, 0.0, true, 0.0, 1.0, 0.1, true, false);
    }

    /** The common modern recipe: lr 2e-5, batch 32, 10 % warm-up, linear decay, weight decay 0.01. */
    public static Hyperparameters common() {
        return new Hyperparameters(2e-5, 32, 3, 128, 0.1, true, 0.01, 1.0, 0.1, true, false);
    }

    /** A preset by its spec / CLI name: {@code paper} or {@code common}. */
    public static Hyperparameters preset(String name) {
        return switch (name) {
            case "paper" -> paper();
            case "common" -> common();
            default -> throw new IllegalArgumentException(
                    "unknown hyper-parameter preset '" + name + "'; allowed: paper, common");
        };
    }

    private static void require(boolean ok, String field, Object value, String allowed) {
        if (!ok) {
            throw new IllegalArgumentException(field + " = " + value + " is not allowed; must be " + allowed);
        }
    }
}
