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
     * The kept layer indices, sorted ascending, of size {@code depth - drop}.
     *
     * @throws IllegalArgumentException when {@code drop} is outside what the strategy allows, naming
     *     the strategy, K and L
     */
    List<Integer> keep(int depth, int drop);
}
