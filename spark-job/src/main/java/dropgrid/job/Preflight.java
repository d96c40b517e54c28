package dropgrid.job;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dropgrid.experiment.Grid;
import dropgrid.glue.GlueData;
import dropgrid.glue.GlueTask;
import dropgrid.glue.Split;
import dropgrid.model.Architecture;
import dropgrid.model.PretrainedModels;
import dropgrid.storage.Location;
import dropgrid.tokenize.Tokenizers;
import dropgrid.train.Cell;
import dropgrid.train.ModelSource;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What can be known wrong about a grid before its first cell, found in one pass and reported at once,
 * as the spec validator reports a spec: the output (a directory dropgrid may write, proven by writing
 * and deleting a probe; a {@code results/} holding only what dropgrid wrote), every task's train and
 * dev files (parsed, not just found), and every model (names resolved, config and weights agreeing on
 * depth and on every tensor's shape, a tokenizer that loads). Otherwise a corrupt dev set costs a whole
 * fine-tuning, and an unwritable output is found at the first commit.
 *
 * <p>What was checked once is not checked again in the same JVM while its files are unchanged.
 */
public final class Preflight {

    /** How much to check: {@code plan} neither writes nor downloads; {@code run} does both. */
    public enum Mode { PLAN, RUN }

    /** Every problem found, as one exception; bad input, so the command exits 2. */
    public static final class Problems extends IllegalArgumentException {

        private final List<String> problems;

        Problems(List<String> problems) {
            super(problems.size() + (problems.size() == 1 ? " problem" : " problems")
                    + " found before the first cell ran:\n  - " + String.join("\n  - ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Preflight.class);
    /** Checks passed in this JVM, keyed by what was checked and the files' sizes and times. */
    private static final Map<String, Boolean> PASSED = new ConcurrentHashMap<>();

    private final List<String> problems = new ArrayList<>();
    private final Configuration conf;
    private final Mode mode;

    private Preflight(Configuration conf, Mode mode) {
        this.conf = conf;
        this.mode = mode;
    }

    /** Checks {@code grid}; throws {@link Problems} naming everything that is wrong. */
    public static void check(Grid grid, Configuration conf, Mode mode) {
        Preflight p = new Preflight(conf, mode);
        p.output(grid.output());
        p.glue(grid);
        p.models(grid);
        if (!p.problems.isEmpty()) {
            throw new Problems(p.problems);
        }
    }

    private void problem(String where, String what) {
        problems.add(where + ": " + what);
    }

    private void output(String output) {
        String at = "output " + output;
        try {
            Path dir = new Path(output);
            FileSystem fs = ResultFiles.plain(dir, conf);
            if (fs.exists(dir) && !fs.getFileStatus(dir).isDirectory()) {
                problem(at, "is a file, not a directory");
                return;
            }
            if (mode == Mode.RUN) {
                Path probe = new Path(new Path(dir, "cells"), "_probe-" + UUID.randomUUID());
                try (OutputStream out = fs.create(probe, true)) {
                    out.write("dropgrid checks it may write here\n".getBytes(StandardCharsets.UTF_8));
                }
                fs.delete(probe, false);
            }
            List<String> foreign = new ResultsDirectory(output, conf).foreignFiles();
            if (!foreign.isEmpty()) {
                problem(at, "results/ holds " + String.join(", ", foreign) + ", which dropgrid did not write and"
                        + " would not replace; move " + (foreign.size() == 1 ? "it" : "them") + " out of results/"
                        + " (dropgrid rebuilds results/ from cells/)");
            }
        } catch (IOException | RuntimeException e) {
            problem(at, "cannot be written (" + reason(e) + ")");
        }
    }

    private void glue(Grid grid) {
        List<String> tasks = grid.cells().stream().map(Cell::task).distinct().toList();
        for (String name : tasks) {
            GlueTask task = GlueTask.parse(name);
            java.nio.file.Path dir;
            try {
                dir = localGlue(grid.glueDir(), task);
            } catch (RuntimeException e) {
                problem("tasks: " + name, "cannot copy " + grid.glueDir() + "/" + task.dirName() + " to read it ("
                        + reason(e) + ")");
                continue;
            }
            List<Split> splits = new ArrayList<>(List.of(Split.TRAIN));
            splits.addAll(task.devSplits());
            for (Split split : splits) {
                String key = "glue|" + dir + "|" + name + "|" + split + "|" + stamp(dir.resolve(task.dirName()));
                if (PASSED.containsKey(key)) {
                    continue;
                }
                try {
                    if (GlueData.load(dir, task, split).isEmpty()) {
                        problem("tasks: " + name, "the " + split.name().toLowerCase(java.util.Locale.ROOT)
                                + " split in " + dir.resolve(task.dirName()) + " has no examples");
                        continue;
                    }
                    PASSED.put(key, true);
                } catch (RuntimeException e) {
                    problem("tasks: " + name, reason(e));
                }
            }
        }
    }

    private java.nio.file.Path localGlue(String glueDir, GlueTask task) {
        if (!Location.of(glueDir).isRemote()) {
            return Location.of(glueDir).path();
        }
        return java.nio.file.Path.of(InputStaging.localDir(new Path(glueDir, task.dirName()).toString(), conf))
                .getParent();
    }

    private void models(Grid grid) {
        Map<String, Cell> byModel = new LinkedHashMap<>();
        grid.cells().forEach(c -> byModel.putIfAbsent(c.modelId(), c));
        for (Cell c : byModel.values()) {
            String at = "models: " + c.modelId();
            int depth = grid.depths().get(c.modelId());
            if (Location.of(c.modelSource()).isRemote()) {
                remoteModel(at, c.modelSource(), depth);
                continue;
            }
            Optional<java.nio.file.Path> dir = localModel(at, c.modelSource());
            dir.ifPresent(d -> localModel(at, d, c.architecture(), depth));
        }
    }

    /** The model's directory on this machine: a directory as it is, a name fetched (run) or skipped (plan). */
    private Optional<java.nio.file.Path> localModel(String at, String source) {
        java.nio.file.Path dir = Location.of(source).path();
        if (Files.isDirectory(dir)) {
            return Optional.of(dir);
        }
        // A download is worth its time only for a grid that can run: other problems are reported first.
        if (mode == Mode.PLAN || !problems.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(ModelSource.resolve(source, line -> LOG.info("{}", line)));
        } catch (RuntimeException e) {
            problem(at, "cannot fetch " + source + " (" + reason(e) + ")");
            return Optional.empty();
        }
    }

    private void localModel(String at, java.nio.file.Path dir, Architecture architecture, int depth) {
        String key = "model|" + dir.toAbsolutePath() + "|" + stamp(dir);
        if (PASSED.containsKey(key)) {
            return;
        }
        try (PretrainedModels.Checkpoint checkpoint = PretrainedModels.read(dir)) {
            if (checkpoint.architecture() != architecture) {
                problem(at, dir + " holds a " + checkpoint.architecture().id() + " checkpoint, not "
                        + architecture.id());
                return;
            }
            if (checkpoint.depth() != depth) {
                problem(at, dir + " has " + checkpoint.depth() + " layers, the grid was planned with " + depth);
                return;
            }
            // Building every layer binds every tensor to its expected shape, which is what a cell will do.
            try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
                PretrainedModels.build(checkpoint, IntStream.range(0, depth).boxed().toList(), 2, 0.0, manager);
            }
            Tokenizers.load(dir, architecture).close();
            PASSED.put(key, true);
        } catch (RuntimeException e) {
            problem(at, reason(e));
        } catch (Exception e) {
            problem(at, reason(e));
        }
    }

    private void remoteModel(String at, String source, int depth) {
        try {
            FileSystem fs = new Path(source).getFileSystem(conf);
            Path hf = new Path(source, "config.json");
            Path google = new Path(source, "bert_config.json");
            if (!fs.exists(hf) && !fs.exists(google)) {
                problem(at, source + " has neither config.json nor bert_config.json");
            }
        } catch (IOException | RuntimeException e) {
            problem(at, "cannot read " + source + " (" + reason(e) + ")");
        }
        // Weights are checked where they are copied to: on each executor, before its first cell.
    }

    /** Sizes and modification times of a directory's files, so an edited file is checked again. */
    private static String stamp(java.nio.file.Path dir) {
        try (var files = Files.walk(dir, 2)) {
            return Long.toHexString(files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f) * 31 + Files.getLastModifiedTime(f).toMillis() + f.hashCode();
                } catch (IOException e) {
                    return 0;
                }
            }).sum());
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static String reason(Exception e) {
        StringBuilder s = new StringBuilder(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !s.toString().contains(cause.getMessage())) {
                s.append(": ").append(cause.getMessage());
            }
        }
        return s.toString().lines().findFirst().orElse("");
    }
}
