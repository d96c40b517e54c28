package dropgrid.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dropgrid.model.HfParameters;
import dropgrid.model.PretrainedModels;
import dropgrid.model.SequenceClassifier;
import dropgrid.tokenize.Tokenizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Frozen layers take no step: bit-identical after fine-tuning, while every other tensor moves. */
class FrozenLayersTest {

    private static final Path MODEL = Path.of("src/test/resources/analysis/pretrained");

    private static Map<String, float[]> snapshot(SequenceClassifier model) {
        Map<String, float[]> out = new TreeMap<>();
        HfParameters.of(model).forEach((k, p) -> out.put(k, p.getArray().toFloatArray()));
        return out;
    }

    @Test
    void frozenLayersStayBitIdenticalAndTheRestTrains() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SequenceClassifier model = PretrainedModels.load(MODEL, List.of(0, 1, 2, 3), 2, 0.0, manager).classifier();
            List<String> frozen = FrozenLayers.freeze(model, Set.of(2, 3));
            // 16 tensors per BERT layer: Q, K, V, attention output, intermediate, output (weight + bias) and two LayerNorms.
            assertEquals(32, frozen.size());
            assertTrue(frozen.stream().allMatch(k -> k.startsWith("bert.encoder.layer.2.") || k.startsWith("bert.encoder.layer.3.")),
                    frozen.toString());
            int trainable = AdamW.trainables(model.getParameters()).size();
            assertEquals(HfParameters.of(model).size() - 32, trainable);

            Map<String, float[]> before = snapshot(model);
            Collator collator = new Collator(SyntheticTask.PAD, 0, Tokenizer.PaddingSide.RIGHT, 0);
            // Weight decay 0.01 would shrink a frozen matrix if the optimiser touched it.
            Hyperparameters hp = new Hyperparameters(0.01, 16, 1, 16, 0.0, false, 0.01, 1.0, 0.0, true, false);
            FineTuner.fineTune(model, manager, SyntheticTask.examples(64, 3), collator, hp, 4, 9);
            Map<String, float[]> after = snapshot(model);
            for (String key : before.keySet()) {
                if (frozen.contains(key)) {
                    assertArrayEquals(before.get(key), after.get(key), key + " is frozen");
                } else {
                    assertFalse(Arrays.equals(before.get(key), after.get(key)), key + " should have trained");
                }
            }
        }
    }

    @Test
    void aLayerTheModelDoesNotHaveIsRefused() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SequenceClassifier model = PretrainedModels.load(MODEL, List.of(0, 2), 2, 0.0, manager).classifier();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> FrozenLayers.freeze(model, Set.of(1, 2)));
            assertTrue(e.getMessage().contains("[1]"), e.getMessage());
        }
    }
}
