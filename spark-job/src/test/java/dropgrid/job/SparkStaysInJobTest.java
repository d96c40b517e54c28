package dropgrid.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Spark is an edge: only the job package may import it. */
class SparkStaysInJobTest {

    @Test
    void onlyTheJobPackageImportsSpark() throws IOException {
        Path main = Path.of("src/main/java/dropgrid");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(main)) {
            offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.startsWith(main.resolve("job")))
                    .filter(p -> {
                        try {
                            return Files.readString(p).contains("import org.apache.spark");
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .map(Path::toString)
                    .toList();
        }
        assertEquals(List.of(), offenders);
    }
}
