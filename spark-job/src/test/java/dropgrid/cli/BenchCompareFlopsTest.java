package dropgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The FLOPs {@code bench compare} divides by, worked out by hand for BERT-base's E 768, I 3072. */
class BenchCompareFlopsTest {

    @Test
    void sixLayersOfBatch8By128() {
        BenchCompareCommand command = new BenchCompareCommand();
        command.layers = 6;
        command.batch = 8;
        command.tokens = 128;
        // a layer: 6 · (4·768² + 2·768·3072) weights · 1024 tokens + 12 · 8 · 128² · 768 = 44,694,503,424
        assertEquals(6 * 44_694_503_424.0, command.stepFlops(false), 1);
        // the last layer at the first token, k and v at every one: 6 · 2·768² · 1024 + 6 · (2·768² + 2·768·3072) · 8
        // + 12 · 8 · 128 · 768 = 7,247,757,312 + 283,115,520 + 9,437,184
        assertEquals(5 * 44_694_503_424.0 + 7_540_310_016.0, command.stepFlops(true), 1);
    }
}
