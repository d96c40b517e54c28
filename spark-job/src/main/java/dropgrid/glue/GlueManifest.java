package dropgrid.glue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The Hugging Face GLUE files {@code dropgrid fetch-glue} downloads: a Hub dataset repository pinned to
 * one revision, and per file its path, size and SHA-256. The built-in table
 * ({@code dropgrid/glue/nyu-mll-glue.json}) pins {@code nyu-mll/glue}; a mirror with other files can be
 * described by a JSON file of the same shape.
 *
 * @param repository Hub dataset id ({@code nyu-mll/glue})
 * @param revision the commit the checksums belong to; downloads resolve this revision, never a branch
 * @param note where the checksums come from
 * @param files every train and validation shard
 */
public record GlueManifest(String repository, String revision, String note, List<HubFile> files) {

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    /**
     * One file of the repository.
     *
     * @param path {@code <task>/<split>-0000k-of-0000n.parquet}, as it lies in the repository and the cache
     * @param bytes its size
     * @param sha256 its SHA-256, lower-case hex
     */
    public record HubFile(String path, long bytes, String sha256) {
        public HubFile {
            if (path == null || !path.matches("[a-z0-9]+/[a-z_]+-\\d{5}-of-\\d{5}\\.parquet")) {
                throw new IllegalArgumentException("manifest file path '" + path
                        + "' is not <task>/<split>-0000k-of-0000n.parquet");
            }
            if (sha256 == null || !SHA256.matcher(sha256).matches() || bytes <= 0) {
                throw new IllegalArgumentException("manifest entry " + path + " needs bytes > 0 and a 64-digit"
                        + " lower-case hex sha256, got bytes=" + bytes + ", sha256=" + sha256);
            }
        }

        /** The task directory the file lies in ({@code mnli}). */
        public String taskDir() {
            return path.substring(0, path.indexOf('/'));
        }
    }

    public GlueManifest {
        if (repository == null || revision == null || files == null || files.isEmpty()) {
            throw new IllegalArgumentException("a GLUE manifest needs repository, revision and files, got repository="
                    + repository + ", revision=" + revision + ", files=" + files);
        }
        files = List.copyOf(files);
    }

    /** The table for {@code nyu-mll/glue} shipped in the jar. */
    public static GlueManifest builtIn() {
        try (InputStream in = GlueManifest.class.getResourceAsStream("/dropgrid/glue/nyu-mll-glue.json")) {
            return mapper().readValue(in, GlueManifest.class);
        } catch (IOException e) {
            throw new UncheckedIOException("the built-in GLUE manifest cannot be read", e);
        }
    }

    /** A manifest from a JSON file of the built-in table's shape. */
    public static GlueManifest read(Path file) {
        try {
            return mapper().readValue(Files.readAllBytes(file), GlueManifest.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read GLUE manifest " + file + ": " + e.getMessage(), e);
        }
    }

    /** The files of these tasks, in manifest order; every task must have at least one. */
    public List<HubFile> filesOf(Collection<GlueTask> tasks) {
        for (GlueTask task : tasks) {
            if (files.stream().noneMatch(f -> f.taskDir().equals(task.hfName()))) {
                throw new IllegalArgumentException("the GLUE manifest of " + repository + "@" + revision
                        + " has no files for " + task.dirName() + " (" + task.hfName() + "/)");
            }
        }
        return files.stream()
                .filter(f -> tasks.stream().anyMatch(t -> t.hfName().equals(f.taskDir())))
                .toList();
    }

    /** The download address of a file under a Hub endpoint ({@code https://huggingface.co}). */
    public String url(String baseUrl, HubFile file) {
        String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        return base + "/datasets/" + repository + "/resolve/" + revision + "/" + file.path();
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper()
                .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES);
    }
}
