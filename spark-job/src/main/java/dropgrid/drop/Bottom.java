package dropgrid.drop;

import java.util.List;
import java.util.stream.IntStream;

/**
 * Bottom-layer dropping (paper §3): drop the bottom K layers, 1..K in the paper's 1-based numbering
 * (0-based 0..K-1), keeping the top L-K. The paper's worst strategy: lower layers hold local features
 * the upper ones build on.
 *
 * @param allowAll whether K = L (embeddings only) is allowed
 */
public record Bottom(boolean allowAll) implements DropStrategy {

    @Override
    public String name() {
        return "bottom";
    }

    @Override
    public List<Integer> keep(int depth, int drop) {
        DropStrategy.checkDrop(name(), depth, drop, allowAll);
        return IntStream.range(drop, depth).boxed().toList();
    }
}
