package dropgrid.report;

import dropgrid.vocabulary.DropStage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A hand-built grid with the edge cases the report must handle. Two models, L = 12:
 *
 * <pre>
 * bert (seeds 1, 2)      RTE         MRPC                      SST-2
 *   none K=0             70, 66      88, 86                    92, 94
 *   top K=4              67.5, 67.5  86.5 (seed 1)             92.5 (seed 1)
 *   top K=6              63, 63      85.5; seed 2 FAILED (10)  91.5, 91.5
 *   bottom K=4           60 (s1)     84 (s1)                   —  (task missing for bottom)
 *   bottom K=6           56, 56      80, 80                    —
 *   contribution K=6     58, 60      82, 82                    —
 *   top K=6 finetuned    65 (s1)     86 (s1)                   —
 * xlnet: top K=6 RTE 60 (seed 1) and no baseline.
 * </pre>
 *
 * The failed row carries a stale headline of 10 so that averaging it in would show. Parameters are
 * 110 M at K = 0, 66 M at K = 6; fine-tuning takes 100/200/150 s (RTE/MRPC/SST-2) at K = 0 and
 * 50/110/75 s at K = 6; inference 10 s at K = 0, 5 s at K = 6. Contribution cells carry layer scores:
 * RTE seed 1 i/10, seed 2 0.5 for layer i; MRPC 0.2 everywhere.
 *
 * <p>The headline of MRPC is F1; its accuracy (the paper's metric) is 4 points lower in every row, so that
 * the paper view differs from the headline view there. Other tasks' accuracy is their headline.
 */
public final class ReportFixture {

    private static final Map<String, Double> BASE_FINETUNE = Map.of("RTE", 100.0, "MRPC", 200.0, "SST-2", 150.0);
    private static final Map<String, Double> HALF_FINETUNE = Map.of("RTE", 50.0, "MRPC", 110.0, "SST-2", 75.0);

    private ReportFixture() {}

    public static List<ReportRow> rows() {
        List<ReportRow> rows = new ArrayList<>();
        rows.add(ok("bert", "RTE", "none", 0, 1, 70));
        rows.add(ok("bert", "RTE", "none", 0, 2, 66));
        rows.add(ok("bert", "MRPC", "none", 0, 1, 88));
        rows.add(ok("bert", "MRPC", "none", 0, 2, 86));
        rows.add(ok("bert", "SST-2", "none", 0, 1, 92));
        rows.add(ok("bert", "SST-2", "none", 0, 2, 94));

        rows.add(ok("bert", "RTE", "top", 4, 1, 67.5));
        rows.add(ok("bert", "RTE", "top", 4, 2, 67.5));
        rows.add(ok("bert", "MRPC", "top", 4, 1, 86.5));
        rows.add(ok("bert", "SST-2", "top", 4, 1, 92.5));

        rows.add(ok("bert", "RTE", "top", 6, 1, 63));
        rows.add(ok("bert", "RTE", "top", 6, 2, 63));
        rows.add(ok("bert", "MRPC", "top", 6, 1, 85.5));
        rows.add(new ReportRow("00000000deadbeef", "bert", "bert", "MRPC", "top", 6, DropStage.PRETRAINED.id(), 0, List.of(),
                2, 0, 0, 10.0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, "failed",
                "java.lang.OutOfMemoryError: Java heap space"));
        rows.add(ok("bert", "SST-2", "top", 6, 1, 91.5));
        rows.add(ok("bert", "SST-2", "top", 6, 2, 91.5));

        rows.add(ok("bert", "RTE", "bottom", 4, 1, 60));
        rows.add(ok("bert", "MRPC", "bottom", 4, 1, 84));
        rows.add(ok("bert", "RTE", "bottom", 6, 1, 56));
        rows.add(ok("bert", "RTE", "bottom", 6, 2, 56));
        rows.add(ok("bert", "MRPC", "bottom", 6, 1, 80));
        rows.add(ok("bert", "MRPC", "bottom", 6, 2, 80));

        List<Double> rising = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            rising.add(i / 10.0);
        }
        rows.add(withScores(ok("bert", "RTE", "contribution", 6, 1, 58), rising));
        rows.add(withScores(ok("bert", "RTE", "contribution", 6, 2, 60), Collections.nCopies(12, 0.5)));
        rows.add(withScores(ok("bert", "MRPC", "contribution", 6, 1, 82), Collections.nCopies(12, 0.2)));
        rows.add(withScores(ok("bert", "MRPC", "contribution", 6, 2, 82), Collections.nCopies(12, 0.2)));

        rows.add(stage(ok("bert", "RTE", "top", 6, 1, 65), DropStage.FINETUNED.id()));
        rows.add(stage(ok("bert", "MRPC", "top", 6, 1, 86), DropStage.FINETUNED.id()));

        rows.add(ok("xlnet", "RTE", "top", 6, 1, 60));
        return rows;
    }

    static ReportRow ok(String model, String task, String strategy, int drop, long seed, double headline) {
        double finetune = drop == 0 ? BASE_FINETUNE.get(task) : drop == 6 ? HALF_FINETUNE.get(task) : 0.7 * BASE_FINETUNE.get(task);
        double params = drop == 0 ? 110e6 : drop == 6 ? 66e6 : 80e6;
        double eval = drop == 0 ? 10 : drop == 6 ? 5 : 7;
        String id = String.format("%016x", (model + task + strategy + drop + seed).hashCode() & 0xffffffffL);
        double accuracy = ("MRPC".equals(task) ? headline - 4 : headline) / 100;
        return new ReportRow(id, model, model, task, strategy, drop, DropStage.PRETRAINED.id(), 12, List.of(), seed, 0, 0,
                headline, accuracy, Double.NaN, params, finetune, eval, "ok", "");
    }

    private static ReportRow withScores(ReportRow r, List<Double> scores) {
        return new ReportRow(r.cellId(), r.modelId(), r.architecture(), r.task(), r.strategy(), r.drop(), r.dropStage(),
                r.pretrainedDepth(), scores, r.seed(), r.limitMaxTrainExamples(), r.limitMaxSteps(), r.headline(),
                r.accuracy(), r.pearson(), r.paramsTotal(), r.finetuneSeconds(), r.evalSeconds(), r.status(), r.failureReason());
    }

    private static ReportRow stage(ReportRow r, String stage) {
        return new ReportRow(r.cellId() + "f", r.modelId(), r.architecture(), r.task(), r.strategy(), r.drop(), stage,
                r.pretrainedDepth(), r.layerScores(), r.seed(), r.limitMaxTrainExamples(), r.limitMaxSteps(), r.headline(),
                r.accuracy(), r.pearson(), r.paramsTotal(), r.finetuneSeconds(), r.evalSeconds(), r.status(), r.failureReason());
    }
}
