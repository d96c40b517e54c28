package dropgrid.drop;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A strategy's parameters, parsed from the string map a cell carries ({@code Cell.strategyOptions}). Each
 * strategy accepts only the keys that change what it does; any other key is an error that lists them.
 *
 * @param allowAll {@code allow_all}: whether K = L (embeddings only) may be asked for; default false
 * @param seed {@code seed}: the random strategy's shuffle seed; default the cell's seed, so a grid over
 *     several seeds samples several layer sets instead of repeating one
 * @param sample {@code sample_size}: training examples the similarity pass runs over (the whole set if it has
 *     fewer); default 1000
 * @param mode {@code mode}: {@code cls} or {@code tokens}; default per strategy (its row in {@link
 *     Strategies}), null for a strategy that measures nothing
 * @param threshold {@code threshold}: contribution only — drop every layer whose similarity exceeds it
 * @param greedy {@code greedy}: block-influence only — re-measure after each removal; default false
 * @param layers {@code layers}: explicit only — the kept layers, comma-separated ({@code 0,1,2})
 */
public record StrategyOptions(boolean allowAll, long seed, int sample, SimilarityMode mode, OptionalDouble threshold,
        boolean greedy, Optional<List<Integer>> layers) {

    public static final int DEFAULT_SAMPLE = 1000;

    public StrategyOptions {
        if (sample < 1) {
            throw new IllegalArgumentException("sample_size = " + sample + " is not allowed; must be >= 1");
        }
        if (threshold.isPresent() && !Double.isFinite(threshold.getAsDouble())) {
            throw new IllegalArgumentException("threshold = " + threshold.getAsDouble() + " is not allowed; "
                    + "must be a finite number");
        }
    }

    /**
     * Parses {@code options} for {@code strategy}.
     *
     * @param allowedKeys the keys this strategy accepts
     * @param defaultMode the strategy's similarity mode when none is given
     * @param defaultSeed the seed when none is given: the cell's
     */
    static StrategyOptions parse(String strategy, Map<String, String> options, List<String> allowedKeys,
            SimilarityMode defaultMode, long defaultSeed) {
        for (String key : new TreeMap<>(options).keySet()) {
            if (!allowedKeys.contains(key)) {
                throw new IllegalArgumentException("strategy '" + strategy + "' has no option '" + key
                        + "'; allowed: " + (allowedKeys.isEmpty() ? "none" : String.join(", ", allowedKeys)));
            }
        }
        String mode = options.get("mode");
        String threshold = options.get("threshold");
        String layers = options.get("layers");
        return new StrategyOptions(
                bool(strategy, "allow_all", options.getOrDefault("allow_all", "false")),
                number(strategy, "seed", options.getOrDefault("seed", String.valueOf(defaultSeed)), Long::parseLong),
                number(strategy, "sample_size", options.getOrDefault("sample_size", String.valueOf(DEFAULT_SAMPLE)),
                        Integer::parseInt),
                mode == null ? defaultMode : SimilarityMode.parse(mode),
                threshold == null ? OptionalDouble.empty()
                        : OptionalDouble.of(number(strategy, "threshold", threshold, Double::parseDouble)),
                bool(strategy, "greedy", options.getOrDefault("greedy", "false")),
                layers == null ? Optional.empty() : Optional.of(integers(strategy, "layers", layers)));
    }

    private static List<Integer> integers(String strategy, String key, String value) {
        List<Integer> out = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            try {
                out.add(Integer.parseInt(part.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("strategy '" + strategy + "': " + key + " '" + value + "' must be"
                        + " comma-separated integers", e);
            }
        }
        return List.copyOf(out);
    }

    private static boolean bool(String strategy, String key, String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("strategy '" + strategy + "': " + key + " = '" + value
                    + "' is not allowed; must be true or false");
        };
    }

    private static <T> T number(String strategy, String key, String value, Function<String, T> parse) {
        try {
            return parse.apply(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "strategy '" + strategy + "': " + key + " = '" + value + "' is not a number", e);
        }
    }
}
