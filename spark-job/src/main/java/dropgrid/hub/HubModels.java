package dropgrid.hub;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Fetches a model from the Hub into a local directory that {@code PretrainedModels} and {@code
 * Tokenizers} read: {@code config.json}, the weights and the tokenizer files of one commit, each file
 * resumable and checked (size and checksum: the manifest's pin where there is one, else the Hub's own
 * listing of the commit), gathered in {@code <dir>.partial/} and moved onto {@code <dir>} in one rename
 * once every file is verified, with {@value #SOURCE_FILE} recording what was checked against what. A
 * complete directory of a commit is never fetched again; concurrent fetches of one directory (threads
 * or processes) wait for each other.
 */
public final class HubModels {

    /** Written last into a fetched directory: its provenance, and the mark that it is complete. */
    public static final String SOURCE_FILE = "dropgrid-source.json";

    /** Weights files in the order they are preferred. */
    static final List<String> WEIGHTS = List.of("model.safetensors", "pytorch_model.bin");

    /** Tokenizer files taken when a repository has them (an architecture needs one or two of them). */
    static final List<String> TOKENIZER_FILES = List.of("tokenizer.json", "tokenizer_config.json",
            "special_tokens_map.json", "vocab.txt", "vocab.json", "merges.txt", "spiece.model");

    private HubModels() {}

    /** Receives per-file progress (a progress bar on stderr, a log line on an executor). */
    public interface Listener {
        /** A file's transfer (or check) begins; the returned progress receives its bytes. */
        Download.Progress started(String path, long bytes);

        void finished(String path, Download.Outcome outcome);
    }

    /** No progress reports. */
    public static final Listener SILENT = new Listener() {
        @Override
        public Download.Progress started(String path, long bytes) {
            return (done, total) -> {};
        }

        @Override
        public void finished(String path, Download.Outcome outcome) {}
    };

    /**
     * One fetched file.
     *
     * @param checksum the digest it was verified against
     * @param checkedAgainst {@code manifest} (pinned in the project) or {@code hub} (the Hub's listing)
     * @param outcome {@code downloaded}, {@code resumed}, {@code cached}
     */
    public record FetchedFile(String path, long bytes, String checksum, String checkedAgainst, String outcome) {}

    /** What a fetch did; {@code files} is empty when the directory was complete already. */
    public record Fetched(String source, String repository, String commit, String dir, boolean cached,
            List<FetchedFile> files, long bytesTotal, double seconds) {}

    /** Where a commit's files live by default: {@code <models root>/hf/<org>--<name>/<commit>}. */
    public static Path defaultDir(Path modelsRoot, String repository, String commit) {
        return modelsRoot.resolve("hf").resolve(repository.replace("/", "--")).resolve(commit);
    }

    /** The default directory of {@code source} when its revision is a commit (cached or not), else empty. */
    public static Optional<Path> knownDir(HubSource source, Path modelsRoot) {
        String revision = revisionOf(source);
        return HubSource.isCommit(revision) ? Optional.of(defaultDir(modelsRoot, source.repository(), revision))
                : Optional.empty();
    }

    /** Whether {@code dir} holds a completed fetch. */
    public static boolean isComplete(Path dir) {
        return Files.isRegularFile(dir.resolve(SOURCE_FILE));
    }

    /**
     * Makes {@code dir} (null: the default directory of the commit) the verified files of {@code
     * source}. A revision that is a commit and already complete needs no network.
     *
     * @throws IllegalArgumentException when the Hub has no such repository, revision or file, refuses
     *     the token, or the revision holds no weights dropgrid reads
     * @throws IllegalStateException when a file's bytes or the Hub's listing contradict the manifest
     */
    public static synchronized Fetched fetch(HubSource source, HubClient hub, Path modelsRoot, Path dir,
            Listener listener) throws IOException {
        long start = System.nanoTime();
        Optional<ModelManifest.Entry> pin = pinOf(source);
        String revision = revisionOf(source);
        if (HubSource.isCommit(revision)) {
            Path target = dir != null ? dir : defaultDir(modelsRoot, source.repository(), revision);
            if (holds(target, source.repository(), revision)) {
                return cached(source, revision, target, start);
            }
        }
        HubClient.Revision listing = hub.revision(source.repository(), revision);
        if (HubSource.isCommit(revision) && !listing.commit().equals(revision)) {
            throw new IllegalStateException(hub.endpoint() + " answered commit " + listing.commit() + " for "
                    + source.repository() + "@" + revision);
        }
        Path target = dir != null ? dir : defaultDir(modelsRoot, source.repository(), listing.commit());
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path lockFile = target.resolveSibling(target.getFileName() + ".lock");
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.lock()) {
            if (holds(target, source.repository(), listing.commit())) {
                return cached(source, listing.commit(), target, start);
            }
            List<Planned> plan = plan(source, pin, listing);
            Path partial = target.resolveSibling(target.getFileName() + ".partial");
            Download download = hub.download();
            List<FetchedFile> fetched = new ArrayList<>();
            long total = 0;
            for (Planned file : plan) {
                Download.Progress progress = listener.started(file.path(), file.bytes());
                Download.Outcome outcome;
                try {
                    outcome = download.fetch(hub.fileUrl(source.repository(), listing.commit(), file.path()),
                            partial.resolve(file.path()), file.bytes(), file.checksum(), progress);
                } catch (Download.HttpStatusException e) {
                    throw hub.explain(e, source.repository(), listing.commit(), file.path());
                }
                listener.finished(file.path(), outcome);
                fetched.add(new FetchedFile(file.path(), file.bytes(), file.checksum().toString(),
                        file.checkedAgainst(), outcome.name().toLowerCase(Locale.ROOT)));
                total += file.bytes();
            }
            Fetched result = new Fetched(source.toString(), source.repository(), listing.commit(),
                    target.toAbsolutePath().toString(), false, fetched, total, (System.nanoTime() - start) / 1e9);
            json().writeValue(partial.resolve(SOURCE_FILE).toFile(), new Provenance(source.toString(),
                    source.repository(), listing.commit(), hub.endpoint(), fetched));
            install(partial, target);
            return result;
        }
    }

    /**
     * Whether {@code dir} is a complete fetch of {@code repository} at {@code commit}; a complete fetch of
     * anything else there is an error rather than a reason to overwrite it.
     */
    private static boolean holds(Path dir, String repository, String commit) throws IOException {
        if (!isComplete(dir)) {
            return false;
        }
        Provenance p = json().readValue(dir.resolve(SOURCE_FILE).toFile(), Provenance.class);
        if (!p.repository().equalsIgnoreCase(repository) || !p.commit().equals(commit)) {
            throw new IllegalArgumentException(dir + " already holds " + p.repository() + "@" + p.commit() + ", not "
                    + repository + "@" + commit + "; give another directory or remove that one");
        }
        return true;
    }

    /** The manifest entry pinning this repository at this revision (or at no revision asked for). */
    static Optional<ModelManifest.Entry> pinOf(HubSource source) {
        return ModelManifest.builtIn().byRepository(source.repository())
                .filter(e -> source.revision() == null || source.revision().equals(e.revision()));
    }

    /** The revision fetched: the one asked for, else the manifest's commit, else {@code main}. */
    static String revisionOf(HubSource source) {
        if (source.revision() != null) {
            return source.revision();
        }
        return pinOf(source).map(ModelManifest.Entry::revision).orElse("main");
    }

    /** What one file must be, and who said so. */
    private record Planned(String path, long bytes, Checksum checksum, String checkedAgainst) {}

    /** The files to fetch and what each must match; contradictions between manifest and Hub fail here. */
    private static List<Planned> plan(HubSource source, Optional<ModelManifest.Entry> pin, HubClient.Revision listing) {
        String where = source.repository() + "@" + listing.commit();
        List<Planned> plan = new ArrayList<>();
        if (pin.isPresent()) {
            for (ModelManifest.PinnedFile f : pin.get().files()) {
                HubClient.RepoFile listed = listing.files().get(f.path());
                if (listed == null) {
                    throw new IllegalStateException("the model manifest pins " + f.path() + " of " + where
                            + ", but the Hub lists no such file there; files: " + listing.files().keySet());
                }
                if (f.bytes() != null && f.bytes() != listed.bytes()) {
                    throw new IllegalStateException("the model manifest pins " + f.path() + " of " + where + " at "
                            + f.bytes() + " bytes, the Hub lists " + listed.bytes());
                }
                if (f.sha256() != null && listed.checksum().algorithm() == Checksum.Algorithm.SHA256
                        && !listed.checksum().hex().equals(f.sha256())) {
                    throw new IllegalStateException("the model manifest pins " + f.path() + " of " + where
                            + " with SHA-256 " + f.sha256() + ", the Hub lists " + listed.checksum());
                }
                plan.add(f.sha256() != null
                        ? new Planned(f.path(), listed.bytes(), Checksum.sha256(f.sha256()), "manifest")
                        : new Planned(f.path(), listed.bytes(), listed.checksum(), "hub"));
            }
            return plan;
        }
        for (String path : choose(listing.files(), where)) {
            HubClient.RepoFile listed = listing.files().get(path);
            plan.add(new Planned(path, listed.bytes(), listed.checksum(), "hub"));
        }
        return plan;
    }

    /** {@code config.json}, the preferred weights file and every tokenizer file the commit has. */
    static List<String> choose(Map<String, HubClient.RepoFile> files, String where) {
        if (!files.containsKey("config.json")) {
            throw new IllegalArgumentException(where + " has no config.json; files: " + files.keySet());
        }
        List<String> chosen = new ArrayList<>(List.of("config.json"));
        String weights = WEIGHTS.stream().filter(files::containsKey).findFirst().orElseThrow(() ->
                new IllegalArgumentException(where + " has neither " + String.join(" nor ", WEIGHTS)
                        + (files.keySet().stream().anyMatch(f -> f.endsWith(".index.json"))
                                ? "; sharded checkpoints (*.index.json) are not read" : "")
                        + "; files: " + files.keySet()));
        chosen.add(weights);
        TOKENIZER_FILES.stream().filter(files::containsKey).forEach(chosen::add);
        return chosen;
    }

    private static Fetched cached(HubSource source, String commit, Path dir, long start) {
        return new Fetched(source.toString(), source.repository(), commit, dir.toAbsolutePath().toString(), true,
                List.of(), 0, (System.nanoTime() - start) / 1e9);
    }

    /** Moves the verified files onto {@code target} (one rename when it does not exist yet), marker last. */
    private static void install(Path partial, Path target) throws IOException {
        if (!Files.exists(target)) {
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
            return;
        }
        try (Stream<Path> files = Files.list(partial)) {
            for (Path f : files.filter(f -> !f.getFileName().toString().equals(SOURCE_FILE)).toList()) {
                Files.move(f, target.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            }
        }
        Files.move(partial.resolve(SOURCE_FILE), target.resolve(SOURCE_FILE), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        Files.delete(partial);
    }

    /** The content of {@value #SOURCE_FILE}; the token is never part of it. */
    private record Provenance(String source, String repository, String commit, String endpoint,
            List<FetchedFile> files) {}

    private static ObjectMapper json() {
        return new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.INDENT_OUTPUT);
    }
}
