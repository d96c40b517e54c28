package dropgrid.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config that says more or fewer layers than the weights hold is refused when the checkpoint is read:
 * more would fail only the cells keeping a missing layer, fewer would build a "top K = 1" that drops nothing.
 */
class ConfigAgreesWithWeightsTest {

    static final Path SMOKE_BERT = Path.of("src/test/resources/smoke/bert");

    @TempDir Path dir;

    Path withLayers(int layers) throws Exception {
        Path model = Files.createDirectories(dir.resolve("bert-" + layers));
        try (var files = Files.list(SMOKE_BERT)) {
            for (Path f : files.toList()) {
                Files.copy(f, model.resolve(f.getFileName()));
            }
        }
        Files.writeString(model.resolve("config.json"), Files.readString(model.resolve("config.json"))
                .replace("\"num_hidden_layers\": 4", "\"num_hidden_layers\": " + layers));
        return model;
    }

    @Test
    void aConfigSayingMoreOrFewerLayersThanTheWeightsIsRefused() throws Exception {
        for (int layers : new int[] {3, 5}) {
            Path model = withLayers(layers);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PretrainedModels.read(model).close());
            assertEquals(model.resolve("config.json") + " says " + layers + " layers but "
                    + model.resolve("model.safetensors") + " holds 4 (layers 0 to 3); the config and the weights must"
                    + " agree", e.getMessage());
        }
        PretrainedModels.read(withLayers(4)).close();
    }
}
