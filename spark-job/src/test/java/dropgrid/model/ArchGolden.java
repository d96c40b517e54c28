package dropgrid.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code golden.json} written by {@code src/test/python/make_arch_goldens.py}: explicit input batches
 * and, per batch and kept-layer subset, HF's outputs.
 */
record ArchGolden(Map<String, Batch> batches, List<Case> cases) {

    /** Where the generator writes {@code <arch>-tiny/}, relative to {@code spark-job/}. */
    static final Path ROOT = Path.of("src/test/resources/golden");

    record Batch(long[][] inputIds, long[][] tokenTypeIds, long[][] attentionMask) {
        NDList toNDList(NDManager manager) {
            return new NDList(
                    manager.create(inputIds), manager.create(tokenTypeIds), manager.create(attentionMask));
        }
    }

    record Tensor(long[] shape, double[] data) {
        NDArray toNDArray(NDManager manager) {
            float[] values = new float[data.length];
            for (int i = 0; i < data.length; i++) {
                values[i] = (float) data[i];
            }
            return manager.create(values, new Shape(shape));
        }
    }

    record Case(String batch, List<Integer> kept, Tensor lastHiddenState, Tensor logits, List<Tensor> hiddenStates) {}

    static ArchGolden read(String arch) {
        // hidden_states is present only for the full model on the pairs batch
        ObjectMapper json = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        try {
            return json.readValue(Files.readString(directory(arch).resolve("golden.json")), ArchGolden.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path directory(String arch) {
        return ROOT.resolve(arch + "-tiny");
    }

    /** Largest differences from HF over every case: logits, last hidden state, per-layer hidden states. */
    record MaxDiffs(double logits, double lastHiddenState, double hiddenStates) {
        double max() {
            return Math.max(logits, Math.max(lastHiddenState, hiddenStates));
        }
    }

    /**
     * Loads {@code <arch>-tiny} through {@link PretrainedModels#load} once per case, with the case's
     * kept layers, and compares eval-mode outputs with HF's.
     */
    static MaxDiffs compareWithHuggingFace(String arch) {
        ArchGolden golden = read(arch);
        double logits = 0;
        double last = 0;
        double hidden = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (Case c : golden.cases()) {
                PretrainedModels.Loaded loaded = PretrainedModels.load(directory(arch), c.kept(), 3, 0.1, manager);
                if (!loaded.keptLayers().equals(c.kept()) || !loaded.headFromCheckpoint()) {
                    throw new AssertionError(arch + " " + c.kept() + ": loaded " + loaded);
                }
                SequenceClassifier model = loaded.classifier();
                NDList in = golden.batches().get(c.batch()).toNDList(manager);
                ParameterStore ps = new ParameterStore(manager, false);
                logits = Math.max(logits, maxAbsDiff(model.forward(ps, in, false).head(), c.logits()));
                last = Math.max(last, maxAbsDiff(model.encoder().forward(ps, in, false).head(), c.lastHiddenState()));
                if (c.hiddenStates() != null) {
                    NDList states = model.encoder().hiddenStates(ps, in, false);
                    if (states.size() != c.hiddenStates().size()) {
                        throw new AssertionError(states.size() + " hidden states, HF has " + c.hiddenStates().size());
                    }
                    for (int i = 0; i < states.size(); i++) {
                        hidden = Math.max(hidden, maxAbsDiff(states.get(i), c.hiddenStates().get(i)));
                    }
                }
            }
        }
        MaxDiffs diffs = new MaxDiffs(logits, last, hidden);
        System.err.println(arch + " max |Java - HF|: " + diffs);
        return diffs;
    }

    /**
     * Runs one training-mode forward and backward on the pairs batch with two kept layers and returns
     * the HF keys of the parameters whose gradient is all zero: a parameter the forward never uses.
     */
    static List<String> parametersWithoutGradient(String arch) {
        ArchGolden golden = read(arch);
        try (NDManager manager = NDManager.newBaseManager()) {
            SequenceClassifier model =
                    PretrainedModels.load(directory(arch), List.of(1, 3), 3, 0.1, manager).classifier();
            Map<String, Parameter> parameters = HfParameters.of(model);
            parameters.values().forEach(p -> p.getArray().setRequiresGradient(true));
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray logits = model.forward(new ParameterStore(manager, false),
                        golden.batches().get("pairs").toNDList(manager), true).head();
                collector.backward(logits.square().sum());
            }
            return parameters.entrySet().stream()
                    .filter(e -> e.getValue().getArray().getGradient().abs().max().getFloat() == 0f)
                    .map(Map.Entry::getKey)
                    .toList();
        }
    }

    /** Largest absolute difference between a Java output and HF's, as a double. */
    static double maxAbsDiff(NDArray actual, Tensor expected) {
        if (!actual.getShape().equals(new Shape(expected.shape()))) {
            throw new AssertionError("shape " + actual.getShape() + " != HF " + new Shape(expected.shape()));
        }
        float[] a = actual.toFloatArray();
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - expected.data()[i]));
        }
        return max;
    }
}
