package dropgrid.drop;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Top-layer dropping (paper §3): drop the top K layers, layers L-K+1..L in the paper's 1-based numbering
 * (0-based L-K..L-1), keeping the bottom L-K. The paper's best static strategy.
 *
 * @param allowAll whether K = L (embeddings only) is allowed
 */
public record Top(boolean allowAll) implements DropStrategy {

    @Override
    public String name() {
        return "top";
    }

    @Override
    public List<Integer> keep(int depth, int drop) {
        DropStrategy.checkDrop(name(), depth, drop, allowAll);
        return IntStream.range(0, depth - drop).boxed().toList();
    }
}
