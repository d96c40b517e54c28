package dropgrid.job;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The results dataset in Spark: its schema and the conversions between {@link ResultRow} and Spark
 * rows, all derived from {@link ResultColumns} (so from {@link ResultRow} alone).
 */
public final class ResultTable {

    public static final StructType SCHEMA = DataTypes.createStructType(ResultColumns.ALL.stream()
            .map(c -> DataTypes.createStructField(c.name(), sparkType(c.kind()), true))
            .toArray(StructField[]::new));

    private ResultTable() {}

    private static DataType sparkType(ResultColumns.Kind kind) {
        return switch (kind) {
            case STRING -> DataTypes.StringType;
            case INT -> DataTypes.IntegerType;
            case BIGINT -> DataTypes.LongType;
            case DOUBLE -> DataTypes.DoubleType;
            case BOOLEAN -> DataTypes.BooleanType;
            case TIMESTAMP -> DataTypes.TimestampType;
            case INT_ARRAY -> DataTypes.createArrayType(DataTypes.IntegerType, false);
            case DOUBLE_ARRAY -> DataTypes.createArrayType(DataTypes.DoubleType, false);
        };
    }

    /** One Spark row, values in {@link #SCHEMA} order. */
    public static Row toRow(ResultRow r) {
        return RowFactory.create(ResultColumns.ALL.stream().map(c -> toSpark(c, c.value(r))).toArray());
    }

    /**
     * The row a Spark row holds, read by column name; a column the dataset lacks (written by an older
     * version) is null. A value of the wrong type is an {@link IllegalArgumentException} naming it.
     */
    public static ResultRow fromRow(Row row) {
        List<String> present = List.of(row.schema().fieldNames());
        return ResultColumns.row(c -> {
            if (!present.contains(c.name()) || row.isNullAt(row.fieldIndex(c.name()))) {
                return null;
            }
            int i = row.fieldIndex(c.name());
            boolean array = c.kind() == ResultColumns.Kind.INT_ARRAY || c.kind() == ResultColumns.Kind.DOUBLE_ARRAY;
            Object value = array ? row.getList(i) : row.get(i);
            try {
                return fromSpark(c, value);
            } catch (ClassCastException | IllegalArgumentException e) {
                throw new IllegalArgumentException("column " + c.name() + " holds " + value + " ("
                        + value.getClass().getSimpleName() + "); expected " + c.kind().docName, e);
            }
        });
    }

    private static Object toSpark(ResultColumns.Column c, Object value) {
        if (value == null) {
            return null;
        }
        return switch (c.kind()) {
            case STRING -> value instanceof Enum<?> e ? ResultFiles.JSON.convertValue(e, String.class) : value;
            case TIMESTAMP -> Timestamp.from((Instant) value);
            case INT_ARRAY -> ((List<?>) value).toArray(new Integer[0]);
            case DOUBLE_ARRAY -> ((List<?>) value).toArray(new Double[0]);
            default -> value;
        };
    }

    private static Object fromSpark(ResultColumns.Column c, Object value) {
        return switch (c.kind()) {
            case STRING -> c.javaType().isEnum() ? ResultFiles.JSON.convertValue(value, c.javaType()) : (String) value;
            case INT -> ((Number) value).intValue();
            case BIGINT -> ((Number) value).longValue();
            case DOUBLE -> ((Number) value).doubleValue();
            case BOOLEAN -> (Boolean) value;
            case TIMESTAMP -> value instanceof Instant i ? i : ((Timestamp) value).toInstant();
            case INT_ARRAY -> numbers(value).stream().map(n -> n == null ? null : n.intValue()).toList();
            case DOUBLE_ARRAY -> numbers(value).stream().map(n -> n == null ? null : n.doubleValue()).toList();
        };
    }

    private static List<Number> numbers(Object list) {
        List<Number> out = new ArrayList<>();
        for (Object o : (List<?>) list) {
            out.add((Number) o);
        }
        return out;
    }

    /**
     * Rebuilds {@code <output>/results/} from the committed cell files: newest result per cell id,
     * baselines filled, one Parquet file, written beside the old dataset and swapped in when complete
     * ({@link ResultsDirectory}). Invalid cell files are quarantined, so the caller must hold the
     * output's lock. Returns the rows written.
     */
    public static List<ResultRow> rebuild(SparkSession spark, String output) {
        ResultsDirectory results = new ResultsDirectory(output, spark.sparkContext().hadoopConfiguration());
        results.checkReplaceable();
        ResultFiles files = new ResultFiles(output, spark.sparkContext().hadoopConfiguration());
        List<ResultRow> rows = Baselines.fill(ResultFiles.newestPerCell(files.read(true).rows()).values());
        List<Row> sparkRows = rows.stream().map(ResultTable::toRow).toList();
        spark.sparkContext().setJobDescription("dropgrid: write " + rows.size() + " result rows");
        Path staged = results.newStaging();
        spark.createDataFrame(sparkRows, SCHEMA)
                .coalesce(1)
                .write()
                .mode(SaveMode.ErrorIfExists)
                .parquet(staged.toString());
        results.replaceWith(staged);
        return rows;
    }
}
