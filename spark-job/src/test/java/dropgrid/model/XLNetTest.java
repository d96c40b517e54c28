package dropgrid.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XLNetTest {

    @Test
    void relShiftPutsRelativeDistanceIMinusJAtRowIColumnJ() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // T = 2; columns are distances 2, 1, 0, -1; the entry (i, column c) is 10 i + c
            NDArray scores = manager.create(new float[] {0, 1, 2, 3, 10, 11, 12, 13}, new Shape(1, 1, 2, 4));
            // (i, j) must hold column T - (i - j): (0,0) → 2, (0,1) → 3, (1,0) → 1, (1,1) → 2
            assertArrayEquals(new float[] {2, 3, 11, 12}, XLNet.relShift(scores, 2).toFloatArray());
        }
    }

    @Test
    void relativeEncodingClampsDistancesBeyondClampLen() {
        XLNet.XLNetConfig config = new XLNet.XLNetConfig(10, 4, 1, 1, 4, 8, HiddenActivation.GELU, 1e-12f, 0f, 1, 0f);
        try (NDManager manager = NDManager.newBaseManager()) {
            // distances 3, 2, 1, 0, -1, -2 clamp to 1, 1, 1, 0, -1, -1; inverse frequencies 1 and 1/100
            float[] e = XLNet.relativePositionalEncoding(manager, 3, config).toFloatArray();
            float[] one = {(float) Math.sin(1), (float) Math.sin(0.01), (float) Math.cos(1), (float) Math.cos(0.01)};
            float[] zero = {0, 0, 1, 1};
            float[] minusOne = {(float) -Math.sin(1), (float) -Math.sin(0.01), (float) Math.cos(1), (float) Math.cos(0.01)};
            float[][] expected = {one, one, one, zero, minusOne, minusOne};
            for (int row = 0; row < 6; row++) {
                assertArrayEquals(expected[row], Arrays.copyOfRange(e, 4 * row, 4 * row + 4), 1e-6f, "row " + row);
            }
        }
    }

    @Test
    void tmpMatchesHf() throws Exception {
        ArchGolden golden = ArchGolden.read("xlnet");
        Map<String, float[]> w = TmpLoad.read(ArchGolden.directory("xlnet").resolve("model.safetensors"));
        XLNet.XLNetConfig config = new XLNet.XLNetConfig(100, 32, 4, 4, 8, 64, HiddenActivation.GELU, 1e-12f, 0.1f, 6, 0.1f);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (ArchGolden.Case c : golden.cases()) {
                var model = new XLNet.XLNetForSequenceClassification(new XLNet.XLNetModel(config, c.kept()), 3);
                NDList in = golden.batches().get(c.batch()).toNDList(manager);
                model.initialize(manager, DataType.FLOAT32, in.getShapes());
                Map<String, Parameter> ps = new LinkedHashMap<>();
                TmpLoad.walk(model, "", ps);
                for (var e : ps.entrySet()) {
                    float[] v = w.get(e.getKey());
                    if (v == null) throw new AssertionError("missing " + e.getKey());
                    e.getValue().getArray().set(v);
                }
                NDList out = model.forward(new ParameterStore(manager, false), in, false);
                double dl = ArchGolden.maxAbsDiff(out.head(), c.logits());
                double dh = ArchGolden.maxAbsDiff(model.encoder().forward(new ParameterStore(manager, false), in, false).head(), c.lastHiddenState());
                System.out.println(c.batch() + " " + c.kept() + " logits " + dl + " hidden " + dh);
            }
        }
    }
}
