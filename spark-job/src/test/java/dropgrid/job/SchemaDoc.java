package dropgrid.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The column table of {@code docs/results-schema.md}: name → type as the doc writes it. */
final class SchemaDoc {

    static final Path FILE = Path.of("../docs/results-schema.md");

    private SchemaDoc() {}

    static Map<String, String> columns() {
        try {
            Map<String, String> columns = new LinkedHashMap<>();
            for (String line : Files.readAllLines(FILE)) {
                String[] cells = line.split("\\|");
                if (line.startsWith("| ") && cells.length >= 3 && !cells[1].isBlank()
                        && !cells[1].trim().equals("column") && !cells[1].trim().startsWith("-")) {
                    columns.put(cells[1].trim(), cells[2].trim());
                }
            }
            return columns;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
