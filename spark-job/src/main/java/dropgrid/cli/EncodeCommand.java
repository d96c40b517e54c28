package dropgrid.cli;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import dropgrid.model.Architecture;
import dropgrid.model.PretrainedModels;
import dropgrid.tokenize.Tokenizer;
import dropgrid.tokenize.Tokenizers;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dropgrid encode}: one example (text through the model's tokenizer, or explicit ids) through a
 * pre-trained encoder with the chosen layers, printing {@code {input_ids, token_type_ids, kept_layers,
 * max_length, last_hidden_state (T × E), pooled (E, or null for an architecture without a pooler)}};
 * the command-line twin of HF's {@code tokenizer(...)} + {@code AutoModel(...)} for spot checks against
 * Python. The model argument is resolved as everywhere ({@link ModelArgument}).
 */
@Command(name = "encode", mixinStandardHelpOptions = true,
        description = "Print the hidden states of one example through a model with the chosen layers kept.")
public final class EncodeCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin ModelArgument modelArgument;

    @Option(names = "--keep-layers", split = ",", description = "Original layer indices to keep, ascending (default: all).")
    List<Integer> keepLayers;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Input input;

    /** Text through the model directory's tokenizer, or explicit ids. */
    static final class Input {
        @ArgGroup(exclusive = false)
        Text text;

        @ArgGroup(exclusive = false)
        Ids ids;
    }

    static final class Text {
        @Option(names = "--text-a", required = true, description = "First sentence.")
        String textA;

        @Option(names = "--text-b", description = "Second sentence of a pair.")
        String textB;

        @Option(names = "--max-length", description = "Token cap, special tokens included, cut to what the model's"
                + " positions cover (default ${DEFAULT-VALUE}).")
        int maxLength = 128;
    }

    static final class Ids {
        @Option(names = "--input-ids", split = ",", required = true,
                description = "Token ids with special tokens, e.g. 101,7592,2088,102.")
        long[] inputIds;

        @Option(names = "--token-type-ids", split = ",", description = "Token types, same length (default: all 0).")
        long[] tokenTypeIds;
    }

    /**
     * The command's result, printed as JSON.
     *
     * @param maxLength the token cap the text was tokenized with (null for explicit ids)
     * @param pooled BERT's pooler output; null for architectures without one
     */
    public record Encoded(long[] inputIds, long[] tokenTypeIds, List<Integer> keptLayers, Integer maxLength,
            float[][] lastHiddenState, float[] pooled) {}

    @Override
    public Integer call() throws Exception {
        Path dir = modelArgument.localDir(spec.commandLine().getErr());
        Encoded encoded;
        if (input.text != null) {
            encoded = encode(dir, keepLayers, input.text.textA, input.text.textB, input.text.maxLength);
        } else {
            long[] ids = input.ids.inputIds;
            encoded = encode(dir, keepLayers, ids, input.ids.tokenTypeIds == null ? new long[ids.length]
                    : input.ids.tokenTypeIds, null);
        }
        spec.commandLine().getOut().println(JsonOutput.MAPPER.writeValueAsString(encoded));
        return 0;
    }

    /** Tokenizes with the model directory's own tokenizer (tokenize.Tokenizers), then encodes. */
    static Encoded encode(Path model, List<Integer> keep, String textA, String textB, int maxLength) {
        Architecture architecture;
        int length;
        try (PretrainedModels.Checkpoint checkpoint = PretrainedModels.read(model)) {
            architecture = checkpoint.architecture();
            length = checkpoint.config().sequenceLength(maxLength);
        }
        try (Tokenizer tokenizer = Tokenizers.load(model, architecture)) {
            Tokenizer.Encoding encoding = tokenizer.encode(textA, textB, length);
            return encode(model, keep, encoding.ids(), encoding.typeIds(), length);
        }
    }

    static Encoded encode(Path model, List<Integer> keep, long[] ids, long[] types, Integer maxLength) {
        if (types.length != ids.length) {
            throw new IllegalArgumentException("--token-type-ids has " + types.length + " values, --input-ids "
                    + ids.length + "; they must be the same length");
        }
        try (NDManager manager = NDManager.newBaseManager();
                PretrainedModels.Checkpoint checkpoint = PretrainedModels.read(model)) {
            List<Integer> kept = keep != null ? keep : IntStream.range(0, checkpoint.depth()).boxed().toList();
            var loaded = PretrainedModels.build(checkpoint, kept, 2, 0.0, manager);
            long[] mask = new long[ids.length];
            Arrays.fill(mask, 1);
            NDList inputs = new NDList(manager.create(new long[][] {ids}), manager.create(new long[][] {types}),
                    manager.create(new long[][] {mask}));
            NDList out = loaded.classifier().encoder().forward(new ParameterStore(manager, false), inputs, false);
            long e = out.get(0).getShape().get(2);
            float[] flat = out.get(0).toFloatArray();
            float[][] hidden = new float[ids.length][];
            for (int t = 0; t < ids.length; t++) {
                hidden[t] = Arrays.copyOfRange(flat, (int) (t * e), (int) ((t + 1) * e));
            }
            // Only BERT's encoder returns a pooled output after the last hidden state.
            float[] pooled = out.size() > 1 ? out.get(1).toFloatArray() : null;
            return new Encoded(ids, types, loaded.keptLayers(), maxLength, hidden, pooled);
        }
    }
}
