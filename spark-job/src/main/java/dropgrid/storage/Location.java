package dropgrid.storage;

import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.regex.Pattern;

/**
 * Where a spec, a model, GLUE data or an output lives: a local path (plain, {@code ~/...} or a
 * {@code file:} URI) or a remote URI that a Hadoop file system serves ({@code s3a://bucket/key},
 * {@code hdfs://...}). The one place that tells the two apart.
 *
 * @param text the location as it was written
 */
public record Location(String text) {

    private static final Pattern URI_WITH_AUTHORITY = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*");

    public Location {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("a location must not be empty");
        }
    }

    public static Location of(String text) {
        return new Location(text);
    }

    /** A URI with a scheme other than {@code file}: read through a Hadoop file system, never as a path. */
    public boolean isRemote() {
        return URI_WITH_AUTHORITY.matcher(text).matches() && !isFileUri();
    }

    /**
     * The local path: a {@code file:} URI's path, {@code ~} expanded to the home directory, else the
     * text as a path (relative ones stay relative).
     *
     * @throws IllegalStateException for a remote location
     */
    public Path path() {
        if (isRemote()) {
            throw new IllegalStateException(text + " is remote, not a local path");
        }
        if (isFileUri()) {
            return Paths.get(URI.create(text));
        }
        if (text.equals("~") || text.startsWith("~/")) {
            return Paths.get(System.getProperty("user.home"), text.substring(1).replaceFirst("^/", ""));
        }
        return Paths.get(text);
    }

    /** A URI a Hadoop file system opens: a remote location as written, a local one as an absolute file: URI. */
    public String uri() {
        return isRemote() ? text : path().toAbsolutePath().normalize().toUri().toString();
    }

    private boolean isFileUri() {
        return text.startsWith("file:");
    }

    @Override
    public String toString() {
        return text;
    }
}
