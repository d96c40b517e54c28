package dropgrid.drop;

import java.util.List;

/**
 * Chooses which layers of an L-layer encoder to keep when K are dropped. Layers are numbered
 * 0..L-1 from the bottom (the embedding side); the paper numbers them 1..L.
 */
public interface DropStrategy {

    /** The strategy's name as specs and result rows spell it (e.g. {@code top}). */
    String name();

    /**
     * The kept layer indices, sorted ascending, of size {@code depth - drop} — except contribution's
     * threshold mode, for which K is a cap and fewer layers may be dropped. A strategy implements this
     * or {@link #select}, whichever it computes; each default derives one from the other.
     *
     * @throws IllegalArgumentException when {@code drop} is outside what the strategy allows, naming
     *     the strategy, K and L
     */
    default List<Integer> keep(int depth, int drop) {
        return select(depth, drop).kept();
    }

    /**
     * The kept and dropped layers with whatever the strategy measured to choose them. Static strategies
     * have no scores; data-dependent ones implement this to expose their per-layer scores.
     */
    default Selection select(int depth, int drop) {
        return Selection.of(depth, keep(depth, drop), List.of(), 0.0);
    }

    /**
     * Checks K against L for strategy {@code name}. Dropping every layer leaves the embeddings alone in
     * front of the head, a baseline that must be asked for ({@code allowAll}) so a typo in a grid cannot
     * produce it silently.
     *
     * @throws IllegalArgumentException naming the strategy, K, L and what is allowed
     */
    static void checkDrop(String name, int depth, int drop, boolean allowAll) {
        if (depth < 1) {
            throw new IllegalArgumentException(
                    "strategy '" + name + "': depth L = " + depth + " is not allowed; must be >= 1");
        }
        int most = allowAll ? depth : depth - 1;
        if (drop < 0 || drop > most) {
            String hint = drop == depth ? " (dropping every layer needs allow_all=true)" : "";
            throw new IllegalArgumentException("strategy '" + name + "': cannot drop K = " + drop + " of L = "
                    + depth + " layers; K must be in [0, " + most + "]" + hint);
        }
    }
}
