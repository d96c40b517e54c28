package dropgrid.job;

import com.fasterxml.jackson.databind.ObjectMapper;
import dropgrid.storage.Location;
import dropgrid.train.CellResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One driver per output. On a local disk, {@code <output>/_lock} is held with an operating-system lock,
 * which dies with its process (even under {@code kill -9}); on S3 and other remote stores, which have no
 * locks, {@code <output>/_lock.json} is a lease whose owner rewrites its heartbeat every
 * {@link #heartbeat()} and which anyone may take over once the heartbeat is older than {@link #staleAfter()}.
 * Either way the lock names its owner (who, where, since when, doing what), so a second driver can say
 * who holds the output; a lock left behind by a dead driver is taken over with a warning.
 */
public abstract class OutputLock implements AutoCloseable {

    /**
     * Who holds an output.
     *
     * @param leaseId random id of this hold
     * @param owner the user
     * @param host host name
     * @param pid process id
     * @param command what the holder is doing ({@code run smoke}, {@code collect})
     * @param startedAt when the hold began
     * @param heartbeatAt the holder's last sign of life
     */
    public record Holder(String leaseId, String owner, String host, long pid, String command, Instant startedAt,
            Instant heartbeatAt) {

        String describe() {
            return "dropgrid " + command + " (pid " + pid + " on " + host + ", user " + owner + ", since " + startedAt
                    + ")";
        }

        Holder beat() {
            return new Holder(leaseId, owner, host, pid, command, startedAt, Instant.now());
        }
    }

    /** Thrown when another driver holds the output. */
    public static final class BusyException extends IllegalStateException {
        BusyException(String message) {
            super(message);
        }
    }

    private static final ObjectMapper JSON = ResultFiles.JSON;
    private static final Logger LOG = LoggerFactory.getLogger(OutputLock.class);

    final Holder holder;

    OutputLock(Holder holder) {
        this.holder = holder;
    }

    /** Takes the output for {@code command}, or throws {@link BusyException} naming who holds it. */
    public static OutputLock acquire(String output, Configuration conf, String command) {
        Holder me = new Holder(UUID.randomUUID().toString(), System.getProperty("user.name"),
                CellResult.Execution.localHost(), ProcessHandle.current().pid(), command, Instant.now(), Instant.now());
        Location location = Location.of(output);
        return location.isRemote() ? Lease.acquire(new Path(output, "_lock.json"), conf, me)
                : Local.acquire(location.path().resolve("_lock"), me);
    }

    /** Who holds {@code output} now, or null if nobody does (for {@code dropgrid status}). */
    public static Holder holder(String output, Configuration conf) {
        Location location = Location.of(output);
        return location.isRemote() ? Lease.current(new Path(output, "_lock.json"), conf)
                : Local.current(location.path().resolve("_lock"));
    }

    /** How often a lease is renewed; {@code dropgrid.lock.heartbeatSeconds} (tests shorten it). */
    static Duration heartbeat() {
        return Duration.ofSeconds(Long.getLong("dropgrid.lock.heartbeatSeconds", 20));
    }

    /** How old a lease's heartbeat may get before others may take it over. */
    static Duration staleAfter() {
        return Duration.ofSeconds(Long.getLong("dropgrid.lock.staleSeconds", 120));
    }

    @Override
    public abstract void close();

    /** An operating-system lock on a local file; the file's content names the holder while it is held. */
    private static final class Local extends OutputLock {

        private final FileChannel channel;
        private final FileLock lock;

        private Local(Holder holder, FileChannel channel, FileLock lock) {
            super(holder);
            this.channel = channel;
            this.lock = lock;
        }

        static OutputLock acquire(java.nio.file.Path file, Holder me) {
            try {
                Files.createDirectories(file.getParent());
                FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException sameJvm) {
                    lock = null;
                }
                if (lock == null) {
                    Holder other = read(channel);
                    channel.close();
                    throw busy(file.getParent().toString(), other);
                }
                Holder previous = read(channel);
                if (previous != null) {
                    LOG.warn("{} was still held by {}, which ended without releasing it; taking it over",
                            file.getParent(), previous.describe());
                }
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(JSON.writeValueAsBytes(me)), 0);
                channel.force(true);
                return new Local(me, channel, lock);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot lock the output " + file.getParent() + " (" + file + ")", e);
            }
        }

        static Holder current(java.nio.file.Path file) {
            if (!Files.isRegularFile(file)) {
                return null;
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                FileLock probe;
                try {
                    probe = channel.tryLock();
                } catch (OverlappingFileLockException sameJvm) {
                    return read(channel);
                }
                if (probe != null) {
                    probe.release();
                    return null;
                }
                return read(channel);
            } catch (IOException e) {
                return null;
            }
        }

        private static Holder read(FileChannel channel) throws IOException {
            if (channel.size() == 0) {
                return null;
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(channel.size(), 1 << 16));
            channel.read(buffer, 0);
            try {
                return JSON.readValue(buffer.array(), 0, buffer.position(), Holder.class);
            } catch (IOException unreadable) {
                return new Holder("?", "?", "?", -1, "(unreadable lock file)", null, null);
            }
        }

        @Override
        public void close() {
            try {
                // An empty file is a lock released cleanly; content left behind means its holder died.
                channel.truncate(0);
                lock.release();
                channel.close();
            } catch (IOException e) {
                LOG.warn("cannot release the output lock: {}", e.toString());
            }
        }
    }

    /** A lease object on a store without locks (S3): written, read back, renewed, deleted. */
    private static final class Lease extends OutputLock {

        private final Path file;
        private final Configuration conf;
        private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dropgrid-lease-heartbeat");
            t.setDaemon(true);
            return t;
        });
        private volatile boolean lost;

        private Lease(Holder holder, Path file, Configuration conf) {
            super(holder);
            this.file = file;
            this.conf = conf;
            long every = heartbeat().toMillis();
            heartbeats.scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
        }

        static OutputLock acquire(Path file, Configuration conf, Holder me) {
            try {
                FileSystem fs = file.getFileSystem(conf);
                Holder other = current(fs, file);
                if (other != null) {
                    if (!stale(other)) {
                        throw busy(file.getParent().toString(), other);
                    }
                    LOG.warn("{} was held by {}, whose last heartbeat was at {}; taking it over", file.getParent(),
                            other.describe(), other.heartbeatAt());
                }
                write(fs, file, me);
                // Two drivers may both have seen no lease: the later write wins, and the earlier one sees it.
                Thread.sleep(Long.getLong("dropgrid.lock.settleMillis", 1000));
                Holder now = current(fs, file);
                if (now == null || !me.leaseId().equals(now.leaseId())) {
                    throw busy(file.getParent().toString(), now);
                }
                return new Lease(me, file, conf);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot take the lease " + file, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while taking the lease " + file, e);
            }
        }

        static Holder current(Path file, Configuration conf) {
            try {
                Holder h = current(file.getFileSystem(conf), file);
                return h == null || stale(h) ? null : h;
            } catch (IOException e) {
                return null;
            }
        }

        private static Holder current(FileSystem fs, Path file) throws IOException {
            if (!fs.exists(file)) {
                return null;
            }
            try (InputStream in = fs.open(file)) {
                return JSON.readValue(in.readAllBytes(), Holder.class);
            } catch (java.io.FileNotFoundException released) {
                return null;
            } catch (com.fasterxml.jackson.core.JacksonException unreadable) {
                // A lease nobody can read counts as dead once its object is old enough.
                Instant modified = Instant.ofEpochMilli(fs.getFileStatus(file).getModificationTime());
                return new Holder("?", "?", "?", -1, "(unreadable lease)", modified, modified);
            }
        }

        private static boolean stale(Holder h) {
            return h.heartbeatAt() == null || h.heartbeatAt().plus(staleAfter()).isBefore(Instant.now());
        }

        private static void write(FileSystem fs, Path file, Holder h) throws IOException {
            try (OutputStream out = fs.create(file, true)) {
                out.write(JSON.writeValueAsBytes(h));
            }
        }

        private void renew() {
            if (lost) {
                return;
            }
            try {
                FileSystem fs = file.getFileSystem(conf);
                Holder now = current(fs, file);
                if (now != null && !holder.leaseId().equals(now.leaseId())) {
                    lost = true;
                    LOG.error("the lease on {} was taken over by {} (this driver's heartbeat was late); two drivers"
                            + " now write to this output", file.getParent(), now.describe());
                    return;
                }
                write(fs, file, holder.beat());
            } catch (IOException e) {
                // The next heartbeat tries again; only a lease older than staleAfter can be taken.
                LOG.warn("renewing the lease {} failed: {}", file, e.toString());
            }
        }

        @Override
        public void close() {
            heartbeats.shutdownNow();
            try {
                FileSystem fs = file.getFileSystem(conf);
                Holder now = current(fs, file);
                if (now != null && holder.leaseId().equals(now.leaseId())) {
                    fs.delete(file, false);
                }
            } catch (IOException e) {
                LOG.warn("cannot release the lease {}: {}", file, e.toString());
            }
        }
    }

    private static BusyException busy(String output, Holder other) {
        return new BusyException(output + " is in use by " + (other == null ? "another dropgrid" : other.describe())
                + "; wait for it to finish, or choose another --output");
    }
}
