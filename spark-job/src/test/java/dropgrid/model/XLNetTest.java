package dropgrid.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XLNetTest {

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
