package dropgrid.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Resumable, checksummed downloads against an HTTP server on 127.0.0.1. */
class DownloadTest {

    private static final byte[] CONTENT = new byte[300_000];
    private static final String SHA256;

    static {
        new Random(11).nextBytes(CONTENT);
        try {
            SHA256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(CONTENT));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @TempDir Path dir;
    @RegisterExtension final FakeHub hub = new FakeHub();
    private final Download download = new Download(Duration.ofSeconds(2));
    private long lastProgress;

    @BeforeEach
    void serve() {
        hub.serve("/f.parquet", CONTENT);
    }

    @Test
    void freshDownloadIsVerifiedAndRenamedIntoPlace() throws Exception {
        Path target = dir.resolve("rte/f.parquet");
        assertEquals(Download.Outcome.DOWNLOADED, fetch(target, SHA256));
        assertArrayEquals(CONTENT, Files.readAllBytes(target));
        assertFalse(Files.exists(part(target)));
        assertEquals(List.of(new FakeHub.Request("/f.parquet", null)), hub.requests());
        assertEquals(CONTENT.length, lastProgress);
    }

    @Test
    void partialFileOfAnEarlierRunIsResumedWithARangeRequest() throws Exception {
        Path target = dir.resolve("f.parquet");
        Files.write(part(target), Arrays.copyOf(CONTENT, 123_456));
        assertEquals(Download.Outcome.RESUMED, fetch(target, SHA256));
        assertArrayEquals(CONTENT, Files.readAllBytes(target));
        assertEquals(List.of(new FakeHub.Request("/f.parquet", "bytes=123456-")), hub.requests());
    }

    @Test
    void connectionDroppedMidTransferIsResumedInTheSameRun() throws Exception {
        hub.dropFirstAnswerAfter(100_000);
        Path target = dir.resolve("f.parquet");
        assertEquals(Download.Outcome.RESUMED, fetch(target, SHA256));
        assertArrayEquals(CONTENT, Files.readAllBytes(target));
        List<FakeHub.Request> requests = hub.requests();
        assertEquals(2, requests.size(), requests.toString());
        assertNull(requests.get(0).range());
        long resumedAt = Long.parseLong(requests.get(1).range().replaceAll("bytes=(\\d+)-", "$1"));
        assertTrue(resumedAt > 0 && resumedAt <= 100_000, "resumed at " + resumedAt);
    }

    @Test
    void stalledConnectionTimesOutAndIsResumed() throws Exception {
        hub.stallFirstAnswerAfter(70_000);
        Path target = dir.resolve("f.parquet");
        assertEquals(Download.Outcome.RESUMED, fetch(target, SHA256));
        assertArrayEquals(CONTENT, Files.readAllBytes(target));
        assertEquals("bytes=70000-", hub.requests().get(1).range());
    }

    @Test
    void checksumMismatchFailsClearlyAndLeavesNoFile() throws IOException {
        Path target = dir.resolve("f.parquet");
        String wrong = "0".repeat(64);
        var e = assertThrows(IllegalStateException.class, () -> fetch(target, wrong));
        assertTrue(e.getMessage().startsWith("checksum mismatch for " + hub.baseUrl() + "/f.parquet: expected "
                + CONTENT.length + " bytes with SHA-256 " + wrong + ", got " + CONTENT.length + " bytes with SHA-256 "
                + SHA256), e.getMessage());
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(part(target)));
    }

    @Test
    void verifiedTargetIsNotFetchedAgainButADamagedOneIs() throws Exception {
        Path target = dir.resolve("f.parquet");
        Files.write(target, CONTENT);
        assertEquals(Download.Outcome.CACHED, fetch(target, SHA256));
        assertEquals(List.of(), hub.requests());
        byte[] damaged = CONTENT.clone();
        damaged[7] ^= 1;
        Files.write(target, damaged);
        assertEquals(Download.Outcome.DOWNLOADED, fetch(target, SHA256));
        assertArrayEquals(CONTENT, Files.readAllBytes(target));
    }

    @Test
    void serverIgnoringRangeRestartsFromTheFirstByte() throws Exception {
        hub.ignoreRange();
        Path target = dir.resolve("f.parquet");
        Files.write(part(target), Arrays.copyOf(CONTENT, 5_000));
        assertEquals(Download.Outcome.DOWNLOADED, fetch(target, SHA256));
        assertArrayEquals(CONTENT, Files.readAllBytes(target));
    }

    @Test
    void missingFileOnTheServerFailsOnceWithTheUrlAndStatus() {
        var e = assertThrows(IOException.class, () -> download.fetch(hub.baseUrl() + "/nope.parquet",
                dir.resolve("nope.parquet"), 10, Checksum.sha256(SHA256), (done, total) -> {}));
        assertEquals("GET " + hub.baseUrl() + "/nope.parquet answered HTTP 404", e.getMessage());
        assertEquals(1, hub.requests().size());
    }

    @Test
    void anEtagContradictingThePinFailsBeforeAnyByteIsWritten() {
        hub.header("/f.parquet", "X-Linked-Etag", "\"" + "ab".repeat(32) + "\"");
        Path target = dir.resolve("f.parquet");
        var e = assertThrows(IllegalStateException.class, () -> fetch(target, SHA256));
        assertTrue(e.getMessage().contains("expected SHA-256 " + SHA256 + ", but the server's ETag says the file has"
                + " SHA-256 " + "ab".repeat(32)), e.getMessage());
        assertFalse(Files.exists(target));
        assertFalse(Files.exists(target.resolveSibling("f.parquet.part")));
    }

    @Test
    void aMatchingEtagAndAGitBlobChecksumPass() throws Exception {
        MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
        sha1.update(("blob " + CONTENT.length + "\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        String blob = HexFormat.of().formatHex(sha1.digest(CONTENT));
        hub.header("/f.parquet", "ETag", "W/\"" + blob + "\"");
        Path target = dir.resolve("f.parquet");
        assertEquals(Download.Outcome.DOWNLOADED, download.fetch(hub.baseUrl() + "/f.parquet", target, CONTENT.length,
                Checksum.gitBlob(blob), (done, total) -> {}));
        assertArrayEquals(CONTENT, Files.readAllBytes(target));
    }

    @Test
    void redirectsAreFollowedAndTheTokenGoesToTheFirstHostOnly() throws Exception {
        try (FakeHub storage = new FakeHub()) {
            storage.serve("/blobs/f", CONTENT);
            hub.redirect("/f.parquet", storage.baseUrl() + "/blobs/f");
            hub.header("/f.parquet", "X-Linked-Etag", "\"" + SHA256 + "\"");
            Path target = dir.resolve("f.parquet");
            assertEquals(Download.Outcome.DOWNLOADED, download.withBearerToken("hf_secret").fetch(
                    hub.baseUrl() + "/f.parquet", target, CONTENT.length, Checksum.sha256(SHA256), (d, t) -> {}));
            assertArrayEquals(CONTENT, Files.readAllBytes(target));
            assertEquals(List.of(new FakeHub.Request("/f.parquet", null, "Bearer hf_secret")), hub.requests());
            assertEquals(List.of(new FakeHub.Request("/blobs/f", null, null)), storage.requests());
        }
    }

    @Test
    void aStatusErrorCarriesTheHubsErrorCode() {
        hub.requireToken("hf_secret");
        var e = assertThrows(Download.HttpStatusException.class, () -> fetch(dir.resolve("f.parquet"), SHA256));
        assertEquals(401, e.status());
        assertEquals("GatedRepo", e.errorCode());
    }

    private Download.Outcome fetch(Path target, String sha256) throws Exception {
        return download.fetch(hub.baseUrl() + "/f.parquet", target, CONTENT.length, Checksum.sha256(sha256),
                (done, total) -> lastProgress = done);
    }

    private static Path part(Path target) throws IOException {
        Files.createDirectories(target.getParent());
        return target.resolveSibling(target.getFileName() + ".part");
    }
}
