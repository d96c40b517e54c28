package dropgrid.drop;

import java.util.ArrayList;
import java.util.List;

/**
 * Symmetric dropping (paper §3): drop K layers from the middle, keeping the bottom and top layers, e.g. for
 * L = 12, K = 4 keep 1-4 and 9-12 and drop 5-8 (1-based). When L-K is odd the extra kept layer goes to the
 * bottom — ⌈(L-K)/2⌉ bottom layers and ⌊(L-K)/2⌋ top ones — because the paper finds lower layers the more
 * important ones (bottom dropping hurts most).
 *
 * @param allowAll whether K = L (embeddings only) is allowed
 */
public record Symmetric(boolean allowAll) implements DropStrategy {

    @Override
    public String name() {
        return "symmetric";
    }

    @Override
    public List<Integer> keep(int depth, int drop) {
        DropStrategy.checkDrop(name(), depth, drop, allowAll);
        int remaining = depth - drop;
        int bottom = (remaining + 1) / 2;
        int top = remaining / 2;
        List<Integer> kept = new ArrayList<>();
        for (int layer = 0; layer < bottom; layer++) {
            kept.add(layer);
        }
        for (int layer = depth - top; layer < depth; layer++) {
            kept.add(layer);
        }
        return List.copyOf(kept);
    }
}
