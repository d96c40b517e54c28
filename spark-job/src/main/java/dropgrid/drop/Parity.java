package dropgrid.drop;

import java.util.ArrayList;
import java.util.List;

/**
 * Parity of a layer's 1-based number, as the paper names its alternate strategies. Shared by
 * {@link EvenAlternate} and {@link OddAlternate}, which differ only in which parity goes first.
 */
enum Parity {
    EVEN,
    ODD;

    /**
     * Kept layers (0-based, ascending) after dropping the first K of the drop order: the layers of this
     * parity (1-based numbering) from the top down, then — once those run out — the layers of the other
     * parity, again from the top down. Continuing keeps every K in 0..L meaningful, and dropping from the
     * top first follows the paper's finding that upper layers matter least.
     */
    List<Integer> keepAlternating(int depth, int drop) {
        List<Integer> order = new ArrayList<>();
        for (Parity first : List.of(this, other())) {
            for (int number = depth; number >= 1; number--) {
                if (first.matches(number)) {
                    order.add(number - 1);
                }
            }
        }
        return Selection.complement(depth, order.subList(0, drop));
    }

    private boolean matches(int oneBasedNumber) {
        return (oneBasedNumber % 2 == 0) == (this == EVEN);
    }

    private Parity other() {
        return this == EVEN ? ODD : EVEN;
    }
}
