package dropgrid.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import dropgrid.model.PretrainedModels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FineTunedWeightsTest {

    @Test
    void smallerModelBuiltFromALiveModelCopiesItsKeptLayersAndHead() {
        Path dir = TinyBert.dir("bert-bare");
        try (NDManager manager = NDManager.newBaseManager();
                PretrainedModels.Checkpoint checkpoint = PretrainedModels.read(dir)) {
            Engine.getInstance().setRandomSeed(1);
            PretrainedModels.Loaded full = PretrainedModels.build(checkpoint, List.of(0, 1, 2), 2, 0.1, manager);
            // Stand-in for fine-tuning: change a kept layer and the fresh head, so copies can be told apart.
            FineTunedWeights live = FineTunedWeights.of(full.classifier(), "test");
            String query = "bert.encoder.layer.2.attention.self.query.weight";
            full.classifier().getParameters().forEach(p -> p.getValue().getArray().addi(0.5f));
            Engine.getInstance().setRandomSeed(2);
            PretrainedModels.Loaded small = PretrainedModels.build(checkpoint.withWeights(live), List.of(0, 2), 2, 0.1,
                    manager);
            FineTunedWeights copied = FineTunedWeights.of(small.classifier(), "small");
            assertTrue(copied.names().contains(query), copied.names().toString());
            assertTrue(!copied.names().contains("bert.encoder.layer.1.attention.self.query.weight"));
            for (String name : copied.names()) {
                assertArrayEquals(live.floats(name), copied.floats(name), 0f, name);
            }
            assertTrue(copied.names().contains("classifier.weight"));
        }
    }
}
