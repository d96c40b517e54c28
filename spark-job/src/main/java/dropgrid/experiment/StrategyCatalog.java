package dropgrid.experiment;

import dropgrid.drop.Strategies;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The strategy names a spec may use and the options each accepts, so that a typo fails before the
 * grid starts instead of in the hundredth cell. Both come from the {@code drop} package's registry
 * ({@link Strategies}), so a spec accepts exactly what a cell can run; {@code none} is reserved for the
 * baseline, which every grid has.
 */
public final class StrategyCatalog {

    private StrategyCatalog() {}

    /** Every strategy name a spec may use, in registry order. */
    public static List<String> names() {
        return Strategies.gridNames();
    }

    public static boolean isKnown(String name) {
        return names().contains(name);
    }

    /** The option keys the strategy accepts ({@code allow_all} for every one). */
    public static Set<String> optionsOf(String name) {
        return new LinkedHashSet<>(Strategies.named(name).optionKeys());
    }
}
