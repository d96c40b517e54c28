package dropgrid.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One driver per local output: a second is told who holds it; a dead holder's lock is taken over. */
class OutputLockTest {

    @TempDir Path dir;

    @Test
    void aSecondDriverIsToldWhoHoldsTheOutput() {
        String output = dir.resolve("out").toString();
        try (OutputLock lock = OutputLock.acquire(output, new Configuration(), "run smoke")) {
            OutputLock.BusyException e = assertThrows(OutputLock.BusyException.class,
                    () -> OutputLock.acquire(output, new Configuration(), "collect"));
            assertTrue(e.getMessage().startsWith(output + " is in use by dropgrid run smoke (pid "
                    + ProcessHandle.current().pid() + " on "), e.getMessage());
            assertTrue(e.getMessage().endsWith("; wait for it to finish, or choose another --output"), e.getMessage());
            assertEquals("run smoke", OutputLock.holder(output, new Configuration()).command());
        }
        assertNull(OutputLock.holder(output, new Configuration()));
        try (OutputLock again = OutputLock.acquire(output, new Configuration(), "collect")) {
            assertEquals("collect", OutputLock.holder(output, new Configuration()).command());
        }
    }

    @Test
    void aLockLeftByADeadDriverIsTakenOver() throws Exception {
        Path out = Files.createDirectories(dir.resolve("out"));
        // What a kill -9 leaves: the holder's description, and no process holding the file.
        Files.writeString(out.resolve("_lock"), "{\"lease_id\":\"x\",\"owner\":\"someone\",\"host\":\"gone\",\"pid\":1,"
                + "\"command\":\"run old\",\"started_at\":\"2026-01-01T00:00:00Z\",\"heartbeat_at\":null}");
        assertNull(OutputLock.holder(out.toString(), new Configuration()));
        try (OutputLock lock = OutputLock.acquire(out.toString(), new Configuration(), "run new")) {
            assertEquals("run new", OutputLock.holder(out.toString(), new Configuration()).command());
        }
        assertEquals(0, Files.size(out.resolve("_lock")), "a cleanly released lock file is empty");
    }
}
