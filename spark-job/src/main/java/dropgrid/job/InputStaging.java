package dropgrid.job;

import dropgrid.storage.Location;
import dropgrid.train.Cell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Copies remote ({@code s3a://}, {@code hdfs://}) model and GLUE inputs to the executor's local disk
 * once per JVM and hands the runner local paths: the runner reads files, and a 440 MB checkpoint
 * should cross the network once per executor, not once per cell. Copies live in a temporary
 * directory removed when the JVM exits.
 */
public final class InputStaging {

    private static final Map<String, String> STAGED = new ConcurrentHashMap<>();
    private static volatile java.nio.file.Path root;

    private InputStaging() {}

    /** The cell with local model and GLUE paths; local inputs pass through unchanged. */
    static Cell stage(Cell cell, Configuration conf) {
        String model = Location.of(cell.modelSource()).isRemote() ? local(cell.modelSource(), conf)
                : cell.modelSource();
        String glue = cell.glueDir();
        if (Location.of(glue).isRemote()) {
            // Only the cell's task directory is copied; the staged root mirrors <glue>/<TASK>.
            String taskDir = local(new Path(glue, cell.task()).toString(), conf);
            glue = java.nio.file.Path.of(taskDir).getParent().toString();
        }
        return cell.withInputs(model, glue);
    }

    /**
     * A local copy of a remote model for a command that runs without Spark, with the {@code
     * spark.hadoop.*} system properties as its Hadoop configuration (S3A endpoint and credentials).
     */
    public static java.nio.file.Path localModel(String uri) {
        return java.nio.file.Path.of(local(uri, HadoopConf.fromSystemProperties()));
    }

    /** A local copy of the remote file or directory {@code uri}, made once per JVM. */
    static String localDir(String uri, Configuration conf) {
        return local(uri, conf);
    }

    private static String local(String uri, Configuration conf) {
        return STAGED.computeIfAbsent(uri, u -> copy(u, conf));
    }

    private static String copy(String uri, Configuration conf) {
        Path src = new Path(uri);
        // Same parent for every file of one source URI's parent, so <glue>/<TASK> copies share a GLUE root.
        java.nio.file.Path parent = root().resolve(hash(src.getParent() == null ? uri : src.getParent().toString()));
        java.nio.file.Path target = parent.resolve(src.getName());
        java.nio.file.Path partial = parent.resolve("_partial-" + src.getName());
        try {
            Files.createDirectories(parent);
            FileSystem fs = src.getFileSystem(conf);
            fs.copyToLocalFile(false, src, new Path(partial.toUri()), true);
            Files.move(partial, target);
            return target.toString();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + uri + " to local disk " + target, e);
        }
    }

    private static java.nio.file.Path root() {
        if (root == null) {
            synchronized (InputStaging.class) {
                if (root == null) {
                    try {
                        java.nio.file.Path dir = Files.createTempDirectory("dropgrid-staged-");
                        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
                        root = dir;
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot create a staging directory", e);
                    }
                }
            }
        }
        return root;
    }

    private static void delete(java.nio.file.Path dir) {
        try (Stream<java.nio.file.Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort at JVM exit: a leftover temp directory is harmless.
        }
    }

    private static String hash(String text) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
