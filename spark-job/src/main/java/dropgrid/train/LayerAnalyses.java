package dropgrid.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dropgrid.analysis.LayerProbe;
import dropgrid.analysis.RepresentationDrift;
import dropgrid.drop.LayerSimilarity;
import dropgrid.glue.Split;
import dropgrid.model.PretrainedModels;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The paper's two analyses of a cell's fine-tuned model, when the spec asks for them ({@code analyses:
 * [drift, probe]}); each list is indexed by hidden state (0 = embedding output, i = output of the i-th
 * kept layer) and empty when not measured. Both run on the task's first dev split.
 *
 * @param driftCls Figure 5: cosine between the pre-trained and the fine-tuned model's summary-token
 *     vectors ({@link RepresentationDrift}), the pre-trained model having the same kept layers
 * @param driftTokens the same over all real tokens
 * @param probeScores Figure 4: the dev headline of a ridge probe on each state's summary token of the
 *     fine-tuned model ({@link LayerProbe}), fitted on at most {@link #PROBE_TRAIN_EXAMPLES} training rows
 */
public record LayerAnalyses(List<Double> driftCls, List<Double> driftTokens, List<Double> probeScores)
        implements Serializable {

    /** What a spec may ask for. */
    public enum Kind {
        DRIFT, PROBE;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Kind parse(String id) {
            for (Kind k : values()) {
                if (k.id().equals(id)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown analysis '" + id + "'; allowed: drift, probe");
        }
    }

    /** Training rows a probe is fitted on, sampled with {@link LayerSimilarity#SAMPLE_SEED}. */
    public static final int PROBE_TRAIN_EXAMPLES = 2000;
    private static final int BATCH = 32;

    public LayerAnalyses {
        driftCls = List.copyOf(driftCls);
        driftTokens = List.copyOf(driftTokens);
        probeScores = List.copyOf(probeScores);
    }

    public static LayerAnalyses none() {
        return new LayerAnalyses(List.of(), List.of(), List.of());
    }

    /** Runs the asked-for analyses on the cell's final model, with no gradients recorded. */
    static LayerAnalyses measure(Set<Kind> kinds, PretrainedModels.Loaded fineTuned, CellInputs in, NDManager manager,
            Consumer<String> log) {
        if (kinds.isEmpty()) {
            return none();
        }
        Split split = in.task().devSplits().get(0);
        List<EncodedExample> dev = in.dev(split);
        List<Double> cls = List.of();
        List<Double> tokens = List.of();
        List<Double> probe = List.of();
        try (NDManager scope = manager.newSubManager(); GradientTape noGrad = GradientTape.pause()) {
            if (kinds.contains(Kind.DRIFT)) {
                PretrainedModels.Loaded pretrained = PretrainedModels.build(in.checkpoint(), fineTuned.keptLayers(),
                        in.task().numOutputs(), 0.0, scope);
                RepresentationDrift drift = RepresentationDrift.measure(pretrained.classifier().encoder(),
                        fineTuned.classifier().encoder(), batches(dev, in.collator(), scope));
                cls = drift.cls();
                tokens = drift.tokens();
                log.accept("drift (cls) by hidden state " + rounded(cls));
            }
            if (kinds.contains(Kind.PROBE)) {
                List<EncodedExample> train = LayerSimilarity.sample(in.train(), PROBE_TRAIN_EXAMPLES);
                LayerProbe fit = LayerProbe.fit(fineTuned.classifier().encoder(), in.task(), split,
                        batches(train, in.collator(), scope), targets(train), batches(dev, in.collator(), scope),
                        targets(dev));
                probe = fit.scores();
                log.accept("probe dev score by hidden state " + rounded(probe));
            }
        }
        return new LayerAnalyses(cls, tokens, probe);
    }

    /** The examples in their order, {@link #BATCH} at a time, as encoder inputs made when iterated. */
    private static Iterable<NDList> batches(List<EncodedExample> examples, Collator collator, NDManager manager) {
        List<List<EncodedExample>> chunks = new ArrayList<>();
        for (int i = 0; i < examples.size(); i += BATCH) {
            chunks.add(examples.subList(i, Math.min(examples.size(), i + BATCH)));
        }
        return () -> chunks.stream().map(c -> collator.collate(c).inputs(manager.newSubManager())).iterator();
    }

    private static double[] targets(List<EncodedExample> examples) {
        return examples.stream().mapToDouble(e -> e.label() >= 0 ? e.label() : e.score()).toArray();
    }

    private static String rounded(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.3f", v)).toList().toString();
    }
}
