package dropgrid.drop;

import java.util.List;
import java.util.Map;

/**
 * The registry of strategies: one row each, under the name specs, result rows and the CLI use. A new
 * strategy is one class and one row here; specs, cells, {@code select} and {@code finetune} read it.
 */
public final class Strategies {

    /** Builds a strategy from its parsed options; {@code source} is null for one that measures nothing. */
    @FunctionalInterface
    public interface Factory {
        DropStrategy build(StrategyOptions options, SimilaritySource source);
    }

    /**
     * One strategy.
     *
     * @param name as specs, result rows and the CLI spell it
     * @param optionKeys the options it accepts (see {@link StrategyOptions}); any other key is an error
     * @param defaultMode what a similarity pass measures when option {@code mode} is not given; null for a
     *     static strategy, which measures nothing
     * @param inGrid whether a spec may list it, to be swept over the spec's K; the baseline (K = 0, added
     *     to every grid) and explicit (K fixed by its layers) are run by name
     * @param factory builds it from its parsed options
     */
    public record Row(String name, List<String> optionKeys, SimilarityMode defaultMode, boolean inGrid,
            Factory factory) {

        public Row {
            optionKeys = List.copyOf(optionKeys);
        }

        /** Whether it measures the model on training examples (a {@link SimilaritySource}) to choose. */
        public boolean needsData() {
            return defaultMode != null;
        }

        /**
         * Its options, parsed with its defaults and checked; unknown keys are an error listing the allowed.
         *
         * @param seed the default of option {@code seed}: the cell's seed
         */
        public StrategyOptions options(Map<String, String> options, long seed) {
            return StrategyOptions.parse(name, options, optionKeys, defaultMode, seed);
        }

        /**
         * The strategy of one cell.
         *
         * @param seed the cell's seed, the default of option {@code seed}
         * @param source the similarity pass, used only if {@link #needsData()} (lazily, at the first select)
         */
        public DropStrategy build(Map<String, String> options, long seed, SimilaritySource source) {
            return factory.build(options(options, seed), source);
        }
    }

    private static final List<String> ALLOW_ALL = List.of("allow_all");

    /** The paper's strategies first, then those that came after it, then the controls. */
    private static final List<Row> ROWS = List.of(
            new Row("top", ALLOW_ALL, null, true, (o, s) -> new Top(o.allowAll())),
            new Row("bottom", ALLOW_ALL, null, true, (o, s) -> new Bottom(o.allowAll())),
            new Row("even-alternate", ALLOW_ALL, null, true, (o, s) -> new EvenAlternate(o.allowAll())),
            new Row("odd-alternate", ALLOW_ALL, null, true, (o, s) -> new OddAlternate(o.allowAll())),
            // paper v1's name of even-alternate
            new Row("alternate", ALLOW_ALL, null, true, (o, s) -> new EvenAlternate(o.allowAll())),
            new Row("symmetric", ALLOW_ALL, null, true, (o, s) -> new Symmetric(o.allowAll())),
            // The paper reads [CLS]; Gromov et al. the final token, a causal model's summary position.
            new Row("contribution", List.of("allow_all", "sample_size", "mode", "threshold"), SimilarityMode.CLS, true,
                    (o, s) -> new Contribution(s, o.mode(), o.threshold(), o.allowAll())),
            // ShortGPT averages over every token.
            new Row("block-influence", List.of("allow_all", "sample_size", "mode", "greedy"), SimilarityMode.TOKENS,
                    true, (o, s) -> new BlockInfluence(s, o.mode(), o.greedy(), o.allowAll())),
            new Row("angular-block", List.of("allow_all", "sample_size", "mode"), SimilarityMode.CLS, true,
                    (o, s) -> new AngularBlock(s, o.mode(), o.allowAll())),
            new Row("layerdrop", ALLOW_ALL, null, true, (o, s) -> new EveryOther(o.allowAll())),
            new Row("random", List.of("allow_all", "seed"), null, true,
                    (o, s) -> new RandomDrop(o.seed(), o.allowAll())),
            new Row(dropgrid.vocabulary.Baseline.STRATEGY, List.of(), null, false, (o, s) -> new Baseline()),
            new Row(Explicit.NAME, List.of(Explicit.LAYERS), null, false, (o, s) -> new Explicit(o.layers()
                    .orElseThrow(() -> new IllegalArgumentException("strategy 'explicit' needs option "
                            + Explicit.LAYERS + ", the kept layers (e.g. 0,1,2)")))));

    private Strategies() {}

    /** Every strategy's name, in registry order. */
    public static List<String> names() {
        return ROWS.stream().map(Row::name).toList();
    }

    /** The names a spec may list ({@link Row#inGrid}), in registry order. */
    public static List<String> gridNames() {
        return ROWS.stream().filter(Row::inGrid).map(Row::name).toList();
    }

    /** The strategy called {@code name}; an unknown name is an error listing the allowed ones. */
    public static Row named(String name) {
        return ROWS.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException(
                        "unknown drop strategy '" + name + "'; allowed: " + String.join(", ", names())));
    }

    /**
     * A strategy outside a cell, with its options checked; {@code random}'s seed defaults to 0. Static
     * strategies only: data-dependent ones need {@link #byName(String, Map, SimilaritySource)}.
     */
    public static DropStrategy byName(String name, Map<String, String> options) {
        if (named(name).needsData()) {
            throw new IllegalArgumentException("strategy '" + name + "' measures layer similarities on a model "
                    + "and needs a similarity source");
        }
        return byName(name, options, null);
    }

    /** Any strategy outside a cell; {@code source} is used only by data-dependent ones, at their first select. */
    public static DropStrategy byName(String name, Map<String, String> options, SimilaritySource source) {
        return named(name).build(options, 0, source);
    }

    /** The strategy's options, parsed and checked (a spec's, before any cell runs); the seed defaults to 0. */
    public static StrategyOptions options(String name, Map<String, String> options) {
        return named(name).options(options, 0);
    }
}
