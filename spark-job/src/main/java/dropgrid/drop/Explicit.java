package dropgrid.drop;

import dropgrid.model.Encoder;
import java.util.List;

/**
 * Hand-picked layers ({@code finetune --keep-layers 0,2,4}): option {@code layers} names the kept
 * layers themselves, so K is L minus their count and the cell's K must say the same.
 *
 * @param layers the kept layers, 0-based; checked against L when the strategy selects
 */
public record Explicit(List<Integer> layers) implements DropStrategy {

    public static final String NAME = "explicit";
    /** The option that names the kept layers, comma-separated ({@code 0,1,2}). */
    public static final String LAYERS = "layers";

    public Explicit {
        layers = List.copyOf(layers);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<Integer> keep(int depth, int drop) {
        List<Integer> kept;
        try {
            kept = Encoder.checkKeptLayers(layers, depth);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("strategy 'explicit': " + e.getMessage(), e);
        }
        if (depth - kept.size() != drop) {
            throw new IllegalArgumentException("strategy 'explicit': keeping " + kept.size() + " of " + depth
                    + " layers drops " + (depth - kept.size()) + ", but the cell says drop = " + drop);
        }
        return kept;
    }
}
