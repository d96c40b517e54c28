package dropgrid.train;

/** Fine-tuning produced a non-finite loss or gradient; the cell stops and records this as its reason. */
public final class TrainingDivergedException extends RuntimeException {

    public TrainingDivergedException(String message) {
        super(message);
    }
}
