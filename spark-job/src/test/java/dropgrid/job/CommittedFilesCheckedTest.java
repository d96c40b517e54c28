package dropgrid.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dropgrid.train.Cell;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Committed cell files are read as people may have left them: a file that is not a valid row is set
 * aside (quarantined when the reader holds the output) and its cell counts as pending; a correct hand
 * edit is read as edited, checksum files or not.
 */
class CommittedFilesCheckedTest {

    @TempDir Path dir;

    List<Path> commitThree() {
        ResultFiles files = new ResultFiles(dir.toString(), new Configuration());
        Instant t = Instant.now();
        for (String strategy : List.of("top", "bottom", "symmetric")) {
            Cell c = ResultFilesTest.cell(strategy, 2, 1);
            files.commit(ResultRow.of(c, ResultFilesTest.ok(c, 0.6, t), "h", "v"));
        }
        return cellFiles();
    }

    List<Path> cellFiles() {
        try (Stream<Path> s = Files.list(dir.resolve("cells"))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void noChecksumFileIsWrittenBesideACellFile() throws Exception {
        commitThree();
        try (Stream<Path> s = Files.list(dir.resolve("cells"))) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".crc")).toList());
        }
    }

    @Test
    void everyKindOfBadFileIsSetAsideWithWhyAndItsCellIsPending() throws Exception {
        List<Path> files = commitThree();
        byte[] good = Files.readAllBytes(files.get(0));
        Files.write(files.get(0), java.util.Arrays.copyOf(good, good.length / 2));
        Files.write(files.get(1), new byte[] {(byte) 0xC3, 0x28, 0x00, 0x7f});
        Files.writeString(files.get(2), "{\"cell_id\": null, \"hello\": [1, 2, 3]}");
        Files.writeString(dir.resolve("cells/notes.json"), "{}");
        String other = ResultFilesTest.cell("even-alternate", 1, 1).id();
        Files.write(dir.resolve("cells/" + other + ".1.0000abcd.json"), good);

        ResultFiles reader = new ResultFiles(dir.toString(), new Configuration());
        ResultFiles.Committed readOnly = reader.read(false);
        assertEquals(List.of(), readOnly.rows());
        assertEquals(5, readOnly.setAside().size());
        assertEquals(5, cellFiles().size(), "a reader without the output's lock moves nothing");

        ResultFiles.Committed held = reader.read(true);
        Map<String, String> why = held.setAside();
        assertTrue(why.get(files.get(0).getFileName().toString()).startsWith("not valid JSON: Unexpected end-of-input"),
                why.toString());
        assertTrue(why.get(files.get(1).getFileName().toString()).startsWith("not valid JSON"), why.toString());
        assertEquals("not a results row: cell_id, model_id, architecture, task, strategy, drop, drop_stage, seed,"
                + " status are missing", why.get(files.get(2).getFileName().toString()));
        assertEquals("the name is not <cell_id>.<millis>.<random>.json", why.get("notes.json"));
        assertTrue(why.get(other + ".1.0000abcd.json").startsWith("it holds the row of cell "), why.toString());
        assertEquals(List.of(), cellFiles());
        try (Stream<Path> s = Files.list(dir.resolve("cells/_quarantine"))) {
            assertEquals(5, s.count());
        }
        assertEquals(Map.of(), reader.latest());
    }

    @Test
    void aCorrectHandEditIsReadAsEditedEvenBesideAStaleChecksumFile() throws Exception {
        Path file = commitThree().get(0);
        // What an older version left: Hadoop's checksum of the content before the edit.
        Files.write(dir.resolve("cells/." + file.getFileName() + ".crc"), new byte[] {'c', 'r', 'c', 0, 0, 2, 0, 0});
        String edited = Files.readString(file).replaceFirst("\"host\":\"[^\"]*\"", "\"host\":\"edited.example.org\"");
        Files.writeString(file, edited, StandardCharsets.UTF_8);
        ResultFiles.Committed read = new ResultFiles(dir.toString(), new Configuration()).read(true);
        assertEquals(Map.of(), read.setAside());
        assertEquals(3, read.rows().size());
        assertTrue(read.rows().stream().anyMatch(r -> "edited.example.org".equals(r.host())));
    }
}
