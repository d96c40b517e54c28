package dropgrid.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An HTTP file server on 127.0.0.1 for download tests: serves byte arrays by path (with extra headers
 * if asked), redirects, honours {@code Range: bytes=N-} with 206 (unless told not to), can drop the
 * connection part-way through its first answer, can demand a bearer token as the Hub does for gated
 * repositories (401 without one), and records every request's path, Range and Authorization headers.
 * As a field with {@code @RegisterExtension} it is closed after each test.
 */
public final class FakeHub implements AutoCloseable, AfterEachCallback {

    /** One request as the server saw it; {@code range} and {@code authorization} are null when not sent. */
    public record Request(String path, String range, String authorization) {
        public Request(String path, String range) {
            this(path, range, null);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> headers = new ConcurrentHashMap<>();
    private final Map<String, String> redirects = new ConcurrentHashMap<>();
    private volatile String requiredToken;
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean honourRange = true;
    private volatile long dropFirstAnswerAfter = -1;
    private volatile long stallFirstAnswerAfter = -1;

    public FakeHub() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a server socket on 127.0.0.1", e);
        }
        server.createContext("/", this::handle);
        // One thread per request: a stalled answer must not hold back the client's retry.
        server.setExecutor(threads);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public void serve(String path, byte[] content) {
        files.put(path, content);
    }

    /** Adds a response header to every answer for {@code path} (a redirect's or a file's). */
    public void header(String path, String name, String value) {
        headers.computeIfAbsent(path, p -> new ConcurrentHashMap<>()).put(name, value);
    }

    /** Answers {@code path} with 302 to {@code location}. */
    public void redirect(String path, String location) {
        redirects.put(path, location);
    }

    /** Answers 401 to every request without {@code Authorization: Bearer <token>}. */
    public void requireToken(String token) {
        requiredToken = token;
    }

    /**
     * Serves the files of {@code dir} as {@code repository} at {@code commit} the way the Hub does: the
     * revision listing ({@code ?blobs=true} shape) at the commit and at {@code main}, and each file under
     * {@code resolve/<commit>/}: a file named in {@code lfs} redirects to {@code storage} with its
     * SHA-256 as {@code X-Linked-Etag}, any other answers with its Git blob id as {@code ETag}.
     */
    public void serveModel(String repository, String commit, Path dir, Set<String> lfs, FakeHub storage)
            throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode listing = json.createObjectNode().put("id", repository).put("sha", commit);
        ArrayNode siblings = listing.putArray("siblings");
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                byte[] bytes = Files.readAllBytes(file);
                ObjectNode sibling = siblings.addObject().put("rfilename", name).put("size", bytes.length)
                        .put("blobId", Checksum.compute(Checksum.Algorithm.GIT_BLOB, file));
                String resolve = "/" + repository + "/resolve/" + commit + "/" + name;
                if (lfs.contains(name)) {
                    String sha256 = Checksum.compute(Checksum.Algorithm.SHA256, file);
                    sibling.putObject("lfs").put("sha256", sha256).put("size", bytes.length);
                    String blob = "/lfs/" + repository + "/" + sha256;
                    storage.serve(blob, bytes);
                    redirect(resolve, storage.baseUrl() + blob);
                    header(resolve, "X-Linked-Etag", "\"" + sha256 + "\"");
                    header(resolve, "X-Linked-Size", String.valueOf(bytes.length));
                } else {
                    serve(resolve, bytes);
                    header(resolve, "ETag", "\"" + Checksum.compute(Checksum.Algorithm.GIT_BLOB, file) + "\"");
                }
            }
        }
        byte[] body = json.writeValueAsBytes(listing);
        serve("/api/models/" + repository + "/revision/" + commit, body);
        serve("/api/models/" + repository + "/revision/main", body);
    }

    public void ignoreRange() {
        honourRange = false;
    }

    /** The first answer sends its full Content-Length header but only {@code bytes} of the body. */
    public void dropFirstAnswerAfter(long bytes) {
        dropFirstAnswerAfter = bytes;
    }

    /** The first answer sends {@code bytes} of the body, then nothing for 30 s. */
    public void stallFirstAnswerAfter(long bytes) {
        stallFirstAnswerAfter = bytes;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String range = exchange.getRequestHeaders().getFirst("Range");
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        requests.add(new Request(path, range, authorization));
        headers.getOrDefault(path, Map.of()).forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
        String token = requiredToken;
        if (token != null && !("Bearer " + token).equals(authorization)) {
            exchange.getResponseHeaders().add("X-Error-Code", "GatedRepo");
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
            return;
        }
        String location = redirects.get(path);
        if (location != null) {
            exchange.getResponseHeaders().add("Location", location);
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
            return;
        }
        byte[] content = files.get(path);
        if (content == null) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
        }
        int start = 0;
        int status = 200;
        if (range != null && honourRange) {
            start = Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
            if (start >= content.length) {
                exchange.sendResponseHeaders(416, -1);
                exchange.close();
                return;
            }
            status = 206;
            exchange.getResponseHeaders().add("Content-Range",
                    "bytes " + start + "-" + (content.length - 1) + "/" + content.length);
        }
        int length = content.length - start;
        exchange.sendResponseHeaders(status, length);
        long drop = dropFirstAnswerAfter;
        long stall = stallFirstAnswerAfter;
        dropFirstAnswerAfter = -1;
        stallFirstAnswerAfter = -1;
        OutputStream body = exchange.getResponseBody();
        if (drop >= 0 || stall >= 0) {
            body.write(content, start, (int) Math.max(drop, stall));
            body.flush();
            if (stall >= 0) {
                sleep(30_000);
            }
            // An exception out of the handler makes HttpServer close the connection mid-body.
            throw new IOException("fake hub cuts the transfer");
        }
        body.write(content, start, length);
        exchange.close();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }
}
