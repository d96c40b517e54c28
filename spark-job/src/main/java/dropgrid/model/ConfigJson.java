package dropgrid.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Reading a model's {@code config.json} (or Google's {@code bert_config.json}): one JSON object whose
 * keys each architecture's config record picks; every error names the file and the key.
 */
final class ConfigJson {

    private ConfigJson() {}

    /** Parses {@code file} as a JSON object and hands it to {@code parse}; errors are prefixed with the file. */
    static <C> C read(Path file, Function<JsonNode, C> parse) {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not readable JSON: " + e.getMessage(), e);
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException(file + ": expected a JSON object");
        }
        try {
            return parse.apply(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** A required integer key. */
    static int integer(JsonNode json, String key) {
        JsonNode v = json.get(key);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing key '" + key + "'");
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new IllegalArgumentException("key '" + key + "' must be an integer, got " + v);
        }
        return v.intValue();
    }

    /** An integer key, {@code fallback} when absent or null. */
    static int integer(JsonNode json, String key, int fallback) {
        return json.hasNonNull(key) ? integer(json, key) : fallback;
    }

    /** A number key, {@code fallback} when absent (null: required). */
    static double number(JsonNode json, String key, Double fallback) {
        JsonNode v = json.get(key);
        if (v == null || v.isNull()) {
            if (fallback == null) {
                throw new IllegalArgumentException("missing key '" + key + "'");
            }
            return fallback;
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException("key '" + key + "' must be a number, got " + v);
        }
        return v.doubleValue();
    }

    /** A key's value as text, {@code fallback} when absent or null. */
    static String text(JsonNode json, String key, String fallback) {
        return json.hasNonNull(key) ? json.get(key).asText() : fallback;
    }
}
