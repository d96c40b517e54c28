package dropgrid.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dropgrid.kernels.Kernels;
import dropgrid.kernels.TorchNative;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * AdamW (two weight-decay groups), the linear warm-up/decay schedule and global-norm clipping against
 * PyTorch's {@code torch.optim.AdamW}, Hugging Face's schedules and {@code clip_grad_norm_}
 * ({@code src/test/python/make_optimizer_goldens.py}).
 */
class OptimizerGoldenTest {

    private static final double TOLERANCE = 1e-6;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void fusedAdamWScheduleAndClippingMatchPyTorchStepByStep() throws IOException {
        assertTrue(Kernels.nativeKernels(), "native kernels: " + TorchNative.status());
        for (JsonNode scenario : goldens().get("scenarios")) {
            checkScenario(scenario, "fused ");
        }
    }

    @Test
    void djlAdamWScheduleAndClippingMatchPyTorchStepByStep() throws Exception {
        try (AutoCloseable djl = Kernels.djlOnly()) {
            for (JsonNode scenario : goldens().get("scenarios")) {
                checkScenario(scenario, "DJL ");
            }
        }
    }

    private JsonNode goldens() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/train/optimizer_goldens.json")) {
            return JSON.readTree(in);
        }
    }

    private static void checkScenario(JsonNode s, String path) {
        String name = path + s.get("name").asText();
        Hyperparameters hp = new Hyperparameters(s.get("lr").asDouble(), 8, 1, 128, s.get("warmup_ratio").asDouble(),
                s.get("linear_decay").asBoolean(), s.get("weight_decay").asDouble(), s.get("max_grad_norm").asDouble(),
                0.1, true, false);
        LearningRateSchedule schedule = LearningRateSchedule.of(hp, s.get("total_steps").asInt());
        assertEquals(s.get("warmup_steps").asInt(), schedule.warmupSteps(), name + " warm-up steps");
        try (NDManager manager = NDManager.newBaseManager()) {
            List<AdamW.Trainable> trainables = new ArrayList<>();
            for (JsonNode p : s.get("params")) {
                Shape shape = new Shape(toLongs(p.get("shape")));
                NDArray array = manager.create(toFloats(p.get("init")), shape);
                array.setRequiresGradient(true);
                String paramName = p.get("name").asText();
                assertEquals(p.get("decays").asBoolean(), AdamW.decays(paramName, shape),
                        name + " group of " + paramName);
                trainables.add(new AdamW.Trainable(paramName, array, AdamW.decays(paramName, shape)));
            }
            try (AdamW adamW = AdamW.withDefaults(trainables, hp.weightDecay())) {
                int step = 0;
                for (JsonNode golden : s.get("steps")) {
                    String where = name + " step " + (step + 1);
                    backpropagateFixedGradients(manager, trainables, golden.get("grads"));
                    List<NDArray> gradients = trainables.stream().map(t -> t.array().getGradient()).toList();
                    double norm = GradientClipping.globalNorm(gradients);
                    assertEquals(golden.get("norm").asDouble(), norm, 1e-5 * norm, where + " global norm");
                    double lr = schedule.at(step);
                    assertEquals(golden.get("lr").asDouble(), lr, 1e-12, where + " learning rate");
                    adamW.update(gradients, lr, GradientClipping.factor(norm, hp.maxGradNorm()));
                    for (int i = 0; i < trainables.size(); i++) {
                        float[] actual = trainables.get(i).array().toFloatArray();
                        float[] expected = toFloats(golden.get("params_after").get(i));
                        for (int j = 0; j < expected.length; j++) {
                            assertEquals(expected[j], actual[j], TOLERANCE,
                                    where + " " + trainables.get(i).name() + "[" + j + "]");
                        }
                        GradientTape.zeroGradient(trainables.get(i).array());
                    }
                    gradients.forEach(NDArray::close);
                    step++;
                }
            }
        }
    }

    /** loss = Σ ⟨p, G⟩, so back-propagation leaves exactly G in each parameter's gradient. */
    private static void backpropagateFixedGradients(NDManager manager, List<AdamW.Trainable> trainables,
            JsonNode grads) {
        try (NDManager scratch = manager.newSubManager(); GradientTape tape = GradientTape.record()) {
            NDArray loss = scratch.create(0f);
            for (int i = 0; i < trainables.size(); i++) {
                NDArray p = trainables.get(i).array();
                NDArray g = scratch.create(toFloats(grads.get(i)), p.getShape());
                NDArray term = p.mul(g).sum();
                term.attach(scratch);
                loss = loss.add(term);
            }
            GradientTape.backward(loss);
        }
    }

    private static float[] toFloats(JsonNode array) {
        return JSON.convertValue(array, float[].class);
    }

    private static long[] toLongs(JsonNode array) {
        return JSON.convertValue(array, long[].class);
    }
}
