package dropgrid.drop;

import java.util.List;

/**
 * Even-alternate dropping (paper v3 §3; v1 calls it plain "alternate"): drop K even-numbered layers
 * (1-based) starting from the top, e.g. for L = 12 the order is 12, 10, 8, 6, 4, 2 (0-based 11, 9, 7, 5,
 * 3, 1). When K exceeds the L/2 even layers the drop continues with the odd-numbered layers from the top
 * (11, 9, 7, …), so every K in 0..L is defined; see {@link Parity#keepAlternating}.
 *
 * @param allowAll whether K = L (embeddings only) is allowed
 */
public record EvenAlternate(boolean allowAll) implements DropStrategy {

    @Override
    public String name() {
        return "even-alternate";
    }

    @Override
    public List<Integer> keep(int depth, int drop) {
        DropStrategy.checkDrop(name(), depth, drop, allowAll);
        return Parity.EVEN.keepAlternating(depth, drop);
    }
}
