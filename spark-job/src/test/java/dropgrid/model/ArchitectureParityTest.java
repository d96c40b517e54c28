package dropgrid.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dropgrid.kernels.Kernels;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DistilBERT, RoBERTa, XLNet and ALBERT against Hugging Face on {@code <arch>-tiny/golden.json} (made by
 * make_arch_goldens.py), on the native kernels and on DJL's operators; BERT's own fixtures are checked
 * in {@link BertGoldenTest}.
 */
class ArchitectureParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"distilbert", "roberta", "xlnet", "albert"})
    void everyKeptSubsetMatchesHuggingFaceWithin1e5(String arch) {
        ArchGolden.MaxDiffs diffs = ArchGolden.compareWithHuggingFace(arch);
        assertTrue(diffs.max() < 1e-5, diffs.toString());
    }

    /** Where the native kernels are absent (RoBERTa runs BERT's layers). */
    @ParameterizedTest
    @ValueSource(strings = {"distilbert", "roberta", "xlnet", "albert"})
    void onDjlOperatorsEveryKeptSubsetMatchesHuggingFaceWithin1e5(String arch) throws Exception {
        try (AutoCloseable djl = Kernels.djlOnly()) {
            ArchGolden.MaxDiffs diffs = ArchGolden.compareWithHuggingFace(arch);
            assertTrue(diffs.max() < 1e-5, diffs.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"distilbert", "roberta", "xlnet", "albert"})
    void trainingReachesEveryMaterialisedParameter(String arch) {
        assertEquals(List.of(), ArchGolden.parametersWithoutGradient(arch));
    }
}
