package dropgrid.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class RobertaTest {

    @Test
    void positionIdsCountRealTokensFromPaddingIdPlusOne() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // pad id 1: real tokens are numbered 2, 3, ...; padding keeps position 1 (fairseq make_positions)
            long[][] ids = {{0, 17, 45, 2, 1, 1}, {0, 9, 33, 64, 21, 2}};
            long[] expected = {2, 3, 4, 5, 1, 1, 2, 3, 4, 5, 6, 7};
            assertArrayEquals(expected, Roberta.positionIds(manager.create(ids), 1, 514).toLongArray());
        }
    }

    @Test
    void positionsBeyondTheTableAreRejectedWithTheLimit() {
        try (NDManager manager = NDManager.newBaseManager()) {
            long[][] ids = {{0, 5, 5, 5, 2}}; // positions 2..6, table of 6 rows
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Roberta.positionIds(manager.create(ids), 1, 6));
            assertTrue(e.getMessage().contains("max_position_embeddings 6"), e.getMessage());
        }
    }
}
