package dropgrid.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dropgrid.train.Cell;
import dropgrid.train.CellResult;
import dropgrid.vocabulary.DropStage;
import dropgrid.vocabulary.Status;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The schema and the conversions derived from {@link ResultRow}, without a Spark session. */
class ResultTableTest {

    static ResultRow row() {
        Cell c = ResultFilesTest.cell("top", 2, 1);
        Instant t = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return ResultRow.of(c, ResultFilesTest.ok(c, 0.6, t), "h", "v").withBaseline(62.5);
    }

    @Test
    void schemaIsTheDocumentedOneColumnForColumn() {
        Map<String, String> derived = new LinkedHashMap<>();
        for (StructField f : ResultTable.SCHEMA.fields()) {
            derived.put(f.name(), f.dataType().simpleString());
        }
        assertEquals(SchemaDoc.columns(), derived, "docs/results-schema.md and ResultRow disagree");
        assertEquals(ResultRow.class.getRecordComponents().length, derived.size());
    }

    @Test
    void sparkRowRoundTripsExactly() {
        ResultRow r = row();
        Row spark = ResultTable.toRow(r);
        assertEquals("pretrained", spark.get(ResultTable.SCHEMA.fieldIndex("drop_stage")));
        assertEquals("ok", spark.get(ResultTable.SCHEMA.fieldIndex("status")));
        assertEquals(-2.5, (double) spark.get(ResultTable.SCHEMA.fieldIndex("delta_headline")), 1e-12);
        Object[] values = new Object[spark.size()];
        for (int i = 0; i < values.length; i++) {
            Object v = spark.get(i);
            // Spark hands arrays back as lists.
            values[i] = v instanceof Object[] a ? scala.jdk.javaapi.CollectionConverters.asScala(List.of(a)).toSeq() : v;
        }
        assertEquals(r, ResultTable.fromRow(new GenericRowWithSchema(values, ResultTable.SCHEMA)));
    }

    @Test
    void aColumnAnOlderDatasetLacksReadsAsNullAndAWrongTypeIsNamed() {
        StructType two = new StructType(new StructField[] {
            DataTypes.createStructField("cell_id", DataTypes.StringType, true),
            DataTypes.createStructField("drop", DataTypes.StringType, true)});
        ResultRow partial = ResultTable.fromRow(new GenericRowWithSchema(new Object[] {"abc", null}, two));
        assertEquals("abc", partial.cellId());
        assertNull(partial.drop());
        assertNull(partial.status());
        assertEquals(List.of(), partial.keptLayers());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResultTable.fromRow(new GenericRowWithSchema(new Object[] {"abc", "two"}, two)));
        assertTrue(e.getMessage().startsWith("column drop holds two (String); expected int"), e.getMessage());
    }

    @Test
    void vocabularyIsSpelledAsTheSchemaDocSays() throws Exception {
        ResultRow failed = ResultRow.of(ResultFilesTest.cell("top", 2, 1), CellResult.failed(
                ResultFilesTest.cell("top", 2, 1), new IllegalStateException("x"), "cpu()", "h", Instant.now()), "h", "v");
        String json = ResultFiles.JSON.writeValueAsString(failed);
        assertTrue(json.contains("\"status\":\"failed\""), json);
        assertTrue(json.contains("\"drop_stage\":\"pretrained\""), json);
        ResultRow back = ResultFiles.JSON.readValue(json, ResultRow.class);
        assertEquals(Status.FAILED, back.status());
        assertEquals(DropStage.PRETRAINED, back.dropStage());
    }
}
