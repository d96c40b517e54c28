package dropgrid.glue;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads GLUE's TSV files as {@code download_glue_data.py} lays them out ({@code <glue_dir>/<TASK>/
 * train.tsv}, {@code dev.tsv}, MNLI {@code dev_matched.tsv} / {@code dev_mismatched.tsv}).
 *
 * <p>The files are read the way GLUE's own code reads them ({@code csv.reader(..., quoting=QUOTE_NONE)}):
 * one example per {@code \n}-terminated line, fields split on tabs and nothing else. A quote-aware reader
 * would swallow lines at MRPC's, STS-B's and QNLI's unbalanced {@code "}. A UTF-8 byte-order mark at the
 * start of the file (MRPC's header has one) is dropped, a last line without newline (CoLA dev) counts,
 * a {@code \r} before the newline is dropped, and text is kept byte for byte otherwise (SST-2's trailing
 * spaces stay). Every line must have the task's column count and a label from its label set; anything
 * else is an {@link IllegalArgumentException} naming file, line, value and what was expected.
 */
public final class GlueTsv {

    private GlueTsv() {}

    /** The file a split lives in under {@code glueDir} ({@code <glueDir>/MNLI/dev_matched.tsv}). */
    public static Path file(Path glueDir, GlueTask task, Split split) {
        return glueDir.resolve(task.dirName()).resolve(task.tsvFile(split));
    }

    /** Whether {@code glueDir} has the TSV file of this task and split. */
    public static boolean has(Path glueDir, GlueTask task, Split split) {
        return Files.isRegularFile(file(glueDir, task, split));
    }

    /** Reads one split of one task from a GLUE directory, in file order. */
    public static List<Example> read(Path glueDir, GlueTask task, Split split) {
        Path file = file(glueDir, task, split);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("GLUE file " + file + " is missing: " + task.dirName() + " "
                    + split.name().toLowerCase(Locale.ROOT) + " is expected at <glue_dir>/"
                    + task.dirName() + "/" + task.tsvFile(split) + " (run `dropgrid fetch-glue --tasks "
                    + task.dirName() + "` or point glue_dir at a complete GLUE copy)");
        }
        return readFile(file, task, split);
    }

    /** Reads a TSV file laid out as {@code task}'s {@code split}. */
    public static List<Example> readFile(Path file, GlueTask task, Split split) {
        GlueTask.TsvLayout layout = task.tsvLayout(split);
        String prefix = split.name().toLowerCase(Locale.ROOT);
        List<Example> examples = new ArrayList<>();
        try (LineReader lines = new LineReader(new InputStreamReader(Files.newInputStream(file),
                StandardCharsets.UTF_8.newDecoder()))) {
            String line = lines.next();
            if (line != null && line.startsWith("\uFEFF")) {
                line = line.substring(1);
            }
            int lineNo = 1;
            if (layout.hasHeader()) {
                if (line == null) {
                    throw new IllegalArgumentException(file + " is empty; expected a header line: "
                            + String.join("\\t", layout.columns()));
                }
                checkHeader(file, layout, line);
                line = lines.next();
                lineNo++;
            }
            for (; line != null; line = lines.next(), lineNo++) {
                examples.add(parse(file, lineNo, line, task, layout, prefix + "-" + examples.size()));
            }
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(file + " is not valid UTF-8 near data row " + examples.size(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return examples;
    }

    private static void checkHeader(Path file, GlueTask.TsvLayout layout, String line) {
        String[] names = line.split("\t", -1);
        boolean ok = names.length == layout.columns().size();
        for (int i : new int[] {layout.textA(), layout.textB(), layout.label()}) {
            ok &= i < 0 || (i < names.length && names[i].equals(layout.columns().get(i)));
        }
        if (!ok) {
            throw new IllegalArgumentException(file + ":1: header '" + line.replace("\t", "\\t")
                    + "' does not match; expected " + layout.columns().size() + " tab-separated columns: "
                    + String.join("\\t", layout.columns()));
        }
    }

    private static Example parse(Path file, int lineNo, String line, GlueTask task, GlueTask.TsvLayout layout,
            String guid) {
        String[] f = line.split("\t", -1);
        if (f.length != layout.columns().size()) {
            throw new IllegalArgumentException(file + ":" + lineNo + ": expected " + layout.columns().size()
                    + " tab-separated columns (" + String.join(", ", layout.columns()) + "), found " + f.length
                    + " in '" + abbreviate(line) + "'");
        }
        String textA = f[layout.textA()];
        String textB = layout.textB() < 0 ? null : f[layout.textB()];
        String label = f[layout.label()];
        String column = layout.columns().get(layout.label());
        if (task.isRegression()) {
            return Example.scored(guid, textA, textB, score(file, lineNo, column, label));
        }
        if (!task.labels().contains(label)) {
            throw new IllegalArgumentException(file + ":" + lineNo + ": unknown " + task.dirName() + " label '"
                    + label + "' in column " + column + "; allowed: " + String.join(", ", task.labels()));
        }
        return Example.classified(guid, textA, textB, label);
    }

    private static double score(Path file, int lineNo, String column, String value) {
        double score;
        try {
            score = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            score = Double.NaN;
        }
        if (!(score >= 0 && score <= 5)) {
            throw new IllegalArgumentException(file + ":" + lineNo + ": STS-B " + column + " '" + value
                    + "' is not a number in [0, 5]");
        }
        return score;
    }

    private static String abbreviate(String line) {
        String shown = line.replace("\t", "\\t");
        return shown.length() <= 200 ? shown : shown.substring(0, 200) + "...";
    }

    /** Lines split on {@code \n} only (BufferedReader would also split on a lone {@code \r}). */
    private static final class LineReader implements AutoCloseable {
        private final Reader in;
        private final char[] buf = new char[1 << 16];
        private final StringBuilder line = new StringBuilder();
        private int pos;
        private int end;

        LineReader(Reader in) {
            this.in = in;
        }

        String next() throws IOException {
            line.setLength(0);
            boolean any = false;
            while (true) {
                if (pos == end) {
                    end = in.read(buf, 0, buf.length);
                    pos = 0;
                    if (end <= 0) {
                        end = 0;
                        return any ? stripCr() : null;
                    }
                }
                any = true;
                int start = pos;
                while (pos < end && buf[pos] != '\n') {
                    pos++;
                }
                line.append(buf, start, pos - start);
                if (pos < end) {
                    pos++;
                    return stripCr();
                }
            }
        }

        private String stripCr() {
            int n = line.length();
            return n > 0 && line.charAt(n - 1) == '\r' ? line.substring(0, n - 1) : line.toString();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
