package dropgrid.report;

import dropgrid.report.Figures.Figure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Writes an {@link Analysis} to a directory: {@code report.md}, a self-contained {@code report.html} that
 * shows the PNG figures (SVG linked), and one CSV per table.
 */
public final class ReportFiles {

    /** The output formats of {@code dropgrid report --format}. */
    public enum Format {
        MD, HTML, CSV;

        /** Parses a comma-separated list such as {@code md,html,csv}. */
        public static Set<Format> parseList(String list) {
            Set<Format> formats = EnumSet.noneOf(Format.class);
            for (String part : list.split(",")) {
                String name = part.trim().toUpperCase(Locale.ROOT);
                try {
                    formats.add(Format.valueOf(name));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("--format: '" + part.trim() + "' is not one of md, html, csv", e);
                }
            }
            return formats;
        }
    }

    private static final String CSS = """
            body { font-family: system-ui, sans-serif; max-width: 1200px; margin: 2em auto; padding: 0 1em; color: #222; }
            table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
            th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; }
            th { background: #f0f0f0; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            ul.notes { font-size: 0.9em; color: #444; }
            figure { margin: 1em 0 2em; }
            figure img { max-width: 100%; border: 1px solid #ddd; }
            """;

    private ReportFiles() {}

    /** Writes the requested formats (figures too when Markdown or HTML is asked for) and returns the files written. */
    public static List<Path> write(Analysis report, Path dir, Set<Format> formats) {
        try {
            Files.createDirectories(dir);
            List<Path> written = new ArrayList<>();
            ReportTables rendered = new ReportTables(report);
            List<Table> tables = rendered.tables();
            List<Figure> figures = List.of();
            if (formats.contains(Format.MD) || formats.contains(Format.HTML)) {
                figures = Figures.write(report, rendered.comparison(), dir);
                for (Figure f : figures) {
                    written.add(dir.resolve(f.png()));
                    written.add(dir.resolve(f.svg()));
                }
            }
            if (formats.contains(Format.MD)) {
                written.add(writeString(dir.resolve("report.md"), markdown(report, tables, figures)));
            }
            if (formats.contains(Format.HTML)) {
                written.add(writeString(dir.resolve("report.html"), html(report, tables, figures)));
            }
            if (formats.contains(Format.CSV)) {
                for (Table t : tables) {
                    written.add(writeString(dir.resolve(t.id() + ".csv"), t.toCsv()));
                }
            }
            return written;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report to " + dir, e);
        }
    }

    private static Path writeString(Path file, String text) throws IOException {
        return Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static String summary(Analysis report) {
        long ok = report.rows().size() - report.failed().size();
        return report.rows().size() + " result rows (" + ok + " ok, " + report.failed().size() + " failed) for "
                + report.models().size() + " model(s): " + String.join(", ", report.models()) + ".";
    }

    /** Said first when any model trained with caps: its numbers test the pipeline, not the paper. */
    static String smokeWarning(Analysis report) {
        List<String> capped = report.models().stream().filter(report::limited).toList();
        return capped.isEmpty() ? "" : "SMOKE RUN: " + String.join(", ", capped) + " trained with caps"
                + " (limit_max_train_examples / limit_max_steps); its scores show orderings on reduced data and are not"
                + " a reproduction of the paper's numbers.";
    }

    static String markdown(Analysis report, List<Table> tables, List<Figure> figures) {
        StringBuilder s = new StringBuilder("# dropgrid report: dropping layers of pre-trained transformers\n\n");
        s.append("Reproduction of Sajjad et al., *On the Effect of Dropping Layers of Pre-trained Transformer Models* ")
                .append("(arXiv 2004.03844). ").append(summary(report)).append("\n\n");
        if (!smokeWarning(report).isEmpty()) {
            s.append("**").append(smokeWarning(report)).append("**\n\n");
        }
        tables.forEach(t -> s.append(t.toMarkdown()));
        if (!figures.isEmpty()) {
            s.append("## Figures\n\n");
            for (Figure f : figures) {
                s.append("![").append(f.title()).append("](").append(f.png()).append(")\n\n[SVG](").append(f.svg())
                        .append(")\n\n");
            }
        }
        return s.toString();
    }

    static String html(Analysis report, List<Table> tables, List<Figure> figures) {
        StringBuilder s = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>dropgrid report</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n")
                .append("<h1>dropgrid report: dropping layers of pre-trained transformers</h1>\n<p>Reproduction of Sajjad ")
                .append("et al., <em>On the Effect of Dropping Layers of Pre-trained Transformer Models</em> (arXiv ")
                .append("2004.03844). ").append(Table.escape(summary(report))).append("</p>\n");
        if (!smokeWarning(report).isEmpty()) {
            s.append("<p><strong>").append(Table.escape(smokeWarning(report))).append("</strong></p>\n");
        }
        tables.forEach(t -> s.append(t.toHtml()));
        if (!figures.isEmpty()) {
            s.append("<h2>Figures</h2>\n");
            for (Figure f : figures) {
                s.append("<figure><img src=\"").append(f.png()).append("\" alt=\"").append(Table.escape(f.title()))
                        .append("\"><figcaption>").append(Table.escape(f.title())).append(" (<a href=\"").append(f.svg())
                        .append("\">SVG</a>)</figcaption></figure>\n");
            }
        }
        return s.append("</body>\n</html>\n").toString();
    }
}
