package dropgrid.job;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The durable record of a run: one small JSON file per finished cell under {@code <output>/cells/},
 * written the moment the cell ends, so a killed run loses only the cells in flight.
 *
 * <p>A file is never overwritten: its name is {@code <cell_id>.<finished millis>.<random>.json}, and
 * the newest file of a cell id wins when reading, so a rerun, a retried task or a speculative copy
 * adds a file instead of racing on one. On a file system with atomic rename (local, HDFS) the file is
 * written under {@code cells/_tmp/} and renamed into place; on S3 ({@code s3a://}) it is written to
 * its final key directly, because a PUT becomes visible only when complete while a "rename" is a copy.
 * Readers ignore names starting with {@code _} or {@code .}.
 */
public final class ResultFiles {

    static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new SimpleModule("instant-as-iso-8601")
                    .addSerializer(Instant.class, new StdSerializer<>(Instant.class) {
                        @Override
                        public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider)
                                throws IOException {
                            gen.writeString(value.toString());
                        }
                    })
                    .addDeserializer(Instant.class, new StdDeserializer<>(Instant.class) {
                        @Override
                        public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                            return Instant.parse(p.getValueAsString());
                        }
                    }))
            .build();

    private final Path cells;
    private final Configuration conf;

    public ResultFiles(String output, Configuration conf) {
        this.cells = new Path(output, "cells");
        this.conf = conf;
    }

    /** Where the consolidated Parquet dataset of an output lives. */
    public static String resultsDir(String output) {
        return new Path(output, "results").toString();
    }

    /** Writes one cell's row durably; returns the committed file. */
    public Path commit(ResultRow row) {
        long millis = row.finishedAt() == null ? System.currentTimeMillis() : row.finishedAt().toEpochMilli();
        String name = row.cellId() + "." + millis + "." + UUID.randomUUID().toString().substring(0, 8) + ".json";
        Path target = new Path(cells, name);
        try {
            FileSystem fs = cells.getFileSystem(conf);
            byte[] bytes = JSON.writeValueAsBytes(row);
            if ("s3a".equals(fs.getScheme())) {
                write(fs, target, bytes);
                return target;
            }
            Path tmp = new Path(new Path(cells, "_tmp"), name);
            write(fs, tmp, bytes);
            if (!fs.rename(tmp, target)) {
                throw new IOException("rename " + tmp + " -> " + target + " failed");
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit the result of cell " + row.cellId() + " to " + target, e);
        }
    }

    private static void write(FileSystem fs, Path path, byte[] bytes) throws IOException {
        try (OutputStream out = fs.create(path, true)) {
            out.write(bytes);
        }
    }

    /** Every committed row, in file-name order. */
    public List<ResultRow> readAll() {
        List<ResultRow> rows = new ArrayList<>();
        try {
            FileSystem fs = cells.getFileSystem(conf);
            if (!fs.exists(cells)) {
                return rows;
            }
            List<FileStatus> files = new ArrayList<>(List.of(fs.listStatus(cells, p -> isCellFile(p.getName()))));
            files.sort(Comparator.comparing(f -> f.getPath().getName()));
            for (FileStatus f : files) {
                try (InputStream in = fs.open(f.getPath())) {
                    rows.add(JSON.readValue(in, ResultRow.class));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read committed cell file " + f.getPath(), e);
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + cells, e);
        }
    }

    /** The newest committed row of every cell id (by finish time, then file name). */
    public Map<String, ResultRow> latest() {
        return newestPerCell(readAll());
    }

    static Map<String, ResultRow> newestPerCell(List<ResultRow> rows) {
        Map<String, ResultRow> latest = new LinkedHashMap<>();
        for (ResultRow row : rows) {
            latest.merge(row.cellId(), row, (a, b) -> finished(b).isBefore(finished(a)) ? a : b);
        }
        return latest;
    }

    private static Instant finished(ResultRow row) {
        return row.finishedAt() == null ? Instant.EPOCH : row.finishedAt();
    }

    private static boolean isCellFile(String name) {
        return name.endsWith(".json") && !name.startsWith("_") && !name.startsWith(".");
    }

    /** The number of committed cell files (all versions), for tests and progress. */
    public int fileCount() {
        try {
            FileSystem fs = cells.getFileSystem(conf);
            return fs.exists(cells) ? fs.listStatus(cells, p -> isCellFile(p.getName())).length : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + cells, e);
        }
    }
}
