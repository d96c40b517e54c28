package dropgrid.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dropgrid.kernels.TorchNative;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code bench gpu --cpu}, the part CI can run: doctor, the 40-cell smoke grid of all four
 * architectures, the logits harness, and one fine-tuning step per precision (of the tiny BERT, to stay
 * quick), each in a child JVM, whose model FLOPs are checked against a hand count.
 */
class BenchGpuCommandTest {

    static final String GLUE = Path.of(System.getProperty("dropgrid.glueDir")).toAbsolutePath().normalize().toString();

    @Test
    void cpuSideOfTheGpuCheck() {
        var r = FetchModelCommandTest.run("bench", "gpu", "--cpu", "--spec", "../experiment-specs/smoke.yaml",
                "--glue-dir", GLUE, "--model", "src/test/resources/smoke/bert", "--batch", "2", "--tokens", "16");
        assertEquals(0, r.exit(), r.err());
        JsonNode out = r.json();
        assertEquals("pytorch 2.7.1 cpu", out.get("doctor").get("engine").asText());
        assertEquals("cpu()", out.get("device").asText());
        assertEquals("skipped: --cpu", out.get("gpu_checks").asText());

        JsonNode smoke = out.get("smoke");
        assertEquals(40, smoke.get("cells").asInt());
        assertEquals(0, smoke.get("failed").asInt(), smoke.get("failures").toString());
        for (String architecture : List.of("bert", "distilbert", "roberta", "xlnet")) {
            assertEquals(10, smoke.get("architectures").get(architecture).get("ok").asInt(), architecture);
        }
        assertEquals("no GPU", smoke.get("gpu_memory").get("skipped").asText());

        JsonNode logits = out.get("logits");
        assertEquals("cpu() vs cpu()", logits.get("compared").asText());
        assertEquals(4, logits.get("models").size());
        logits.get("models").forEach(m -> assertTrue(m.get("max_abs_diff").asDouble() <= 1e-6, m.toString()));

        JsonNode fp32 = out.get("step").get("fp32");
        assertEquals(4, fp32.get("layers").asInt());
        assertEquals(1, fp32.get("timed_steps").asInt());
        // Tiny BERT (H 32, I 64, L 4): per layer 4(H²+H) + 2H·I + I + H + 4H = 8544 parameters, plus the
        // pooler (H²+H) and the 2-way head (2H+2): 35298 outside the embeddings. 6·35298·B·T + 12·L·B·T²·H.
        assertEquals((6.0 * 35298 * 2 * 16 + 12.0 * 4 * 2 * 16 * 16 * 32) / 1e12,
                fp32.get("model_tflop_per_step").asDouble(), 1e-15);
        assertTrue(fp32.get("achieved_tflops").asDouble() > 0);
        assertTrue(fp32.get("mfu").isNull(), "no peak is known for a CPU");
        assertEquals("TF32 is a GPU matmul mode", out.get("step").get("tf32").get("skipped").asText());
        JsonNode bf16 = out.get("step").get("bf16");
        if (TorchNative.available()) {
            assertEquals("bf16", bf16.get("precision").asText());
            assertEquals(fp32.get("model_tflop_per_step").asDouble(), bf16.get("model_tflop_per_step").asDouble());
            assertTrue(Double.isFinite(bf16.get("loss").asDouble()), bf16.toString());
        } else {
            assertTrue(bf16.get("skipped").asText().startsWith("bf16 needs dropgrid's native kernels"), bf16.toString());
        }
        assertTrue(out.get("ok").asBoolean());
    }
}
