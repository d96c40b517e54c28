package dropgrid.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dropgrid.drop.Selection;
import dropgrid.drop.Strategies;
import dropgrid.drop.StrategyOptions;
import dropgrid.glue.GlueData;
import dropgrid.glue.GlueTask;
import dropgrid.glue.Split;
import dropgrid.model.PretrainedModels;
import dropgrid.tokenize.Tokenizer;
import dropgrid.tokenize.Tokenizers;
import dropgrid.train.SimilarityPass;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dropgrid select}: which layers a strategy keeps for a model, without fine-tuning. Data-dependent
 * strategies run their similarity pass over a deterministic sample of the task's training set. Prints one
 * JSON object: {@code kept_layers}, {@code dropped_layers} (0-based), and for data-dependent strategies
 * {@code layer_scores} (null where a layer has none), {@code seconds} and {@code examples}.
 */
@Command(name = "select", mixinStandardHelpOptions = true,
        description = "Print the layers a drop strategy keeps and drops (JSON); data-dependent strategies "
                + "measure layer similarities on a sample of a GLUE task's training set.")
public final class SelectCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Option(names = "--model", description = ModelArgument.DESCRIPTION)
    String model;

    @Option(names = "--depth", description = "Layers L, for a static strategy without --model.")
    Integer depth;

    @Option(names = "--strategy", required = true, description = "One of: ${COMPLETION-CANDIDATES}",
            completionCandidates = StrategyNames.class)
    String strategy;

    @Option(names = "--drop", required = true, description = "Layers to drop (K).")
    int drop;

    @Option(names = "--task", description = "GLUE task whose training set the similarity pass samples.")
    String task;

    @Option(names = "--glue-dir", description = "GLUE root holding <TASK>/train.tsv.")
    Path glueDir;

    @Option(names = "--sample", description = "Training examples to measure on (default ${DEFAULT-VALUE}).")
    int sample = StrategyOptions.DEFAULT_SAMPLE;

    @Option(names = "--mode", description = "cls or tokens (default: the strategy's own).")
    String mode;

    @Option(names = "--threshold", description = "contribution: drop every layer above this cosine, at most K.")
    Double threshold;

    @Option(names = "--greedy", description = "block-influence: re-measure after each removal.")
    boolean greedy;

    @Option(names = "--seed", description = "random: the shuffle seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--allow-all", description = "Allow K = L (embeddings only).")
    boolean allowAll;

    @Option(names = "--max-seq-length", description = "Tokens per example, cut to what the model's positions cover"
            + " (default ${DEFAULT-VALUE}).")
    int maxSeqLength = 128;

    @Option(names = "--batch-size", description = "Examples per forward pass (default ${DEFAULT-VALUE}).")
    int batchSize = 32;

    /** Lists the strategy names in {@code --help}. */
    static final class StrategyNames extends ArrayList<String> {
        StrategyNames() {
            super(Strategies.gridNames());
        }
    }

    @Override
    public Integer call() {
        ObjectNode json = run();
        spec.commandLine().getOut().println(json.toString());
        spec.commandLine().getOut().flush();
        return 0;
    }

    ObjectNode run() {
        Map<String, String> options = options();
        Strategies.Row row = Strategies.named(strategy);
        boolean measured = row.needsData();
        // Parsed (and so checked) before any model is read.
        StrategyOptions parsed = row.options(options, seed);
        Selection selection;
        int layers;
        int examples = 0;
        if (!measured) {
            layers = depth != null ? depth : modelDepth();
            selection = row.build(options, seed, null).select(layers, drop);
        } else {
            if (model == null || task == null || glueDir == null) {
                throw new IllegalArgumentException("strategy '" + strategy + "' measures the model on training "
                        + "examples: --model, --task and --glue-dir are required");
            }
            GlueTask glueTask = GlueTask.parse(task);
            Path dir = ModelArgument.localDir(model, spec.commandLine().getErr());
            try (PretrainedModels.Checkpoint checkpoint = PretrainedModels.read(dir);
                    Tokenizer tokenizer = Tokenizers.load(dir, checkpoint.architecture());
                    NDManager manager = NDManager.newBaseManager()) {
                layers = checkpoint.depth();
                SimilarityPass.Sample sample = SimilarityPass.Sample.of(GlueData.load(glueDir, glueTask, Split.TRAIN),
                        parsed.sample(), tokenizer, checkpoint.config().sequenceLength(maxSeqLength));
                examples = sample.encodings().size();
                SimilarityPass pass = new SimilarityPass(checkpoint, sample, batchSize, manager);
                selection = row.build(options, seed, pass).select(layers, drop);
            }
        }
        ObjectMapper mapper = JsonOutput.MAPPER;
        ObjectNode out = mapper.createObjectNode();
        out.put("strategy", strategy);
        out.put("depth", layers);
        out.put("drop", drop);
        out.set("kept_layers", mapper.valueToTree(selection.kept()));
        out.set("dropped_layers", mapper.valueToTree(selection.dropped()));
        if (measured) {
            out.put("mode", parsed.mode().id());
            ArrayNode scores = out.putArray("layer_scores");
            // JSON has no NaN: a layer without a score is null.
            selection.layerScores().forEach(v -> {
                if (v.isNaN()) {
                    scores.addNull();
                } else {
                    scores.add(v);
                }
            });
            out.put("examples", examples);
            out.put("seconds", selection.seconds());
        }
        return out;
    }

    private int modelDepth() {
        if (model == null) {
            throw new IllegalArgumentException("give --model DIR or --depth L");
        }
        try (PretrainedModels.Checkpoint checkpoint =
                PretrainedModels.read(ModelArgument.localDir(model, spec.commandLine().getErr()))) {
            return checkpoint.depth();
        }
    }

    /** The strategy options the flags set, spelled as cells carry them. */
    private Map<String, String> options() {
        Map<String, String> o = new LinkedHashMap<>();
        if (allowAll) {
            o.put("allow_all", "true");
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--seed")) {
            o.put("seed", String.valueOf(seed));
        }
        if (spec.commandLine().getParseResult().hasMatchedOption("--sample")) {
            o.put("sample_size", String.valueOf(sample));
        }
        if (mode != null) {
            o.put("mode", mode);
        }
        if (threshold != null) {
            o.put("threshold", String.valueOf(threshold));
        }
        if (greedy) {
            o.put("greedy", "true");
        }
        return o;
    }
}
