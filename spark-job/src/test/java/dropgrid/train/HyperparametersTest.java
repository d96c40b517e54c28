package dropgrid.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dropgrid.kernels.Precision;
import org.junit.jupiter.api.Test;

class HyperparametersTest {

    /** Cell ids hash this form: fp32 cells keep the ids they had before precision was a setting. */
    @Test
    void fp32LeavesTheCanonicalFormAsItWasBeforePrecision() {
        assertEquals("Hyperparameters[learningRate=5.0E-5, batchSize=8, epochs=3, maxSeqLength=128, warmupRatio=0.0,"
                + " linearDecay=true, weightDecay=0.0, maxGradNorm=1.0, dropout=0.1, dynamicPadding=true,"
                + " lengthGrouping=false]", Hyperparameters.paper().canonical());
        String bf16 = Hyperparameters.paper().withPrecision(Precision.BF16).canonical();
        assertTrue(bf16.endsWith(", lengthGrouping=false, precision=bf16]"), bf16);
        assertNotEquals(Hyperparameters.paper().canonical(),
                Hyperparameters.paper().withPrecision(Precision.FP16).canonical());
    }

    @Test
    void precisionIsParsedWithTheAllowedValuesInTheError() {
        assertEquals(Precision.BF16, Precision.parse("precision", "BF16"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Precision.parse("--precision", "fp8"));
        assertEquals("--precision is 'fp8'; allowed: fp32, bf16, fp16", e.getMessage());
    }
}
