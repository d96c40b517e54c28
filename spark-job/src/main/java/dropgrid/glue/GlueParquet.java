package dropgrid.glue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

/**
 * Reads the Hugging Face {@code nyu-mll/glue} Parquet layout: {@code <glue_dir>/<task>/<split>-*.parquet}
 * with {@code <task>} the lower-case config name ({@code sst2}, {@code stsb}) and {@code <split>} {@code
 * train}, {@code validation}, or for MNLI {@code validation_matched} / {@code validation_mismatched}.
 * Shards are read in name order.
 *
 * <p>Columns are the task's text columns ({@link GlueTask#hfTextA()}, {@link GlueTask#hfTextB()}) and
 * {@code label}: an integer index into {@link GlueTask#hfLabels()} (Hugging Face's {@code ClassLabel}
 * order, which for MNLI differs from GLUE's), or STS-B's float32 score. A float32 score is widened
 * through its shortest decimal form, so 3.8 reads as 3.8 as in the TSV, not 3.799999952316284.
 */
public final class GlueParquet {

    private GlueParquet() {}

    /** The task's directory in this layout ({@code <glueDir>/sst2}). */
    public static Path dir(Path glueDir, GlueTask task) {
        return glueDir.resolve(task.hfName());
    }

    /** The split's shard files in name order; empty when there are none. */
    public static List<Path> files(Path glueDir, GlueTask task, Split split) {
        Path dir = dir(glueDir, task);
        List<Path> files = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(dir, task.hfSplit(split) + "-*.parquet")) {
            shards.forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        files.sort(null);
        return files;
    }

    /** Whether {@code glueDir} has Parquet shards of this task and split. */
    public static boolean has(Path glueDir, GlueTask task, Split split) {
        return !files(glueDir, task, split).isEmpty();
    }

    /** Reads one split of one task, shards concatenated in name order. */
    public static List<Example> read(Path glueDir, GlueTask task, Split split) {
        List<Path> files = files(glueDir, task, split);
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no Parquet files " + dir(glueDir, task).resolve(task.hfSplit(split)
                    + "-*.parquet") + " for " + task.dirName() + " " + split.name().toLowerCase(Locale.ROOT));
        }
        List<Example> examples = new ArrayList<>();
        for (Path file : files) {
            readFile(file, task, split, examples);
        }
        return examples;
    }

    /** Appends the examples of one Parquet file to {@code into}; guids continue its numbering. */
    static void readFile(Path file, GlueTask task, Split split, List<Example> into) {
        String prefix = split.name().toLowerCase(Locale.ROOT);
        try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
            MessageType schema = reader.getFooter().getFileMetaData().getSchema();
            List<Type> wanted = new ArrayList<>();
            wanted.add(column(file, schema, task.hfTextA()));
            if (task.hfTextB() != null) {
                wanted.add(column(file, schema, task.hfTextB()));
            }
            PrimitiveType label = column(file, schema, "label");
            wanted.add(label);
            MessageType projection = new MessageType(schema.getName(), wanted);
            reader.setRequestedSchema(projection);
            long row = 0;
            for (PageReadStore pages; (pages = reader.readNextRowGroup()) != null; ) {
                RecordReader<Group> records = new ColumnIOFactory().getColumnIO(projection)
                        .getRecordReader(pages, new GroupRecordConverter(projection));
                for (long i = 0; i < pages.getRowCount(); i++, row++) {
                    Group g = records.read();
                    String guid = prefix + "-" + into.size();
                    String textA = text(file, row, g, task.hfTextA());
                    String textB = task.hfTextB() == null ? null : text(file, row, g, task.hfTextB());
                    into.add(example(file, row, g, label, task, guid, textA, textB));
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read Parquet file " + file + ": " + e.getMessage(), e);
        }
    }

    private static Example example(Path file, long row, Group g, PrimitiveType label, GlueTask task, String guid,
            String textA, String textB) {
        if (g.getFieldRepetitionCount("label") == 0) {
            throw new IllegalArgumentException(file + " row " + row + ": label is null");
        }
        PrimitiveType.PrimitiveTypeName type = label.getPrimitiveTypeName();
        if (task.isRegression()) {
            double score = switch (type) {
                case FLOAT -> Double.parseDouble(Float.toString(g.getFloat("label", 0)));
                case DOUBLE -> g.getDouble("label", 0);
                default -> throw new IllegalArgumentException(file + ": STS-B label column is " + type
                        + "; expected FLOAT or DOUBLE");
            };
            if (!(score >= 0 && score <= 5)) {
                throw new IllegalArgumentException(file + " row " + row + ": STS-B label " + score
                        + " is not a number in [0, 5]");
            }
            return Example.scored(guid, textA, textB, score);
        }
        long index = switch (type) {
            case INT32 -> g.getInteger("label", 0);
            case INT64 -> g.getLong("label", 0);
            default -> throw new IllegalArgumentException(file + ": " + task.dirName() + " label column is " + type
                    + "; expected INT32 or INT64 class indices");
        };
        if (index < 0 || index >= task.hfLabels().size()) {
            throw new IllegalArgumentException(file + " row " + row + ": " + task.dirName() + " label " + index
                    + " is not a class index; allowed: 0.." + (task.hfLabels().size() - 1) + " "
                    + task.hfLabels() + " (-1 marks the unlabelled test split)");
        }
        return Example.classified(guid, textA, textB, task.hfLabels().get((int) index));
    }

    private static String text(Path file, long row, Group g, String column) {
        if (g.getFieldRepetitionCount(column) == 0) {
            throw new IllegalArgumentException(file + " row " + row + ": column " + column + " is null");
        }
        return g.getString(column, 0);
    }

    private static PrimitiveType column(Path file, MessageType schema, String name) {
        if (!schema.containsField(name) || !schema.getType(name).isPrimitive()) {
            throw new IllegalArgumentException(file + " has no column '" + name + "'; its columns: "
                    + schema.getFields().stream().map(Type::getName).toList());
        }
        return schema.getType(name).asPrimitiveType();
    }
}
