package dropgrid.report;

import dropgrid.report.PaperComparison.AverageRow;
import dropgrid.report.PaperNumbers.PaperCost;
import dropgrid.vocabulary.Baseline;
import dropgrid.vocabulary.DropStage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The paper's headline claims beside what this run measured, in the paper's metrics
 * ({@link ScoreView#PAPER}), each judged matched, not matched, inconclusive or not measured.
 *
 * <p>A claim fails only on evidence. An ordering ("top beats bottom at K = 6") is matched when the two
 * 95 % intervals separate in the claimed direction, not matched when they separate the other way, and
 * inconclusive when they overlap or a side has no interval (one seed). A Δ claim is matched when our
 * mean Δ is within the tolerance of the paper's over the same tasks, not matched when our whole interval
 * lies outside that band, else inconclusive. Cost claims compare point values within their tolerance.
 *
 * @param claims one verdict per claim and model
 */
public record PaperCheck(List<Claim> claims) {

    // §1 and §6.3: half the layers dropped leaves about 60 % of the parameters and halves the time; used
    // for models that are none of the paper's (whose own Table 3 row is used otherwise).
    static final double HALF_DEPTH_PARAMS_CHANGE_PERCENT = -40;
    static final double HALF_DEPTH_TIME_CHANGE_PERCENT = -50;

    /**
     * A Δ within one GLUE point of the paper's counts as matched: the paper ran one seed, and seed-to-seed
     * spread of an average over small tasks (RTE, MRPC) is of that order in its setting.
     */
    static final double DELTA_TOLERANCE_POINTS = 1.0;
    /** Parameter counts are deterministic; 5 points allow for the head and embedding share of other models. */
    static final double PARAMS_TOLERANCE_PERCENT = 5;
    /** Wall time depends on the machine and padding; 15 points is the spread we accept. */
    static final double TIME_TOLERANCE_PERCENT = 15;

    /** The paper's models whose top-dropping Δ is checked even when no model of ours is one of them. */
    private static final List<String> HEADLINE_MODELS = List.of("bert-base", "xlnet-base");
    private static final Map<String, String> NAMES = Map.of("bert-base", "BERT", "xlnet-base", "XLNet",
            "distilbert-base", "DistilBERT", "roberta-base", "RoBERTa");

    /** The outcome of comparing one claim. */
    public enum Verdict {
        MATCHED("matched"), NOT_MATCHED("not matched"), INCONCLUSIVE("inconclusive"), NOT_MEASURED("not measured");

        private final String text;

        Verdict(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * One claim for one model.
     *
     * @param paper the paper's value (NaN for orderings)
     * @param measured our value with its 95 % interval ({@link Estimate#UNKNOWN} when not measured or an ordering)
     * @param tolerance the largest |measured − paper| that still matches (NaN for orderings)
     */
    public record Claim(String claim, String model, double paper, Estimate measured, double tolerance, Verdict verdict,
            String note) {}

    public PaperCheck {
        claims = List.copyOf(claims);
    }

    /** Judges every claim against the analysis and its comparison with the paper. */
    public static PaperCheck of(Analysis analysis, PaperComparison comparison) {
        List<Claim> claims = new ArrayList<>();
        PaperNumbers paper = PaperNumbers.get();
        for (String pm : HEADLINE_MODELS) {
            if (comparison.averages().stream().noneMatch(a -> a.paperModel().equals(pm))) {
                for (int drop : paper.topDrops(pm)) {
                    if (drop > 0) {
                        claims.add(new Claim(deltaClaim(pm, drop), "—", paper7Delta(pm, drop), Estimate.UNKNOWN,
                                DELTA_TOLERANCE_POINTS, Verdict.NOT_MEASURED, "no " + pm + " model in the results"));
                    }
                }
            }
        }
        for (String model : analysis.models()) {
            Optional<String> pm = paper.paperModel(analysis.architecture(model), analysis.depth(model));
            if (pm.isPresent()) {
                for (int drop : paper.topDrops(pm.get())) {
                    if (drop > 0) {
                        claims.add(deltaClaim(analysis, comparison, model, pm.get(), drop));
                    }
                }
            }
        }
        for (String model : analysis.models()) {
            if (!analysis.stages(model).contains(DropStage.PRETRAINED.id())) {
                continue;
            }
            StrategyTable table = analysis.strategyTable(ScoreView.PAPER, model, DropStage.PRETRAINED.id());
            claims.addAll(topBeatsBottom(table));
            claims.add(ordering(table, Analysis.TOP, true));
            claims.add(ordering(table, "bottom", false));
            claims.addAll(costClaims(analysis, model, paper.paperModel(analysis.architecture(model), analysis.depth(model))));
        }
        return new PaperCheck(claims);
    }

    private static String deltaClaim(String paperModel, int drop) {
        return NAMES.getOrDefault(paperModel, paperModel) + " top-" + drop + " Δ (points)";
    }

    private static Claim deltaClaim(Analysis analysis, PaperComparison comparison, String model, String pm, int drop) {
        String claim = deltaClaim(pm, drop);
        Optional<AverageRow> row = comparison.average(model, Analysis.TOP, drop);
        boolean hasBaseline = comparison.average(model, Baseline.STRATEGY, 0).isPresent();
        String caps = analysis.limited(model) ? "; run with training caps, not comparable" : "";
        if (row.isEmpty() || !hasBaseline || row.get().tasks().isEmpty()) {
            String why = row.isEmpty() ? "no top K = " + drop + " cell" : !hasBaseline
                    ? "no baseline (strategy none, K = 0)" : "no task of the paper's seven in both the cell and the baseline";
            double published = paper7Delta(pm, drop);
            return new Claim(claim, model, published, Estimate.UNKNOWN, DELTA_TOLERANCE_POINTS, Verdict.NOT_MEASURED,
                    why + caps);
        }
        AverageRow r = row.get();
        Estimate measured = r.oursDelta();
        double low = r.paperDelta() - DELTA_TOLERANCE_POINTS;
        double high = r.paperDelta() + DELTA_TOLERANCE_POINTS;
        Verdict verdict = Math.abs(measured.mean() - r.paperDelta()) <= DELTA_TOLERANCE_POINTS ? Verdict.MATCHED
                : measured.hasInterval() && (measured.low() > high || measured.high() < low) ? Verdict.NOT_MATCHED
                : Verdict.INCONCLUSIVE;
        String note = "paper metrics over " + String.join(", ", r.tasks())
                + (r.missing().isEmpty() ? "" : "; missing of the paper's seven: " + String.join(", ", r.missing()))
                + seedNote(measured) + caps;
        return new Claim(claim, model, r.paperDelta(), measured, DELTA_TOLERANCE_POINTS, verdict, note);
    }

    /** The paper's top-K Δ over its seven tasks, from Table 1. */
    private static double paper7Delta(String pm, int drop) {
        PaperNumbers paper = PaperNumbers.get();
        return paper.topAverage(pm, drop, PaperNumbers.TASKS) - paper.topAverage(pm, 0, PaperNumbers.TASKS);
    }

    private static String seedNote(Estimate e) {
        return e.hasInterval() ? "" : "; " + e.minSeeds() + " seed" + (e.minSeeds() == 1 ? "" : "s")
                + " behind a part: no interval";
    }

    /** The laptop run's claim: top-dropping K layers beats bottom-dropping K layers, for each K with both. */
    private static List<Claim> topBeatsBottom(StrategyTable table) {
        List<Claim> claims = new ArrayList<>();
        for (StrategyScore top : table.scores()) {
            if (!top.strategy().equals(Analysis.TOP)) {
                continue;
            }
            Optional<StrategyScore> bottom = table.scores().stream()
                    .filter(s -> s.strategy().equals("bottom") && s.drop() == top.drop()).findFirst();
            if (bottom.isEmpty()) {
                continue;
            }
            Estimate t = top.average();
            Estimate b = bottom.get().average();
            Verdict verdict = t.separatesAbove(b) ? Verdict.MATCHED : b.separatesAbove(t) ? Verdict.NOT_MATCHED
                    : Verdict.INCONCLUSIVE;
            String note = String.format(Locale.ROOT, "top %s vs bottom %s over %s", interval(t), interval(b),
                    String.join(", ", table.tasks()));
            claims.add(new Claim("top beats bottom at K = " + top.drop(), table.model(), Double.NaN, t.minus(b), Double.NaN,
                    verdict, note));
        }
        return claims;
    }

    static String interval(Estimate e) {
        return e.hasInterval() ? String.format(Locale.ROOT, "%.2f [%.2f, %.2f]", e.mean(), e.low(), e.high())
                : String.format(Locale.ROOT, "%.2f (no interval, %d seed%s)", e.mean(), e.minSeeds(),
                        e.minSeeds() == 1 ? "" : "s");
    }

    /** "top is the best strategy at every K" / "bottom is the worst", over the K with at least two strategies. */
    private static Claim ordering(StrategyTable table, String strategy, boolean best) {
        String claim = strategy + (best ? " is the best strategy at every K" : " is the worst strategy at every K");
        List<Integer> drops = table.scores().stream().filter(s -> s.strategy().equals(strategy)).map(StrategyScore::drop)
                .distinct().sorted().toList();
        List<String> held = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        List<String> open = new ArrayList<>();
        for (int drop : drops) {
            List<StrategyScore> atK = table.scores().stream()
                    .filter(s -> s.drop() == drop && !Double.isNaN(s.average().mean())).toList();
            Optional<StrategyScore> own = atK.stream().filter(s -> s.strategy().equals(strategy)).findFirst();
            if (atK.size() < 2 || own.isEmpty()) {
                continue;
            }
            List<StrategyScore> others = atK.stream().filter(s -> !s.strategy().equals(strategy)).toList();
            Estimate mine = own.get().average();
            boolean beaten = others.stream().anyMatch(s -> best ? s.average().separatesAbove(mine)
                    : mine.separatesAbove(s.average()));
            boolean holds = others.stream().allMatch(s -> best ? mine.separatesAbove(s.average())
                    : s.average().separatesAbove(mine));
            (beaten ? broken : holds ? held : open).add("K=" + drop);
        }
        Verdict verdict = held.isEmpty() && broken.isEmpty() && open.isEmpty() ? Verdict.NOT_MEASURED
                : !broken.isEmpty() ? Verdict.NOT_MATCHED : open.isEmpty() ? Verdict.MATCHED : Verdict.INCONCLUSIVE;
        String note = verdict == Verdict.NOT_MEASURED ? "no K with " + strategy + " and another strategy"
                : "holds at " + (held.isEmpty() ? "no K" : String.join(" ", held))
                        + (open.isEmpty() ? "" : "; inconclusive at " + String.join(" ", open))
                        + (broken.isEmpty() ? "" : "; fails at " + String.join(" ", broken))
                        + " (over " + String.join(", ", table.tasks()) + ")";
        return new Claim(claim, table.model(), Double.NaN, Estimate.UNKNOWN, Double.NaN, verdict, note);
    }

    /** Parameters and time at half depth: the paper's own Table 3 row where the model is one of its models. */
    private static List<Claim> costClaims(Analysis analysis, String model, Optional<String> paperModel) {
        int half = analysis.depth(model) / 2;
        Optional<Cost> cost = analysis.cost().stream().filter(c -> c.model().equals(model) && c.drop() == half).findFirst();
        Optional<PaperCost> full = paperModel.flatMap(pm -> PaperNumbers.get().cost(pm, 0));
        Optional<PaperCost> halved = paperModel.flatMap(pm -> PaperNumbers.get().cost(pm, half));
        double params = HALF_DEPTH_PARAMS_CHANGE_PERCENT;
        double finetune = HALF_DEPTH_TIME_CHANGE_PERCENT;
        double inference = HALF_DEPTH_TIME_CHANGE_PERCENT;
        String source = "the paper's general statement (§1)";
        if (full.isPresent() && halved.isPresent()) {
            params = (halved.get().paramsMillions() / full.get().paramsMillions() - 1) * 100;
            finetune = (1 / halved.get().finetuneSpeedup() - 1) * 100;
            inference = -halved.get().inferenceTimeReductionPercent();
            source = "paper Table 3, " + paperModel.get();
        }
        String at = "K = " + half + " of L = " + analysis.depth(model) + "; paper value from " + source;
        return List.of(
                numeric("parameters at half depth (% change)", model, params,
                        cost.map(Cost::paramsChangePercent).orElse(Double.NaN), PARAMS_TOLERANCE_PERCENT, at),
                numeric("fine-tuning time at half depth (% change)", model, finetune,
                        cost.map(Cost::finetuneTimeChangePercent).orElse(Double.NaN), TIME_TOLERANCE_PERCENT, at),
                numeric("inference time at half depth (% change)", model, inference,
                        cost.map(Cost::evalTimeChangePercent).orElse(Double.NaN), TIME_TOLERANCE_PERCENT, at));
    }

    private static Claim numeric(String claim, String model, double paper, double measured, double tolerance, String note) {
        Verdict verdict = Double.isNaN(measured) ? Verdict.NOT_MEASURED
                : Math.abs(measured - paper) <= tolerance ? Verdict.MATCHED : Verdict.NOT_MATCHED;
        return new Claim(claim, model, paper, new Estimate(measured, Double.NaN, Double.NaN, Double.NaN, 0, 0), tolerance,
                verdict, note);
    }
}
