package dropgrid.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code <output>/results/}: derived data, rebuilt from the committed cells, never the only copy of
 * anything. A new dataset is written beside it ({@code _results-new-<id>/}) and swapped in only when
 * complete, so a kill during the write leaves the old dataset as it was; the swap is two renames (old
 * aside, new in) and a kill between them leaves both complete copies under those names, which the next
 * rebuild clears. A {@code results/} holding anything a Spark Parquet write did not put there is
 * refused, never replaced: the user's file stays, and the message names it.
 */
final class ResultsDirectory {

    /** What a Spark Parquet write leaves: data files, the marker, their checksums, a killed job's scratch. */
    private static final Pattern SPARK_WRITTEN =
            Pattern.compile("(\\.?part-.*|\\.?_SUCCESS(\\.crc)?|_temporary|_committed_.*|_started_.*)");
    private static final String STAGING_PREFIX = "_results-";

    private final Path output;
    private final Path results;
    private final Configuration conf;

    ResultsDirectory(String output, Configuration conf) {
        this.output = new Path(output);
        this.results = new Path(output, "results");
        this.conf = conf;
    }

    Path path() {
        return results;
    }

    /** The names in {@code results/} that dropgrid did not write; empty when there is no {@code results/}. */
    List<String> foreignFiles() {
        try {
            FileSystem fs = results.getFileSystem(conf);
            List<String> foreign = new ArrayList<>();
            if (!fs.exists(results)) {
                return foreign;
            }
            if (!fs.getFileStatus(results).isDirectory()) {
                foreign.add("(results is a file, not a directory)");
                return foreign;
            }
            for (FileStatus f : fs.listStatus(results)) {
                if (!SPARK_WRITTEN.matcher(f.getPath().getName()).matches()) {
                    foreign.add(f.getPath().getName() + (f.isDirectory() ? "/" : ""));
                }
            }
            return foreign;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + results, e);
        }
    }

    /** Throws, naming them, when {@code results/} holds files dropgrid did not write. */
    void checkReplaceable() {
        List<String> foreign = foreignFiles();
        if (!foreign.isEmpty()) {
            throw new IllegalArgumentException(results + " holds " + (foreign.size() == 1 ? "a file" : "files")
                    + " dropgrid did not write (" + String.join(", ", foreign.subList(0, Math.min(5, foreign.size())))
                    + (foreign.size() > 5 ? ", ..." : "") + "), so it is not replaced; move "
                    + (foreign.size() == 1 ? "it" : "them") + " out of results/ (which dropgrid rebuilds from cells/)"
                    + " and run again");
        }
    }

    /** A fresh location to write the next dataset to; leftovers of interrupted swaps are removed first. */
    Path newStaging() {
        try {
            FileSystem fs = output.getFileSystem(conf);
            if (fs.exists(output)) {
                for (FileStatus f : fs.listStatus(output, p -> p.getName().startsWith(STAGING_PREFIX))) {
                    fs.delete(f.getPath(), true);
                }
            }
            return new Path(output, STAGING_PREFIX + "new-" + UUID.randomUUID().toString().substring(0, 8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare a new results dataset in " + output, e);
        }
    }

    /** Swaps the complete dataset at {@code staged} in as {@code results/}. */
    void replaceWith(Path staged) {
        checkReplaceable();
        try {
            FileSystem fs = output.getFileSystem(conf);
            Path old = null;
            if (fs.exists(results)) {
                old = new Path(output, STAGING_PREFIX + "old-" + UUID.randomUUID().toString().substring(0, 8));
                rename(fs, results, old);
            }
            rename(fs, staged, results);
            if (old != null) {
                fs.delete(old, true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot swap the new results dataset " + staged + " in as " + results, e);
        }
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("rename " + from + " -> " + to + " failed");
        }
    }
}
