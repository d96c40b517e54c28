package dropgrid.experiment;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Spec text to {@link ExperimentSpec} with errors a person can act on: a syntax error says line and
 * column and what the parser expected; a value of the wrong type says, in the spec's words, what the
 * field must hold ("{@code drop} must be a list of whole numbers (K) or fractions of the depth in
 * (0, 1)"), what it holds and where, never a Java class name. Every value of the wrong type is reported
 * at once: binding is retried without the field that failed.
 */
final class SpecBinding {

    private static final PropertyNamingStrategies.NamingBase SNAKE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    /** What some fields hold, said better than their Java type can. */
    private static final Map<String, String> WORDS = Map.of(
            "drop", "a list of whole numbers (K, layers to drop) or fractions of the depth in (0, 1)",
            "two_stage.drop", "a list of whole numbers (K, layers to drop) or fractions of the depth in (0, 1)",
            "seeds", "a list of whole numbers",
            "tasks", "a list of GLUE task names (RTE, MRPC, ...)",
            "strategies", "a list of strategy names (top, bottom, ...) or {name, options} mappings",
            "two_stage.strategies", "a list of strategy names (top, bottom, ...) or {name, options} mappings",
            "models", "a list of {id, source, architecture, layers} mappings");

    private SpecBinding() {}

    /** A syntax error, as "line L, column C: not valid YAML: what was expected (context)". */
    static String syntaxError(JsonProcessingException e, boolean json) {
        String format = json ? "JSON" : "YAML";
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
            Mark mark = yaml.getProblemMark();
            String context = yaml.getContext() == null ? "" : " (" + yaml.getContext()
                    + (yaml.getContextMark() == null ? "" : " that starts at " + at(yaml.getContextMark())) + ")";
            // SnakeYAML's problem may span lines ("unexpected character found\n(10)"); an error is one line.
            return (at(mark) + ": not valid " + format + ": " + yaml.getProblem() + context).replaceAll("\\s+", " ");
        }
        JsonLocation l = e.getLocation();
        String where = l == null ? "" : "line " + l.getLineNr() + ", column " + l.getColumnNr() + ": ";
        if (firstLine(e.getOriginalMessage()).startsWith("Trailing token")) {
            return where + "a second " + format + " document starts here; a spec is one document";
        }
        return where + "not valid " + format + ": " + firstLine(e.getOriginalMessage());
    }

    private static String at(Mark mark) {
        return "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1);
    }

    /**
     * Binds {@code tree}; a value of the wrong type is added to {@code errors} and its field dropped, and
     * binding tried again, until it succeeds. Returns null when any value was of the wrong type.
     */
    static ExperimentSpec bind(ObjectMapper mapper, JsonNode tree, String text, List<String> errors) {
        Map<String, JsonLocation> where = locations(mapper, text);
        boolean failed = false;
        for (int attempt = 0; attempt < 100; attempt++) {
            try {
                ExperimentSpec spec = mapper.treeToValue(tree, ExperimentSpec.class);
                return failed ? null : spec;
            } catch (JsonMappingException e) {
                failed = true;
                List<Object> path = path(e);
                List<Object> field = field(path);
                errors.add(typeError(tree, path, field, where));
                if (field.isEmpty() || !remove(tree, field)) {
                    return null;
                }
            } catch (IOException e) {
                errors.add(firstLine(e.getMessage()));
                return null;
            }
        }
        return null;
    }

    private static String typeError(JsonNode tree, List<Object> path, List<Object> field,
            Map<String, JsonLocation> where) {
        String fieldName = render(field);
        JsonNode value = node(tree, path);
        String shown = value == null ? "" : (path.equals(field) ? "it is " : render(path) + " is ") + show(value);
        JsonLocation l = where.get(render(path));
        String location = l == null ? "" : " (line " + l.getLineNr() + ", column " + l.getColumnNr() + ")";
        String must = words(fieldName, typeAt(field));
        return (fieldName.isEmpty() ? "the spec" : fieldName) + ": must be " + must
                + (shown.isEmpty() ? "" : "; " + shown) + location;
    }

    /** The path up to the last named field: an element of a list is reported at its list. */
    private static List<Object> field(List<Object> path) {
        int end = path.size();
        while (end > 0 && path.get(end - 1) instanceof Integer) {
            end--;
        }
        return List.copyOf(path.subList(0, end));
    }

    private static List<Object> path(JsonMappingException e) {
        List<Object> path = new ArrayList<>();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                path.add(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.add(r.getIndex());
            }
        }
        return path;
    }

    static String render(List<Object> path) {
        StringBuilder s = new StringBuilder();
        for (Object p : path) {
            if (p instanceof Integer i) {
                s.append('[').append(i).append(']');
            } else {
                s.append(s.isEmpty() ? "" : ".").append(p);
            }
        }
        return s.toString();
    }

    private static JsonNode node(JsonNode tree, List<Object> path) {
        JsonNode n = tree;
        for (Object p : path) {
            if (n == null) {
                return null;
            }
            n = p instanceof Integer i ? (n.isArray() ? n.get(i) : i == 0 ? n : null) : n.get((String) p);
        }
        return n;
    }

    private static boolean remove(JsonNode tree, List<Object> field) {
        JsonNode parent = node(tree, field.subList(0, field.size() - 1));
        Object last = field.get(field.size() - 1);
        if (parent instanceof ObjectNode o && last instanceof String key) {
            return o.remove(key) != null;
        }
        if (parent instanceof ArrayNode a && last instanceof Integer i && i < a.size()) {
            a.remove(i);
            return true;
        }
        return false;
    }

    private static String show(JsonNode value) {
        if (value.isTextual()) {
            return "'" + value.asText() + "'";
        }
        if (value.isContainerNode()) {
            String s = value.toString();
            return value.isArray() ? "a list " + abbreviate(s) : "a mapping " + abbreviate(s);
        }
        return value.toString();
    }

    private static String abbreviate(String s) {
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }

    /** The Java type a field path binds to, walking {@link ExperimentSpec}'s records. */
    private static Type typeAt(List<Object> field) {
        Type t = ExperimentSpec.class;
        for (Object p : field) {
            if (t instanceof ParameterizedType pt && pt.getRawType() == List.class) {
                t = pt.getActualTypeArguments()[0];
            }
            if (p instanceof Integer) {
                continue;
            }
            if (t instanceof ParameterizedType pt && pt.getRawType() == Map.class) {
                t = pt.getActualTypeArguments()[1];
            } else if (t instanceof Class<?> c && c.isRecord()) {
                Type next = null;
                for (RecordComponent rc : c.getRecordComponents()) {
                    if (SNAKE.translate(rc.getName()).equals(p)) {
                        next = rc.getGenericType();
                    }
                }
                if (next == null) {
                    return null;
                }
                t = next;
            } else {
                return null;
            }
        }
        return t;
    }

    /** What a value of type {@code t} is, in words a spec's author reads. */
    static String words(String field, Type t) {
        if (WORDS.containsKey(field)) {
            return WORDS.get(field);
        }
        if (t == null) {
            return "something else";
        }
        if (t instanceof ParameterizedType p) {
            Type[] args = p.getActualTypeArguments();
            if (p.getRawType() == List.class) {
                return "a list of " + plural(words("", args[0]));
            }
            if (p.getRawType() == Map.class) {
                return "a mapping of names to " + plural(words("", args[1]));
            }
        }
        if (t == Integer.class || t == Long.class || t == int.class || t == long.class) {
            return "a whole number";
        }
        if (t == Double.class || t == double.class) {
            return "a number";
        }
        if (t == Boolean.class || t == boolean.class) {
            return "true or false";
        }
        if (t == String.class) {
            return "a text value";
        }
        if (t == ExperimentSpec.StrategySpec.class) {
            return "a strategy name or a {name, options} mapping";
        }
        if (t instanceof Class<?> c && c.isRecord()) {
            return "a mapping with the keys " + String.join(", ", Arrays.stream(c.getRecordComponents())
                    .map(rc -> SNAKE.translate(rc.getName())).toList());
        }
        return "something else";
    }

    private static String plural(String words) {
        return words.replaceFirst("^an? ", "").replaceFirst("^(whole number|number|text value|mapping|strategy name)",
                "$1s").replace("true or false", "true/false values");
    }

    /** Where each value of the spec's text starts, by its path ({@code models[1].source}). */
    private static Map<String, JsonLocation> locations(ObjectMapper mapper, String text) {
        Map<String, JsonLocation> where = new HashMap<>();
        try (JsonParser p = mapper.getFactory().createParser(text)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.FIELD_NAME) {
                    continue;
                }
                // A container's start token already stands in the container's own context.
                JsonStreamContext ctx = t.isStructStart() ? p.getParsingContext().getParent() : p.getParsingContext();
                where.putIfAbsent(render(pathOf(ctx)), p.currentTokenLocation());
            }
        } catch (IOException unreadable) {
            // Locations are a courtesy; the errors still name the path.
        }
        return where;
    }

    private static List<Object> pathOf(JsonStreamContext ctx) {
        List<Object> path = new ArrayList<>();
        for (; ctx != null; ctx = ctx.getParent()) {
            if (ctx.inObject() && ctx.getCurrentName() != null) {
                path.add(0, ctx.getCurrentName());
            } else if (ctx.inArray()) {
                path.add(0, Math.max(0, ctx.getCurrentIndex()));
            }
        }
        return path;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }
}
