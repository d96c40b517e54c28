package dropgrid.experiment;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.MapperBuilder;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dropgrid.storage.Location;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads an experiment spec (YAML, or JSON when the file ends in {@code .json}) from a local path or an
 * {@code s3a://} URI, validates it and expands it into a {@link Grid}. Every problem is collected and
 * reported at once in a {@link SpecException}.
 *
 * <p>Optional sections are nullable record components rather than Jackson's
 * {@code FAIL_ON_MISSING_CREATOR_PROPERTIES}: that feature stops at the first missing field and makes
 * every section mandatory, while {@link SpecValidator} names every missing required field.
 */
public final class SpecReader {

    /**
     * Command-line values that replace the spec's own (null = keep the spec's).
     *
     * @param output replaces {@code output}
     * @param glueDir replaces {@code glue_dir}
     */
    public record Overrides(String output, String glueDir) {
        public static final Overrides NONE = new Overrides(null, null);

        /**
         * Overrides typed on a command line: relative local paths mean the working directory, as in
         * every shell command, not the spec file's folder (which is what relative paths inside a spec
         * mean).
         */
        public static Overrides fromCommandLine(String output, String glueDir) {
            return new Overrides(fromWorkingDirectory(output), fromWorkingDirectory(glueDir));
        }

        private static String fromWorkingDirectory(String location) {
            if (location == null || Location.of(location).isRemote()) {
                return location;
            }
            return Location.of(location).path().toAbsolutePath().normalize().toString();
        }
    }

    private static final ObjectMapper YAML = configure(YAMLMapper.builder()).build();
    private static final ObjectMapper JSON = configure(JsonMapper.builder()).build();
    private static final PropertyNamingStrategies.NamingBase SNAKE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;
    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    private SpecReader() {}

    private static <M extends ObjectMapper, B extends MapperBuilder<M, B>> B configure(B builder) {
        return builder.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                // A key written twice would silently lose its first value.
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    /**
     * Reads, validates and expands the spec at {@code location}.
     *
     * @param location a local path or a Hadoop URI ({@code s3a://bucket/spec.yaml})
     * @param hadoopConf Hadoop settings for remote specs (credentials come from its providers)
     * @param env environment for {@code ${NAME}} references
     * @param overrides command-line replacements for {@code output} and {@code glue_dir}
     */
    public static Grid load(String location, Configuration hadoopConf, Map<String, String> env, Overrides overrides) {
        String uri = Location.of(location).uri();
        String text = readText(uri, location, hadoopConf);
        List<String> errors = new ArrayList<>();
        ExperimentSpec raw = parse(text, location, errors);
        String base = uri.substring(0, uri.lastIndexOf('/') + 1);
        return SpecValidator.validate(raw, location, base, env, overrides, hash(raw), errors);
    }

    private static String readText(String uri, String location, Configuration hadoopConf) {
        try {
            Path path = new Path(uri);
            FileSystem fs = path.getFileSystem(hadoopConf);
            try (InputStream in = fs.open(path)) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (java.io.FileNotFoundException e) {
            throw new IllegalArgumentException("spec " + location + " does not exist", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read spec " + location + ": " + e.getMessage(), e);
        }
    }

    /**
     * Parses spec text without validating values. Unknown keys are collected, each with its path and
     * the keys allowed there, instead of stopping at the first one.
     */
    public static ExperimentSpec parse(String text, String location) {
        List<String> errors = new ArrayList<>();
        ExperimentSpec spec = parse(text, location, errors);
        if (!errors.isEmpty()) {
            throw new SpecException(location, errors);
        }
        return spec;
    }

    /** Parses, adding unknown keys to {@code errors}; throws only when nothing can be bound. */
    private static ExperimentSpec parse(String text, String location, List<String> errors) {
        ObjectMapper mapper = location.endsWith(".json") ? JSON : YAML;
        JsonNode tree;
        try {
            tree = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new SpecException(location, List.of(SpecBinding.syntaxError(e, mapper == JSON)));
        } catch (IOException e) {
            throw new SpecException(location, List.of("cannot read: " + e.getMessage()));
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new SpecException(location, List.of("the spec is empty"));
        }
        if (!tree.isObject()) {
            throw new SpecException(location, List.of("the spec must be a mapping of keys (name, output, models, ...);"
                    + " it is " + (tree.isArray() ? "a list" : "'" + tree.asText() + "'")));
        }
        removeUnknownKeys(tree, ExperimentSpec.class, "", errors);
        ExperimentSpec spec = SpecBinding.bind(mapper, tree, text, errors);
        if (spec == null) {
            throw new SpecException(location, errors);
        }
        return spec;
    }

    /**
     * Walks the tree alongside the record types it will bind to; an object key that is no record
     * component is reported (with the known keys, in declaration order) and removed, so that binding
     * can go on and later checks still run.
     */
    private static void removeUnknownKeys(JsonNode node, Type type, String path, List<String> errors) {
        if (type instanceof ParameterizedType p) {
            Type[] args = p.getActualTypeArguments();
            if (p.getRawType() == List.class) {
                if (node.isArray()) {
                    for (int i = 0; i < node.size(); i++) {
                        removeUnknownKeys(node.get(i), args[0], path + "[" + i + "]", errors);
                    }
                } else {
                    removeUnknownKeys(node, args[0], path, errors);
                }
            } else if (p.getRawType() == Map.class && node.isObject()) {
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    removeUnknownKeys(e.getValue(), args[1], join(path, e.getKey()), errors);
                }
            }
            return;
        }
        if (!(type instanceof Class<?> c) || !c.isRecord() || !node.isObject()) {
            return;
        }
        Map<String, Type> known = new LinkedHashMap<>();
        for (RecordComponent rc : c.getRecordComponents()) {
            known.put(SNAKE.translate(rc.getName()), rc.getGenericType());
        }
        ObjectNode object = (ObjectNode) node;
        List<String> keys = new ArrayList<>();
        object.fieldNames().forEachRemaining(keys::add);
        for (String key : keys) {
            Type t = known.get(key);
            if (t == null) {
                errors.add(join(path, key) + ": unknown key '" + key + "'; known keys: "
                        + String.join(", ", known.keySet()));
                object.remove(key);
            } else {
                removeUnknownKeys(object.get(key), t, join(path, key), errors);
            }
        }
    }

    private static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /**
     * 16 hex digits of SHA-256 over the spec's canonical JSON (sorted keys), so that the same spec in
     * YAML or JSON, reformatted or reordered, has the same hash.
     */
    public static String hash(ExperimentSpec spec) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(CANONICAL.writeValueAsString(spec).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, 16);
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException("cannot hash the spec", e);
        }
    }
}
