package dropgrid.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a downloaded file must hash to. The Hub names a file's content two ways: a Git LFS file by the
 * SHA-256 of its bytes (its {@code X-Linked-Etag}), a file kept in Git itself by its Git blob id, the
 * SHA-1 of {@code "blob <size>\0"} followed by the bytes (its {@code ETag}). Pinned manifests use
 * SHA-256.
 *
 * @param algorithm how {@code hex} was computed
 * @param hex the expected digest, lower-case hex
 */
public record Checksum(Algorithm algorithm, String hex) {

    /** A digest over a file's bytes. */
    public enum Algorithm {
        SHA256("SHA-256", 64),
        GIT_BLOB("Git blob SHA-1", 40);

        private final String label;
        private final int hexDigits;

        Algorithm(String label, int hexDigits) {
            this.label = label;
            this.hexDigits = hexDigits;
        }

        /** How error messages and summaries name it ({@code SHA-256}). */
        public String label() {
            return label;
        }
    }

    public Checksum {
        if (algorithm == null || hex == null
                || !Pattern.matches("[0-9a-f]{" + algorithm.hexDigits + "}", hex)) {
            throw new IllegalArgumentException("a " + (algorithm == null ? "checksum" : algorithm.label) + " is "
                    + (algorithm == null ? "" : algorithm.hexDigits + " ") + "lower-case hex digits, got '" + hex + "'");
        }
    }

    public static Checksum sha256(String hex) {
        return new Checksum(Algorithm.SHA256, hex == null ? null : hex.toLowerCase(Locale.ROOT));
    }

    public static Checksum gitBlob(String hex) {
        return new Checksum(Algorithm.GIT_BLOB, hex == null ? null : hex.toLowerCase(Locale.ROOT));
    }

    /**
     * Whether {@code etag}, as a server sent it (quoted, maybe weak), is a digest of this checksum's
     * kind; only then can it confirm or contradict this checksum.
     */
    boolean comparableTo(String etag) {
        return Pattern.matches("[0-9a-f]{" + algorithm.hexDigits + "}", etag);
    }

    /** This checksum's digest of {@code file}, lower-case hex. */
    public String of(Path file) throws IOException {
        return compute(algorithm, file);
    }

    /** The digest of {@code file} by {@code algorithm}, lower-case hex. */
    public static String compute(Algorithm algorithm, Path file) throws IOException {
        MessageDigest digest = digest(algorithm == Algorithm.SHA256 ? "SHA-256" : "SHA-1");
        if (algorithm == Algorithm.GIT_BLOB) {
            digest.update(("blob " + Files.size(file) + "\0").getBytes(StandardCharsets.US_ASCII));
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** An ETag header's value without its weak marker and quotes, lower case. */
    static String bareEtag(String header) {
        String v = header.trim();
        if (v.startsWith("W/")) {
            v = v.substring(2);
        }
        return v.replace("\"", "").toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return algorithm.label + " " + hex;
    }

    private static MessageDigest digest(String name) {
        try {
            return MessageDigest.getInstance(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(name + " is missing from this JVM", e);
        }
    }
}
