package dropgrid.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A resumable, checksummed download of one file. Bytes go to {@code <target>.part}; an interrupted
 * transfer (a dropped or stalled connection now, or a killed run earlier) continues from the part's
 * size with an HTTP {@code Range} request. When the part has the expected size its checksum is
 * checked, and only a matching file is renamed onto the target, atomically: the target either is
 * absent or is the verified file. A mismatch deletes the part and fails, naming the URL and both
 * checksums.
 *
 * <p>Redirects are followed here rather than by {@link HttpURLConnection}, for two reasons: the Hub
 * answers a Git LFS file with a redirect to a storage host, and a bearer token must reach only the
 * host it was meant for; and the Hub's first answer carries the file's own digest ({@code
 * X-Linked-Etag}, else {@code ETag}), which is compared with the expected checksum before any byte is
 * written, so a wrong pin fails in one request rather than after a whole download.
 *
 * <p>{@link HttpURLConnection} rather than {@code java.net.http.HttpClient}: only the former has a read
 * timeout, and a download that stalls must fail (and resume) instead of hanging.
 */
public final class Download {

    /** How many times one file's transfer is (re)started in one call before giving up. */
    static final int ATTEMPTS = 4;

    private static final int MAX_REDIRECTS = 10;
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

    /** An answer that retrying will not change (404, 403, 500...), unlike a dropped connection. */
    public static final class HttpStatusException extends IOException {
        private final int status;
        private final String errorCode;

        HttpStatusException(String url, int status, String errorCode) {
            super("GET " + url + " answered HTTP " + status);
            this.status = status;
            this.errorCode = errorCode;
        }

        public int status() {
            return status;
        }

        /** The Hub's {@code X-Error-Code} header ({@code RepoNotFound}, {@code GatedRepo}...), or null. */
        public String errorCode() {
            return errorCode;
        }
    }

    private final Duration readTimeout;
    private final String bearerToken;

    /**
     * @param readTimeout how long a connection may deliver no bytes before the attempt is abandoned and
     *     resumed
     */
    public Download(Duration readTimeout) {
        this(readTimeout, null);
    }

    private Download(Duration readTimeout, String bearerToken) {
        this.readTimeout = readTimeout;
        this.bearerToken = bearerToken;
    }

    /** Connect within 30 s; give up on (and resume) a connection silent for 60 s. */
    public static Download withDefaults() {
        return new Download(Duration.ofSeconds(60));
    }

    /**
     * The same downloader sending {@code Authorization: Bearer <token>} to the host of each URL it is
     * given, and to no host a redirect leads to. A null token sends none.
     */
    public Download withBearerToken(String token) {
        return new Download(readTimeout, token);
    }

    /**
     * Makes {@code target} the verified file at {@code url}.
     *
     * @param bytes the file's expected size
     * @param checksum its expected digest
     * @throws IllegalStateException when the server's ETag or the downloaded bytes contradict {@code
     *     checksum}
     * @throws IOException when the server cannot be reached or answers with an error after all attempts
     */
    public Outcome fetch(String url, Path target, long bytes, Checksum checksum, Progress progress)
            throws IOException {
        if (Files.isRegularFile(target)) {
            if (Files.size(target) == bytes && checksum.of(target).equals(checksum.hex())) {
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
                resumed |= transfer(url, part, have, bytes, checksum, progress) && have > 0;
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
        String actual = checksum.of(part);
        if (!actual.equals(checksum.hex())) {
            Files.deleteIfExists(part);
            throw new IllegalStateException("checksum mismatch for " + url + ": expected " + bytes + " bytes with "
                    + checksum + ", got " + got + " bytes with " + checksum.algorithm().label() + " " + actual
                    + ". The download was deleted and " + target + " was left untouched; the server may hold"
                    + " another revision of the file.");
        }
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return resumed ? Outcome.RESUMED : Outcome.DOWNLOADED;
    }

    /**
     * One HTTP request (and its redirects) appending to {@code part} from byte {@code have}. Returns
     * whether the server honoured the range (206); on a plain 200 the part is rewritten from the start.
     */
    private boolean transfer(String url, Path part, long have, long bytes, Checksum checksum, Progress progress)
            throws IOException {
        HttpURLConnection http = open(url, have, checksum);
        try {
            int status = http.getResponseCode();
            if (status == 416) {
                // The part is not a prefix the server can continue (it is at or past the end): start over.
                Files.deleteIfExists(part);
                throw new IOException("server refused range bytes=" + have + "- of " + url + " (HTTP 416)");
            }
            if (status != 200 && status != 206) {
                throw new HttpStatusException(url, status, http.getHeaderField("X-Error-Code"));
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

    /**
     * Connects to {@code url} and follows redirects to the answer that carries the body. The first
     * answer's ETag must not contradict {@code checksum}.
     */
    private HttpURLConnection open(String url, long have, Checksum checksum) throws IOException {
        URI origin = URI.create(url);
        URI current = origin;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpURLConnection http = (HttpURLConnection) current.toURL().openConnection();
            http.setConnectTimeout(30_000);
            http.setReadTimeout((int) readTimeout.toMillis());
            http.setInstanceFollowRedirects(false);
            http.setRequestProperty("User-Agent", "dropgrid");
            if (have > 0) {
                http.setRequestProperty("Range", "bytes=" + have + "-");
            }
            if (bearerToken != null && sameOrigin(current, origin)) {
                http.setRequestProperty("Authorization", "Bearer " + bearerToken);
            }
            int status = http.getResponseCode();
            if (hop == 0) {
                checkEtag(http, url, checksum);
            }
            String location = http.getHeaderField("Location");
            if (status < 300 || status >= 400 || location == null) {
                return http;
            }
            http.disconnect();
            current = current.resolve(location);
        }
        throw new IOException(url + " redirects more than " + MAX_REDIRECTS + " times");
    }

    private static void checkEtag(HttpURLConnection http, String url, Checksum checksum) throws IOException {
        String header = http.getHeaderField("X-Linked-Etag");
        if (header == null) {
            header = http.getHeaderField("ETag");
        }
        if (header == null) {
            return;
        }
        String etag = Checksum.bareEtag(header);
        if (checksum.comparableTo(etag) && !etag.equals(checksum.hex())) {
            http.disconnect();
            throw new IllegalStateException("checksum mismatch for " + url + ": expected " + checksum
                    + ", but the server's ETag says the file has " + checksum.algorithm().label() + " " + etag
                    + ". Nothing was downloaded; the server holds another version of the file than the one pinned.");
        }
    }

    private static boolean sameOrigin(URI a, URI b) {
        return a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost().equalsIgnoreCase(b.getHost())
                && a.getPort() == b.getPort();
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
}
