package dropgrid.job;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.FileNotFoundException;
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
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>The files are meant to be read and, if need be, edited by people: on local disks they are
 * written without Hadoop's hidden {@code .<name>.crc} checksum files, and read without checking any
 * (stale ones from older versions included). What a reader finds is checked, not trusted: a file that
 * does not parse, or is not the row of the cell its name says, is set aside in {@code cells/_quarantine/}
 * with a warning, and its cell counts as pending.
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

    private static final Logger LOG = LoggerFactory.getLogger(ResultFiles.class);
    private static final Pattern NAME = Pattern.compile("([0-9a-f]{16})\\.[0-9]+\\.[0-9a-f]{8}\\.json");
    /** Attempts at writing one cell's file: a result that took hours to compute is worth a retry. */
    private static final int COMMIT_ATTEMPTS = 4;

    /**
     * What reading the committed files found.
     *
     * @param rows every valid committed row, in file-name order
     * @param setAside the files that were not valid rows, with why (moved to quarantine, or to be)
     */
    public record Committed(List<ResultRow> rows, Map<String, String> setAside) {}

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

    /** The file system of {@code path}, without client-side checksum files on local disks. */
    static FileSystem plain(Path path, Configuration conf) throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        return fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
    }

    /** Writes one cell's row durably, retrying transient failures; returns the committed file. */
    public Path commit(ResultRow row) {
        long millis = row.finishedAt() == null ? System.currentTimeMillis() : row.finishedAt().toEpochMilli();
        String name = row.cellId() + "." + millis + "." + UUID.randomUUID().toString().substring(0, 8) + ".json";
        Path target = new Path(cells, name);
        IOException last = null;
        for (int attempt = 1; attempt <= COMMIT_ATTEMPTS; attempt++) {
            try {
                commit(JSON.writeValueAsBytes(row), name, target);
                return target;
            } catch (IOException e) {
                last = e;
                LOG.warn("committing cell {} to {} failed (attempt {} of {}): {}", row.cellId(), target, attempt,
                        COMMIT_ATTEMPTS, e.toString());
                sleep(attempt);
            }
        }
        throw new UncheckedIOException("cannot commit the result of cell " + row.cellId() + " to " + target, last);
    }

    private void commit(byte[] bytes, String name, Path target) throws IOException {
        FileSystem fs = plain(cells, conf);
        if ("s3a".equals(cells.getFileSystem(conf).getScheme())) {
            write(fs, target, bytes);
            return;
        }
        Path tmp = new Path(new Path(cells, "_tmp"), name);
        write(fs, tmp, bytes);
        if (!fs.rename(tmp, target)) {
            throw new IOException("rename " + tmp + " -> " + target + " failed");
        }
    }

    private static void write(FileSystem fs, Path path, byte[] bytes) throws IOException {
        try (OutputStream out = fs.create(path, true)) {
            out.write(bytes);
        }
    }

    private static void sleep(int attempt) {
        try {
            Thread.sleep(250L << attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Every valid committed row. A file that is no valid row is moved to {@code cells/_quarantine/} when
     * {@code quarantine} is set (the caller holds the output's lock), else left where it is; either way
     * with a warning naming it and why, and its cell counts as pending.
     */
    public Committed read(boolean quarantine) {
        List<ResultRow> rows = new ArrayList<>();
        Map<String, String> setAside = new LinkedHashMap<>();
        try {
            FileSystem fs = plain(cells, conf);
            if (!fs.exists(cells)) {
                return new Committed(rows, setAside);
            }
            List<FileStatus> files = new ArrayList<>(List.of(fs.listStatus(cells, p -> isCellFile(p.getName()))));
            files.sort(Comparator.comparing(f -> f.getPath().getName()));
            for (FileStatus f : files) {
                String name = f.getPath().getName();
                byte[] bytes;
                try (InputStream in = fs.open(f.getPath())) {
                    bytes = in.readAllBytes();
                } catch (FileNotFoundException gone) {
                    continue;  // quarantined by another reader since the listing
                }
                String problem = problem(name, bytes);
                if (problem == null) {
                    rows.add(JSON.readValue(bytes, ResultRow.class));
                    continue;
                }
                setAside.put(name, problem);
                if (quarantine) {
                    Path to = quarantine(fs, f.getPath());
                    LOG.warn("{} is no committed cell ({}); moved to {}, its cell counts as pending", f.getPath(),
                            problem, to);
                } else {
                    LOG.warn("{} is no committed cell ({}); its cell counts as pending, and the next run moves it"
                            + " to {}/_quarantine/", f.getPath(), problem, cells);
                }
            }
            return new Committed(rows, setAside);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the committed cells in " + cells, e);
        }
    }

    /** Why {@code bytes} are not the committed row of the cell file {@code name} is named for; null if they are. */
    static String problem(String name, byte[] bytes) {
        Matcher m = NAME.matcher(name);
        if (!m.matches()) {
            return "the name is not <cell_id>.<millis>.<random>.json";
        }
        ResultRow row;
        try {
            row = JSON.readValue(bytes, ResultRow.class);
        } catch (JsonParseException e) {
            // Jackson names the start of an unclosed object by its source, which says nothing here.
            String what = firstLine(e.getOriginalMessage()).replaceAll(" \\(start marker at \\[Source: .*\\]\\)", "");
            return "not valid JSON: " + what + " at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr();
        } catch (JsonMappingException e) {
            String column = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName()
                    : "[" + r.getIndex() + "]").collect(Collectors.joining("."));
            return column.isEmpty() ? "not a JSON object of the results columns (docs/results-schema.md)"
                    : "column " + column + " does not hold a value of its type (docs/results-schema.md)";
        } catch (IOException | RuntimeException e) {
            return "not a results row: " + firstLine(e.getMessage());
        }
        if (row == null) {
            return "not a JSON object of the results columns: the file holds null";
        }
        List<String> missing = new ArrayList<>();
        for (ResultColumns.Column c : ResultColumns.ALL) {
            if (REQUIRED.contains(c.name()) && c.value(row) == null) {
                missing.add(c.name());
            }
        }
        if (!missing.isEmpty()) {
            return "not a results row: " + String.join(", ", missing) + (missing.size() == 1 ? " is" : " are")
                    + " missing";
        }
        if (!row.cellId().equals(m.group(1))) {
            return "it holds the row of cell " + row.cellId() + ", not of cell " + m.group(1);
        }
        return null;
    }

    private static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    /** The columns without which a row cannot be placed in its grid, compared with a baseline or reported. */
    private static final Set<String> REQUIRED = Set.of("cell_id", "model_id", "architecture", "task", "strategy",
            "drop", "drop_stage", "seed", "status");

    private Path quarantine(FileSystem fs, Path file) throws IOException {
        Path dir = new Path(cells, "_quarantine");
        fs.mkdirs(dir);
        Path to = new Path(dir, file.getName());
        if (fs.exists(to)) {
            to = new Path(dir, file.getName() + "." + UUID.randomUUID().toString().substring(0, 8));
        }
        if (!fs.rename(file, to)) {
            throw new IOException("cannot move " + file + " to " + to);
        }
        // A checksum file written by an older version belongs to the content it checked.
        Path crc = new Path(cells, "." + file.getName() + ".crc");
        if (fs.exists(crc)) {
            fs.delete(crc, false);
        }
        return to;
    }

    /** Every valid committed row, in file-name order (invalid files are left in place, with a warning). */
    public List<ResultRow> readAll() {
        return read(false).rows();
    }

    /** The newest valid committed row of every cell id (by finish time, then file name). */
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
            FileSystem fs = plain(cells, conf);
            return fs.exists(cells) ? fs.listStatus(cells, p -> isCellFile(p.getName())).length : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + cells, e);
        }
    }
}
