package dropgrid.drop;

import java.util.List;

/**
 * Odd-alternate dropping (paper v3 §3): drop K odd-numbered layers (1-based) starting from the top, e.g.
 * for L = 12 the order is 11, 9, 7, 5, 3, 1 (0-based 10, 8, 6, 4, 2, 0). When K exceeds the odd layers the
 * drop continues with the even-numbered layers from the top (12, 10, 8, …); see
 * {@link Parity#keepAlternating}.
 *
 * @param allowAll whether K = L (embeddings only) is allowed
 */
public record OddAlternate(boolean allowAll) implements DropStrategy {

    @Override
    public String name() {
        return "odd-alternate";
    }

    @Override
    public List<Integer> keep(int depth, int drop) {
        DropStrategy.checkDrop(name(), depth, drop, allowAll);
        return Parity.ODD.keepAlternating(depth, drop);
    }
}
