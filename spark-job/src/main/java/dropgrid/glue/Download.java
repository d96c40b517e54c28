package dropgrid.glue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A resumable, checksummed download of one file. Bytes go to {@code <target>.part}; an interrupted
 * transfer (a dropped or stalled connection now, or a killed run earlier) continues from the part's
 * size with an HTTP {@code Range} request. When the part has the expected size its SHA-256 is checked,
 * and only a matching file is renamed onto the target, atomically: the target either is absent or is
 * the verified file. A mismatch deletes the part and fails, naming the URL and both checksums.
 *
 * <p>{@link HttpURLConnection} rather than {@code java.net.http.HttpClient}: only the former has a read
 * timeout, and a download that stalls must fail (and resume) instead of hanging.
 */
public final class Download {

    /** How many times one file's transfer is (re)started in one call before giving up. */
    static final int ATTEMPTS = 4;

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-\\d+/(\\d+|\\*)");

    /** What {@link #fetch} did. */
    public enum Outcome {
        /** The target was already there with the right checksum. */
        CACHED,
        /** Downloaded from the first byte. */
        DOWNLOADED,
        /** Continued from a partial file with a Range request. */
        RESUMED
    }

    /** Receives progress: bytes of the file present so far, and its total size. */
    public interface Progress {
        void update(long done, long total);
    }

    private final Duration readTimeout;

    /**
     * @param readTimeout how long a connection may deliver no bytes before the attempt is abandoned and
     *     resumed
     */
    public Download(Duration readTimeout) {
        this.readTimeout = readTimeout;
    }

    /** Connect within 30 s; give up on (and resume) a connection silent for 60 s. */
    public static Download withDefaults() {
        return new Download(Duration.ofSeconds(60));
    }

    /**
     * Makes {@code target} the verified file at {@code url}.
     *
     * @param bytes the file's expected size
     * @param sha256 its expected SHA-256, lower-case hex
     * @throws IllegalStateException when the downloaded bytes do not have that checksum
     * @throws IOException when the server cannot be reached or answers with an error after all attempts
     */
    public Outcome fetch(String url, Path target, long bytes, String sha256, Progress progress) throws IOException {
        if (Files.isRegularFile(target)) {
            if (Files.size(target) == bytes && sha256(target).equals(sha256)) {
                progress.update(bytes, bytes);
                return Outcome.CACHED;
            }
            // A stale or damaged copy stays in place until a verified one replaces it.
        }
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path part = target.resolveSibling(target.getFileName() + ".part");
        if (size(part) > bytes) {
            Files.delete(part);
        }
        boolean resumed = false;
        IOException lastError = null;
        for (int attempt = 0; attempt < ATTEMPTS && size(part) < bytes; attempt++) {
            long have = size(part);
            try {
                resumed |= transfer(url, part, have, bytes, progress) && have > 0;
                lastError = null;
            } catch (HttpStatusException e) {
                throw e;
            } catch (IOException e) {
                lastError = e;
            }
        }
        long got = size(part);
        if (got < bytes) {
            throw new IOException("download of " + url + " stopped at " + got + " of " + bytes + " bytes after "
                    + ATTEMPTS + " attempts; rerun to resume from " + part
                    + (lastError == null ? "" : " (last error: " + lastError.getMessage() + ")"), lastError);
        }
        String actual = sha256(part);
        if (!actual.equals(sha256)) {
            Files.deleteIfExists(part);
            throw new IllegalStateException("checksum mismatch for " + url + ": expected " + bytes + " bytes with SHA-256 "
                    + sha256 + ", got " + got + " bytes with SHA-256 " + actual + ". The download was deleted and "
                    + target + " was left untouched; the server may hold another revision of the file.");
        }
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return resumed ? Outcome.RESUMED : Outcome.DOWNLOADED;
    }

    /**
     * One HTTP request appending to {@code part} from byte {@code have}. Returns whether the server
     * honoured the range (206); on a plain 200 the part is rewritten from the start.
     */
    private boolean transfer(String url, Path part, long have, long bytes, Progress progress) throws IOException {
        HttpURLConnection http = (HttpURLConnection) URI.create(url).toURL().openConnection();
        http.setConnectTimeout(30_000);
        http.setReadTimeout((int) readTimeout.toMillis());
        http.setInstanceFollowRedirects(true);
        http.setRequestProperty("User-Agent", "dropgrid fetch-glue");
        if (have > 0) {
            http.setRequestProperty("Range", "bytes=" + have + "-");
        }
        try {
            int status = http.getResponseCode();
            if (status == 416) {
                // The part is not a prefix the server can continue (it is at or past the end): start over.
                Files.deleteIfExists(part);
                throw new IOException("server refused range bytes=" + have + "- of " + url + " (HTTP 416)");
            }
            if (status != 200 && status != 206) {
                throw new HttpStatusException("GET " + url + " answered HTTP " + status);
            }
            boolean ranged = status == 206;
            long start = ranged ? rangeStart(http.getHeaderField("Content-Range"), url) : 0;
            if (ranged && start != have) {
                Files.deleteIfExists(part);
                throw new IOException("server resumed " + url + " at byte " + start + ", not " + have);
            }
            StandardOpenOption mode = ranged ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING;
            try (InputStream body = http.getInputStream();
                    OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            mode)) {
                byte[] buffer = new byte[1 << 16];
                long done = start;
                for (int n; (n = body.read(buffer)) > 0; ) {
                    if (done + n > bytes) {
                        throw new IOException(url + " sends more than the expected " + bytes + " bytes");
                    }
                    out.write(buffer, 0, n);
                    done += n;
                    progress.update(done, bytes);
                }
            }
            return ranged;
        } finally {
            http.disconnect();
        }
    }

    /** An answer that retrying will not change (404, 403, 500...), unlike a dropped connection. */
    private static final class HttpStatusException extends IOException {
        HttpStatusException(String message) {
            super(message);
        }
    }

    private static long rangeStart(String header, String url) throws IOException {
        Matcher m = CONTENT_RANGE.matcher(header == null ? "" : header);
        if (!m.matches()) {
            throw new IOException(url + " answered 206 with Content-Range '" + header + "'");
        }
        return Long.parseLong(m.group(1));
    }

    private static long size(Path file) throws IOException {
        return Files.isRegularFile(file) ? Files.size(file) : 0;
    }

    /** The SHA-256 of a file, lower-case hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
