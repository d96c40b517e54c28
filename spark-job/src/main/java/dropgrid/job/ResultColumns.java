package dropgrid.job;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The columns of the results dataset, derived from {@link ResultRow}'s components: name (the
 * component's name in snake_case, as Jackson writes it into cell files), type, and the row's value.
 * {@link ResultTable} maps them to Spark; nothing here knows Spark.
 */
final class ResultColumns {

    /**
     * A column's type, named as Spark's {@code simpleString} and {@code docs/results-schema.md} write it.
     * Enums are strings spelled as their JSON value ({@code ok}, {@code pretrained}).
     */
    enum Kind {
        STRING("string"), INT("int"), BIGINT("bigint"), DOUBLE("double"), BOOLEAN("boolean"),
        TIMESTAMP("timestamp"), INT_ARRAY("array<int>"), DOUBLE_ARRAY("array<double>");

        final String docName;

        Kind(String docName) {
            this.docName = docName;
        }
    }

    /**
     * One column.
     *
     * @param name snake_case column name
     * @param kind its type
     * @param component the {@link ResultRow} component holding it
     */
    record Column(String name, Kind kind, RecordComponent component) {

        Object value(ResultRow row) {
            try {
                return component.getAccessor().invoke(row);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException("cannot read column " + name, e);
            }
        }

        Class<?> javaType() {
            return component.getType();
        }
    }

    private static final PropertyNamingStrategies.NamingBase SNAKE =
            (PropertyNamingStrategies.NamingBase) PropertyNamingStrategies.SNAKE_CASE;

    /** Every column, in {@link ResultRow}'s component order. */
    static final List<Column> ALL = Arrays.stream(ResultRow.class.getRecordComponents())
            .map(c -> new Column(SNAKE.translate(c.getName()), kind(c), c)).toList();

    private static final Map<String, Column> BY_NAME = new HashMap<>();
    private static final Constructor<ResultRow> CONSTRUCTOR;

    static {
        ALL.forEach(c -> BY_NAME.put(c.name(), c));
        try {
            CONSTRUCTOR = ResultRow.class.getDeclaredConstructor(
                    ALL.stream().map(Column::javaType).toArray(Class<?>[]::new));
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("ResultRow has no canonical constructor", e);
        }
    }

    private ResultColumns() {}

    static Column named(String name) {
        Column c = BY_NAME.get(name);
        if (c == null) {
            throw new IllegalArgumentException("no results column '" + name + "'");
        }
        return c;
    }

    /** A row built from one value per column, in column order. */
    static ResultRow row(Function<Column, Object> values) {
        Object[] args = ALL.stream().map(values).toArray();
        try {
            return CONSTRUCTOR.newInstance(args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build a results row", e);
        }
    }

    /** {@code row} with the named columns replaced. */
    static ResultRow with(ResultRow row, Map<String, Object> changes) {
        changes.keySet().forEach(ResultColumns::named);
        return row(c -> changes.containsKey(c.name()) ? changes.get(c.name()) : c.value(row));
    }

    private static Kind kind(RecordComponent c) {
        Class<?> t = c.getType();
        if (t == String.class || t.isEnum()) {
            return Kind.STRING;
        }
        if (t == Integer.class) {
            return Kind.INT;
        }
        if (t == Long.class) {
            return Kind.BIGINT;
        }
        if (t == Double.class) {
            return Kind.DOUBLE;
        }
        if (t == Boolean.class) {
            return Kind.BOOLEAN;
        }
        if (t == Instant.class) {
            return Kind.TIMESTAMP;
        }
        if (t == List.class && c.getGenericType() instanceof ParameterizedType p) {
            Type element = p.getActualTypeArguments()[0];
            if (element == Integer.class) {
                return Kind.INT_ARRAY;
            }
            if (element == Double.class) {
                return Kind.DOUBLE_ARRAY;
            }
        }
        // Primitives would make "unknown" unrepresentable: every column is nullable.
        throw new IllegalStateException("ResultRow." + c.getName() + " has type " + c.getGenericType()
                + "; a column is String, an enum, Integer, Long, Double, Boolean, Instant, List<Integer> or"
                + " List<Double>");
    }
}
