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

class DistilBertTest {

    @Test
    void tmpMatchesHf() throws Exception {
        ArchGolden golden = ArchGolden.read("distilbert");
        Map<String, float[]> w = TmpLoad.read(ArchGolden.directory("distilbert").resolve("model.safetensors"));
        DistilBert.DistilBertConfig config = new DistilBert.DistilBertConfig(100, 32, 4, 4, 32, 64, HiddenActivation.GELU, 0.1f, 0.1f, 0.2f);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (ArchGolden.Case c : golden.cases()) {
                var model = new DistilBert.DistilBertForSequenceClassification(new DistilBert.DistilBertModel(config, c.kept()), 3);
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
