package dropgrid.glue;

/**
 * Which part of a GLUE task to read. GLUE's test labels are hidden, so only train and the dev sets are
 * here. MNLI has two dev sets: {@link #DEV} is its matched one, {@link #DEV_MISMATCHED} the other.
 */
public enum Split {
    TRAIN,
    DEV,
    /** MNLI only: dev_mismatched.tsv, Hugging Face {@code validation_mismatched}. */
    DEV_MISMATCHED
}
