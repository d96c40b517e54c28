package dropgrid.report;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * One table of the report as plain cells, rendered three ways. Cells are {@link Double} (NaN or
 * {@code null} print as an em dash), {@link Integer}/{@link Long}, {@link Boolean} or text.
 *
 * @param id file-name stem of the table's CSV ({@code strategy-by-k})
 * @param title heading
 * @param notes sentences printed under the heading: which tasks were averaged, what is missing
 * @param header column names
 * @param rows one list of cells per row, each as long as the header
 */
public record Table(String id, String title, List<String> notes, List<String> header, List<List<Object>> rows) {

    public Table {
        notes = List.copyOf(notes);
        header = List.copyOf(header);
        List<List<Object>> copy = new ArrayList<>();
        for (List<Object> row : rows) {
            if (row.size() != header.size()) {
                throw new IllegalStateException("table " + id + ": row " + row + " has " + row.size()
                        + " cells for " + header.size() + " columns");
            }
            copy.add(Collections.unmodifiableList(new ArrayList<>(row)));
        }
        rows = List.copyOf(copy);
    }

    public String toMarkdown() {
        StringBuilder s = new StringBuilder("## ").append(title).append("\n\n");
        for (String note : notes) {
            s.append("- ").append(note).append('\n');
        }
        if (!notes.isEmpty()) {
            s.append('\n');
        }
        if (rows.isEmpty()) {
            return s.append("_No data._\n\n").toString();
        }
        s.append("| ").append(String.join(" | ", header)).append(" |\n|");
        s.append("---|".repeat(header.size())).append('\n');
        for (List<Object> row : rows) {
            s.append("| ");
            for (Object cell : row) {
                s.append(display(cell).replace("|", "\\|")).append(" | ");
            }
            s.setLength(s.length() - 1);
            s.append('\n');
        }
        return s.append('\n').toString();
    }

    public String toHtml() {
        StringBuilder s = new StringBuilder("<h2>").append(escape(title)).append("</h2>\n");
        if (!notes.isEmpty()) {
            s.append("<ul class=\"notes\">\n");
            notes.forEach(n -> s.append("<li>").append(escape(n)).append("</li>\n"));
            s.append("</ul>\n");
        }
        if (rows.isEmpty()) {
            return s.append("<p><em>No data.</em></p>\n").toString();
        }
        s.append("<table>\n<thead><tr>");
        header.forEach(h -> s.append("<th>").append(escape(h)).append("</th>"));
        s.append("</tr></thead>\n<tbody>\n");
        for (List<Object> row : rows) {
            s.append("<tr>");
            for (Object cell : row) {
                // Unknown values sit in numeric columns: align their dash with the numbers.
                s.append(cell == null || cell instanceof Number ? "<td class=\"num\">" : "<td>")
                        .append(escape(display(cell))).append("</td>");
            }
            s.append("</tr>\n");
        }
        return s.append("</tbody>\n</table>\n").toString();
    }

    /** RFC 4180 CSV with full-precision numbers and empty fields for unknown values. */
    public String toCsv() {
        StringBuilder s = new StringBuilder();
        s.append(String.join(",", header.stream().map(Table::csvField).toList())).append("\r\n");
        for (List<Object> row : rows) {
            List<String> fields = new ArrayList<>();
            for (Object cell : row) {
                fields.add(csvField(raw(cell)));
            }
            s.append(String.join(",", fields)).append("\r\n");
        }
        return s.toString();
    }

    static String display(Object cell) {
        if (cell == null || cell instanceof Double d && d.isNaN()) {
            return "—";
        }
        if (cell instanceof Double d) {
            return String.format(Locale.ROOT, "%.2f", d);
        }
        if (cell instanceof Boolean b) {
            return b ? "✓" : "";
        }
        return cell.toString();
    }

    private static String raw(Object cell) {
        if (cell == null || cell instanceof Double d && d.isNaN()) {
            return "";
        }
        return cell.toString();
    }

    private static String csvField(String field) {
        if (field.contains(",") || field.contains("\"") || field.contains("\n") || field.contains("\r")) {
            return '"' + field.replace("\"", "\"\"") + '"';
        }
        return field;
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
