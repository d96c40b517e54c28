package dropgrid.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** results/ is replaced only by a complete new dataset, and never when it holds a file dropgrid did not write. */
class ResultsDirectoryTest {

    @TempDir Path dir;

    Path results(String... names) throws Exception {
        Path results = Files.createDirectories(dir.resolve("results"));
        for (String n : names) {
            Files.writeString(results.resolve(n), n);
        }
        return results;
    }

    @Test
    void whatASparkWriteLeavesIsOursAnythingElseIsNamedAndKept() throws Exception {
        results("part-00000-abc-c000.snappy.parquet", ".part-00000-abc-c000.snappy.parquet.crc", "_SUCCESS",
                "._SUCCESS.crc", "NOTES.txt");
        Files.createDirectories(dir.resolve("results/_temporary/0"));
        Files.createDirectories(dir.resolve("results/plots"));
        ResultsDirectory results = new ResultsDirectory(dir.toString(), new Configuration());
        assertEquals(List.of("NOTES.txt", "plots/"), results.foreignFiles().stream().sorted().toList());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, results::checkReplaceable);
        assertTrue(e.getMessage().contains("dropgrid did not write (") && e.getMessage().contains("NOTES.txt"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> results.replaceWith(results.newStaging()));
        assertEquals("NOTES.txt", Files.readString(dir.resolve("results/NOTES.txt")));
    }

    @Test
    void aCompleteNewDatasetReplacesTheOldOneAndLeftoversOfAnInterruptedSwapGo() throws Exception {
        results("part-old.parquet", "_SUCCESS");
        // A swap killed between its two renames leaves both datasets under these names.
        Files.createDirectories(dir.resolve("_results-old-12345678"));
        Files.createDirectories(dir.resolve("_results-new-87654321"));
        ResultsDirectory results = new ResultsDirectory(dir.toString(), new Configuration());
        org.apache.hadoop.fs.Path staged = results.newStaging();
        Path stagedDir = Files.createDirectories(Path.of(staged.toUri().getPath()));
        Files.writeString(stagedDir.resolve("part-new.parquet"), "new");
        Files.writeString(stagedDir.resolve("_SUCCESS"), "");
        results.replaceWith(staged);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("results"), s.map(p -> p.getFileName().toString()).sorted().toList());
        }
        try (Stream<Path> s = Files.list(dir.resolve("results"))) {
            assertEquals(List.of("_SUCCESS", "part-new.parquet"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
