package dropgrid.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;

/**
 * moto's S3 server on 127.0.0.1 ({@code src/test/python/moto_s3_server.py}) with one bucket, optionally
 * answering a seeded share of requests with 503 SlowDown, a dropped connection or a one-second delay.
 */
final class MotoS3 implements AutoCloseable {

    static final String ACCESS_KEY = "AKIADROPGRIDTEST0001";
    static final String SECRET = "dropgrid-test-secret-7f3a9c0e51b24d68";

    private final Process process;
    private final int port;
    private final Path faultLog;
    private final int attempts;

    /** @param faults e.g. {@code 503=0.08,drop=0.03,slow=0.05}, or empty for a reliable server */
    MotoS3(Path dir, String bucket, String faults, int attempts) throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        this.attempts = attempts;
        faultLog = dir.resolve("faults.log");
        List<String> command = new ArrayList<>(List.of(System.getProperty("dropgrid.python", "python3"),
                "src/test/python/moto_s3_server.py", "-H", "127.0.0.1", "-p", String.valueOf(port)));
        if (!faults.isEmpty()) {
            command.addAll(List.of("--faults", faults, "--seed", "7", "--fault-log", faultLog.toString()));
        }
        Path log = dir.resolve("moto.log");
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(endpoint() + "/" + bucket))
                        .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    break;
                }
                throw new IllegalStateException("creating the bucket answered " + r.statusCode() + ": " + r.body());
            } catch (IOException notYetUp) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("moto server did not start:\n" + Files.readString(log), notYetUp);
                }
                Thread.sleep(200);
            }
        }
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** S3A settings for this server, credentials left to the environment or {@link #conf()}. */
    Map<String, String> s3aSettings() {
        Map<String, String> s = new LinkedHashMap<>(Map.of("fs.s3a.endpoint", endpoint(),
                "fs.s3a.path.style.access", "true", "fs.s3a.connection.ssl.enabled", "false",
                "fs.s3a.endpoint.region", "us-east-1", "fs.s3a.attempts.maximum", String.valueOf(attempts),
                "fs.s3a.retry.limit", String.valueOf(attempts)));
        s.put("fs.s3a.retry.interval", "100ms");
        s.put("fs.s3a.retry.throttle.interval", "100ms");
        return s;
    }

    Configuration conf() {
        Configuration c = new Configuration();
        s3aSettings().forEach(c::set);
        c.set("fs.s3a.access.key", ACCESS_KEY);
        c.set("fs.s3a.secret.key", SECRET);
        return c;
    }

    /** The faults injected so far, by kind ({@code 503}, {@code drop}, {@code slow}). */
    Map<String, Long> injected() throws IOException {
        Map<String, Long> counts = new TreeMap<>();
        if (Files.exists(faultLog)) {
            Files.readAllLines(faultLog).forEach(l -> counts.merge(l.split(" ")[0], 1L, Long::sum));
        }
        return counts;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
