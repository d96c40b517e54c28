package dropgrid.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.junit.jupiter.api.Test;

class DistilBertTest {

    @Test
    void tokenTypeIdsAreIgnoredAsInHuggingFace() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SequenceClassifier model = PretrainedModels.load(
                    ArchGolden.directory("distilbert"), List.of(0, 1, 2, 3), 3, 0.1, manager).classifier();
            ArchGolden.Batch pairs = ArchGolden.read("distilbert").batches().get("pairs");
            NDList in = pairs.toNDList(manager);
            NDList zeroTypes = new NDList(in.get(0), in.get(1).zerosLike(), in.get(2));
            ParameterStore ps = new ParameterStore(manager, false);
            assertEquals(0f, model.forward(ps, in, false).head().sub(model.forward(ps, zeroTypes, false).head())
                    .abs().max().getFloat());
        }
    }

    @Test
    void sequenceLongerThanThePositionTableIsRejectedWithItsLength() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SequenceClassifier model = PretrainedModels.load(
                    ArchGolden.directory("distilbert"), List.of(0), 3, 0.1, manager).classifier();
            Shape tooLong = new Shape(1, 33); // the tiny model's table has 32 positions
            NDList in = new NDList(manager.ones(tooLong, DataType.INT64), manager.zeros(tooLong, DataType.INT64),
                    manager.ones(tooLong, DataType.INT64));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> model.forward(new ParameterStore(manager, false), in, false));
            assertTrue(e.getMessage().contains("33") && e.getMessage().contains("32"), e.getMessage());
        }
    }
}
