package dropgrid.vocabulary;

/** The unpruned baseline every grid runs once per model, task and seed: strategy {@code none}, K = 0. */
public final class Baseline {

    /** The baseline's strategy name, declared here only ({@code drop.Baseline} is the strategy). */
    public static final String STRATEGY = "none";

    private Baseline() {}

    /** Whether a cell or row with this strategy and K is the baseline. */
    public static boolean is(String strategy, int drop) {
        return STRATEGY.equals(strategy) && drop == 0;
    }
}
