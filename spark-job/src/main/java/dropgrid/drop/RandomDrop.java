package dropgrid.drop;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * Random dropping, a control every strategy should beat: K layers chosen uniformly at random. The layers
 * are shuffled once with {@link Random} seeded by {@code seed} (its algorithm is fixed by the Java
 * specification, so the choice is the same on every JVM) and the first K of that order are dropped, so for
 * one seed a larger K drops a superset of a smaller K's layers.
 *
 * @param seed the shuffle's seed
 * @param allowAll whether K = L (embeddings only) is allowed
 */
public record RandomDrop(long seed, boolean allowAll) implements DropStrategy {

    @Override
    public String name() {
        return "random";
    }

    @Override
    public List<Integer> keep(int depth, int drop) {
        DropStrategy.checkDrop(name(), depth, drop, allowAll);
        List<Integer> order = new ArrayList<>(IntStream.range(0, depth).boxed().toList());
        Collections.shuffle(order, new Random(seed));
        List<Integer> kept = new ArrayList<>(order.subList(drop, depth));
        Collections.sort(kept);
        return List.copyOf(kept);
    }
}
