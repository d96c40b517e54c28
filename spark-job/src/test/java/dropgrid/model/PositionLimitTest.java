package dropgrid.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** How many tokens each architecture's position table covers, read from the fixtures' config.json. */
class PositionLimitTest {

    static ModelConfig config(String dir) throws IOException {
        return ModelConfig.fromJson(new ObjectMapper().readTree(Path.of("src/test/resources/golden", dir,
                "config.json").toFile()));
    }

    @Test
    void bertAndDistilBertCoverTheirTable() throws IOException {
        assertEquals(OptionalInt.of(32), config("bert-bare").positionLimit());
        assertEquals(OptionalInt.of(32), config("distilbert-tiny").positionLimit());
    }

    @Test
    void robertaLosesPadTokenIdPlusOnePositions() throws IOException {
        // 24 rows, pad_token_id 1: positions 2..23 are the real tokens' (Roberta.positionIds), 22 of them.
        assertEquals(OptionalInt.of(22), config("roberta-tiny").positionLimit());
        assertEquals(22, config("roberta-tiny").sequenceLength(128));
        assertEquals(16, config("roberta-tiny").sequenceLength(16));
    }

    @Test
    void xlnetHasNoLimit() throws IOException {
        assertEquals(OptionalInt.empty(), config("xlnet-tiny").positionLimit());
        assertEquals(512, config("xlnet-tiny").sequenceLength(512));
    }
}
