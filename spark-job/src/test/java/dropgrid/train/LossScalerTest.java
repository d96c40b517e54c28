package dropgrid.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.Test;

/** fp16's dynamic loss scaling against {@code torch.amp.GradScaler}'s rules (initial 2^16, ×0.5, ×2 / 2000). */
class LossScalerTest {

    @Test
    void cleanGradientsAreDividedByTheScale() {
        try (NDManager manager = NDManager.newBaseManager(); LossScaler scaler = new LossScaler(manager)) {
            assertEquals(65536f, scaler.currentScale());
            NDArray loss = manager.create(0.5f);
            assertEquals(32768f, scaler.scale(loss).getFloat());
            NDArray g = manager.create(new float[] {65536f, -131072f, 6.5536f});
            assertFalse(scaler.unscale(List.of(g)));
            assertArrayEquals(new float[] {1f, -2f, 1e-4f}, g.toFloatArray(), 1e-9f);
            scaler.update();
            assertEquals(65536f, scaler.currentScale(), "one clean step does not grow the scale");
        }
    }

    @Test
    void anOverflowIsReportedAndHalvesTheScale() {
        try (NDManager manager = NDManager.newBaseManager(); LossScaler scaler = new LossScaler(manager)) {
            NDArray finite = manager.create(new float[] {1f, 2f});
            NDArray overflowed = manager.create(new float[] {Float.POSITIVE_INFINITY, 0f});
            assertTrue(scaler.unscale(List.of(finite, overflowed)));
            scaler.update();
            assertEquals(32768f, scaler.currentScale());
            NDArray nan = manager.create(new float[] {Float.NaN});
            assertTrue(scaler.unscale(List.of(nan)));
            scaler.update();
            assertEquals(16384f, scaler.currentScale());
            assertFalse(scaler.unscale(List.of(manager.create(new float[] {3f}))), "the flag is reset each step");
        }
    }
}
