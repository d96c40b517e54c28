package dropgrid.drop;

import java.util.List;
import java.util.Map;

/** Every strategy by the name specs, result rows and the CLI use, with its options parsed and checked. */
public final class Strategies {

    /**
     * Names: the paper's strategies first, then those that came after it and the controls. {@code
     * alternate} is the paper v1 name of even-alternate.
     */
    public static final List<String> NAMES = List.of("top", "bottom", "even-alternate", "odd-alternate",
            "alternate", "symmetric", "contribution", "block-influence", "angular-block", "layerdrop", "random");

    private static final List<String> DATA_DEPENDENT = List.of("contribution", "block-influence", "angular-block");

    private Strategies() {}

    /** Whether the strategy needs a similarity pass over examples (and so a {@link SimilaritySource}). */
    public static boolean isDataDependent(String name) {
        return DATA_DEPENDENT.contains(check(name));
    }

    /** The option keys the strategy accepts (see {@link StrategyOptions}); the spec validator uses them too. */
    public static List<String> optionKeys(String name) {
        return switch (check(name)) {
            case "random" -> List.of("allow_all", "seed");
            case "contribution" -> List.of("allow_all", "sample_size", "mode", "threshold");
            case "block-influence" -> List.of("allow_all", "sample_size", "mode", "greedy");
            case "angular-block" -> List.of("allow_all", "sample_size", "mode");
            default -> List.of("allow_all");
        };
    }

    /** The strategy's options, parsed with its defaults; rejects keys the strategy does not take. */
    public static StrategyOptions options(String name, Map<String, String> options) {
        SimilarityMode defaultMode = switch (check(name)) {
            // ShortGPT averages over every token.
            case "block-influence" -> SimilarityMode.TOKENS;
            // The paper reads [CLS]; Gromov et al. the final token, a causal model's summary position.
            default -> SimilarityMode.CLS;
        };
        return StrategyOptions.parse(name, options, optionKeys(name), defaultMode);
    }

    /** A static strategy; data-dependent names need {@link #byName(String, Map, SimilaritySource)}. */
    public static DropStrategy byName(String name, Map<String, String> options) {
        if (isDataDependent(name)) {
            throw new IllegalArgumentException("strategy '" + name + "' measures layer similarities on a model "
                    + "and needs a similarity source");
        }
        return byName(name, options, null);
    }

    /**
     * Any strategy. {@code source} is used only by data-dependent strategies, lazily, the first time they
     * select.
     *
     * @throws IllegalArgumentException for an unknown name (listing the allowed ones) or bad options
     */
    public static DropStrategy byName(String name, Map<String, String> options, SimilaritySource source) {
        StrategyOptions o = options(name, options);
        boolean all = o.allowAll();
        return switch (name) {
            case "top" -> new Top(all);
            case "bottom" -> new Bottom(all);
            case "even-alternate", "alternate" -> new EvenAlternate(all);
            case "odd-alternate" -> new OddAlternate(all);
            case "symmetric" -> new Symmetric(all);
            case "layerdrop" -> new EveryOther(all);
            case "random" -> new RandomDrop(o.seed(), all);
            case "contribution" -> new Contribution(source, o.mode(), o.threshold(), all);
            case "block-influence" -> new BlockInfluence(source, o.mode(), o.greedy(), all);
            case "angular-block" -> new AngularBlock(source, o.mode(), all);
            default -> throw new IllegalStateException("strategy '" + name + "' is listed but not built");
        };
    }

    private static String check(String name) {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException(
                    "unknown drop strategy '" + name + "'; allowed: " + String.join(", ", NAMES));
        }
        return name;
    }
}
