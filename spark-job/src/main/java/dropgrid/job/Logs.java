package dropgrid.job;

import dropgrid.storage.Location;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.apache.hadoop.conf.Configuration;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilder;
import org.apache.logging.log4j.core.config.builder.api.ConfigurationBuilderFactory;
import org.apache.logging.log4j.core.config.builder.impl.BuiltConfiguration;

/**
 * Where a command's log lines go when it is run from {@code ./dropgrid}: everything (Spark's, Hadoop's,
 * DJL's, ours, and libtorch's native stderr lines, which the launcher routes to a file) into a log
 * file, {@code <output>/logs/} once the command knows its output, a temporary file before that; on
 * the console only warnings from dropgrid and errors from anyone. {@code --verbose} leaves logging as
 * Spark sets it up, and under {@code spark-submit} the cluster's log configuration is left alone.
 */
public final class Logs {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private static String command;
    private static Path file;
    private static org.apache.hadoop.fs.Path remoteTarget;
    private static Configuration remoteConf;

    private Logs() {}

    /** Sends the log to a temporary file and keeps the console quiet, unless {@code verbose} or under spark-submit. */
    public static synchronized void quiet(String commandName, boolean verbose) {
        if (verbose || System.getProperty("spark.submit.deployMode") != null) {
            return;
        }
        command = commandName;
        try {
            Files.createDirectories(temporaryDir());
            file = temporaryDir().resolve(name());
        } catch (IOException e) {
            return;  // no log file: the console stays as it is
        }
        configure(file);
        System.setErr(new PrintStream(new AsideLines(System.err, "SLF4J: "), true, StandardCharsets.UTF_8));
    }

    /**
     * A stream that sends whole lines starting with {@code prefix} to the log and the others on: the
     * AWS SDK bundle's own copy of slf4j 1.7 prints its binding complaints to stderr on every S3 use.
     */
    private static final class AsideLines extends OutputStream {

        private final PrintStream out;
        private final byte[] prefix;
        private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();

        AsideLines(PrintStream out, String prefix) {
            this.out = out;
            this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public synchronized void write(int b) {
            line.write(b);
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                line.reset();
                if (java.util.Arrays.equals(bytes, 0, Math.min(prefix.length, bytes.length), prefix, 0,
                        Math.min(prefix.length, bytes.length)) && bytes.length >= prefix.length) {
                    org.slf4j.LoggerFactory.getLogger("stderr").info("{}",
                            new String(bytes, StandardCharsets.UTF_8).stripTrailing());
                } else {
                    out.write(bytes, 0, bytes.length);
                }
            }
        }

        @Override
        public synchronized void flush() {
            // A partial line (a progress line redrawn in place) goes out as it is.
            if (line.size() > 0 && !startsWithPrefixSoFar()) {
                byte[] bytes = line.toByteArray();
                line.reset();
                out.write(bytes, 0, bytes.length);
            }
            out.flush();
        }

        private boolean startsWithPrefixSoFar() {
            byte[] bytes = line.toByteArray();
            int n = Math.min(bytes.length, prefix.length);
            return java.util.Arrays.equals(bytes, 0, n, prefix, 0, n);
        }
    }

    /** Moves the log under {@code <output>/logs/} (for a remote output: uploads it there at {@link #finish}). */
    public static synchronized void under(String output, Configuration conf) {
        if (file == null) {
            return;
        }
        Location location = Location.of(output);
        try {
            if (location.isRemote()) {
                remoteTarget = new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(output, "logs"), name());
                remoteConf = conf;
                return;
            }
            Path dir = location.path().resolve("logs");
            Files.createDirectories(dir);
            Path moved = dir.resolve(file.getFileName());
            if (!moved.equals(file)) {
                Files.copy(file, moved);
                configure(moved);
                Files.deleteIfExists(file);
                file = moved;
            }
        } catch (IOException | RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(Logs.class).debug("log stays in {}: {}", file, e.toString());
        }
    }

    /** Whether the log is still in the temporary directory: the command never learnt an output to keep it in. */
    public static synchronized boolean temporary() {
        return file != null && file.getParent().equals(temporaryDir());
    }

    private static Path temporaryDir() {
        return Path.of(System.getProperty("java.io.tmpdir"), "dropgrid-logs");
    }

    /** The log file, or null when logging was left as it was. */
    public static synchronized Path file() {
        return file;
    }

    /**
     * Appends the native lines the launcher collected and uploads a remote output's log; returns the
     * local log file, or null when logging was left as it was.
     */
    public static synchronized Path finish() {
        if (file == null) {
            return null;
        }
        String nativeLog = System.getenv("DROPGRID_NATIVE_LOG");
        if (nativeLog != null && Files.isRegularFile(Path.of(nativeLog))) {
            try {
                Files.write(file, Files.readAllBytes(Path.of(nativeLog)), StandardOpenOption.APPEND);
            } catch (IOException e) {
                // The launcher leaves the native file where it is.
            }
        }
        if (remoteTarget != null) {
            try (InputStream in = Files.newInputStream(file);
                    OutputStream out = remoteTarget.getFileSystem(remoteConf).create(remoteTarget, true)) {
                in.transferTo(out);
            } catch (IOException | RuntimeException e) {
                // The local file is still there, and named to the user.
            }
        }
        return file;
    }

    private static String name() {
        return command.replace(' ', '-') + "-" + LocalDateTime.now().format(STAMP) + "-"
                + ProcessHandle.current().pid() + ".log";
    }

    private static void configure(Path logFile) {
        ConfigurationBuilder<BuiltConfiguration> b = ConfigurationBuilderFactory.newConfigurationBuilder();
        b.setStatusLevel(Level.ERROR);
        b.setConfigurationName("dropgrid-quiet");
        b.add(b.newAppender("console", "Console").addAttribute("target", ConsoleAppender.Target.SYSTEM_ERR)
                .add(b.newLayout("PatternLayout")
                        .addAttribute("pattern", "dropgrid: %level{WARN=warning, ERROR=error, FATAL=error}: %m%n")));
        b.add(b.newAppender("file", "File").addAttribute("fileName", logFile.toString()).addAttribute("append", true)
                .add(b.newLayout("PatternLayout")
                        .addAttribute("pattern", "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%t] %c: %m%n%ex")));
        b.add(b.newLogger("dropgrid", Level.INFO).addAttribute("additivity", false)
                .add(b.newAppenderRef("console").addAttribute("level", Level.WARN))
                .add(b.newAppenderRef("file")));
        b.add(b.newRootLogger(Level.INFO)
                .add(b.newAppenderRef("console").addAttribute("level", Level.ERROR))
                .add(b.newAppenderRef("file")));
        Configurator.reconfigure(b.build());
    }
}
