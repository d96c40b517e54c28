package dropgrid.spec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The strategy names a spec may use and the options each accepts, so that a typo fails before the
 * grid starts instead of in the hundredth cell. The names are those of the {@code drop} package's
 * strategies; {@code none} is reserved for the baseline, which every grid has.
 */
public final class StrategyCatalog {

    /** The unpruned baseline's strategy name (K = 0). */
    public static final String BASELINE = "none";

    private static final Map<String, Set<String>> OPTIONS = options();

    private StrategyCatalog() {}

    private static Map<String, Set<String>> options() {
        Map<String, Set<String>> m = new LinkedHashMap<>();
        // Static strategies (paper §3): the kept layers depend on L and K only.
        m.put("top", Set.of());
        m.put("bottom", Set.of());
        m.put("even-alternate", Set.of());
        m.put("odd-alternate", Set.of());
        m.put("alternate", Set.of());
        m.put("symmetric", Set.of());
        // Data-dependent strategies score layers on a sample of the task's training data.
        m.put("contribution", Set.of("sample_size", "mode", "threshold"));
        m.put("block-influence", Set.of("sample_size"));
        m.put("angular-block", Set.of("sample_size"));
        m.put("layerdrop", Set.of("rate"));
        m.put("random", Set.of());
        return m;
    }

    /** Every strategy name a spec may use, in the order above. */
    public static List<String> names() {
        return List.copyOf(OPTIONS.keySet());
    }

    public static boolean isKnown(String name) {
        return OPTIONS.containsKey(name);
    }

    /** The option keys the strategy accepts; empty for static strategies. */
    public static Set<String> optionsOf(String name) {
        Set<String> o = OPTIONS.get(name);
        if (o == null) {
            throw new IllegalArgumentException(
                    "unknown strategy '" + name + "'; allowed: " + String.join(", ", names()));
        }
        return o;
    }
}
