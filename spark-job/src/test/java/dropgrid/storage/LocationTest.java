package dropgrid.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LocationTest {

    @Test
    void urisWithAHadoopSchemeAreRemoteFileUrisAndPathsAreLocal() {
        assertTrue(Location.of("s3a://bucket/out").isRemote());
        assertTrue(Location.of("hdfs://nn:8020/glue").isRemote());
        assertFalse(Location.of("file:///tmp/out").isRemote());
        assertFalse(Location.of("file:/tmp/out").isRemote());
        assertFalse(Location.of("/tmp/out").isRemote());
        assertFalse(Location.of("results/smoke").isRemote());
        assertFalse(Location.of("~/glue").isRemote());
        // A colon alone is no scheme: a directory may be called "a:b".
        assertFalse(Location.of("a:b/c").isRemote());
    }

    @Test
    void localPathsExpandFileUrisAndTheHomeDirectory() {
        assertEquals(Path.of("/tmp/out"), Location.of("file:///tmp/out").path());
        assertEquals(Path.of("/tmp/out"), Location.of("file:/tmp/out").path());
        assertEquals(Path.of(System.getProperty("user.home"), "glue"), Location.of("~/glue").path());
        assertEquals(Path.of(System.getProperty("user.home")), Location.of("~").path());
        assertEquals(Path.of("results/smoke"), Location.of("results/smoke").path());
        assertThrows(IllegalStateException.class, () -> Location.of("s3a://b/k").path());
    }

    @Test
    void uriIsWhatAHadoopFileSystemOpens() {
        assertEquals("s3a://bucket/specs/a.yaml", Location.of("s3a://bucket/specs/a.yaml").uri());
        assertEquals("file:///tmp/a.yaml", Location.of("/tmp/x/../a.yaml").uri());
        assertEquals(Path.of("").toAbsolutePath().resolve("a.yaml").toUri().toString(), Location.of("a.yaml").uri());
    }
}
