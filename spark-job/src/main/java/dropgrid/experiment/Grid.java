package dropgrid.experiment;

import dropgrid.experiment.ExperimentSpec.StrategySpec;
import dropgrid.glue.GlueTask;
import dropgrid.model.Architecture;
import dropgrid.train.Cell;
import dropgrid.train.Hyperparameters;
import dropgrid.train.LayerAnalyses;
import dropgrid.train.Limits;
import dropgrid.vocabulary.Baseline;
import dropgrid.vocabulary.DropStage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated spec expanded into cells: model × task × seed × (baseline, strategy × K, two-stage
 * strategy × K). The unpruned baseline (strategy {@code none}, K = 0) appears once per model, task
 * and seed, whatever the number of strategies. The order is deterministic: the spec's order of
 * models, then tasks, then seeds; within them baseline, strategies, two-stage strategies.
 *
 * @param name the run's name
 * @param output results location (local directory or {@code s3a://} prefix)
 * @param glueDir GLUE root (local directory or {@code s3a://} prefix)
 * @param specHash the spec's hash (see {@link SpecReader#hash})
 * @param cells every cell, no two with the same id
 * @param depths the depth L of each model, by model id
 * @param threadsPerTask CPU threads each cell may use; 0 = not set (the task takes {@code spark.task.cpus})
 * @param gpusPerTask GPUs each cell uses (0 or 1)
 */
public record Grid(
        String name,
        String output,
        String glueDir,
        String specHash,
        List<Cell> cells,
        Map<String, Integer> depths,
        int threadsPerTask,
        int gpusPerTask) {

    /**
     * GLUE train-set sizes (rows of {@code train.tsv} in the GLUE release), for cost estimates only.
     */
    private static final Map<GlueTask, Integer> TRAIN_SIZES = Map.of(
            GlueTask.COLA, 8551, GlueTask.SST2, 67349, GlueTask.MRPC, 3668, GlueTask.STSB, 5749,
            GlueTask.QQP, 363846, GlueTask.MNLI, 392702, GlueTask.QNLI, 104743, GlueTask.RTE, 2490,
            GlueTask.WNLI, 635);

    public Grid {
        cells = List.copyOf(cells);
        depths = Map.copyOf(depths);
    }

    /**
     * A model after validation.
     *
     * @param id the spec's id
     * @param architecture its family
     * @param source resolved directory, URI or fetch-model name
     * @param depth L
     * @param drops K values for pre-trained dropping, in spec order
     * @param twoStageDrops K values for two-stage cells
     */
    record Model(String id, Architecture architecture, String source, int depth, List<Integer> drops,
            List<Integer> twoStageDrops) {}

    /** Everything {@link #expand} needs, already validated. */
    record Plan(String name, String output, String glueDir, String specHash, List<Model> models,
            List<StrategySpec> strategies, List<StrategySpec> twoStage, List<GlueTask> tasks, List<Long> seeds,
            Map<GlueTask, Hyperparameters> hyperparameters, Limits limits, boolean freezeDropped,
            Set<LayerAnalyses.Kind> analyses, int threadsPerTask, int gpusPerTask) {}

    static Grid expand(Plan p) {
        Map<String, Cell> cells = new LinkedHashMap<>();
        Map<String, Integer> depths = new LinkedHashMap<>();
        for (Model m : p.models()) {
            depths.put(m.id(), m.depth());
            for (GlueTask task : p.tasks()) {
                for (long seed : p.seeds()) {
                    List<Cell> group = new ArrayList<>();
                    group.add(cell(p, m, task, seed, Baseline.STRATEGY, Map.of(), 0, DropStage.PRETRAINED));
                    for (StrategySpec s : p.strategies()) {
                        for (int k : m.drops()) {
                            group.add(cell(p, m, task, seed, s.name(), s.options(), k, DropStage.PRETRAINED));
                        }
                    }
                    for (StrategySpec s : p.twoStage()) {
                        for (int k : m.twoStageDrops()) {
                            group.add(cell(p, m, task, seed, s.name(), s.options(), k, DropStage.FINETUNED));
                        }
                    }
                    group.forEach(c -> cells.putIfAbsent(c.id(), c));
                }
            }
        }
        return new Grid(p.name(), p.output(), p.glueDir(), p.specHash(), new ArrayList<>(cells.values()), depths,
                p.threadsPerTask(), p.gpusPerTask());
    }

    private static Cell cell(Plan p, Model m, GlueTask task, long seed, String strategy, Map<String, String> options,
            int k, DropStage stage) {
        return new Cell(p.name(), m.id(), m.architecture(), m.source(), task.dirName(), p.glueDir(), strategy, k, stage,
                options, seed, p.hyperparameters().get(task), p.limits(), stage == DropStage.FINETUNED && p.freezeDropped(),
                p.analyses(), p.threadsPerTask(), p.gpusPerTask() > 0);
    }

    /**
     * A relative cost of a cell, proportional to its fine-tuning time: layers trained × examples ×
     * epochs. A two-stage cell trains the full model first, then the dropped one.
     */
    public double costUnits(Cell c) {
        int depth = depths.getOrDefault(c.modelId(), 12);
        int kept = depth - c.drop();
        int layersTrained = c.stage() == DropStage.FINETUNED ? depth + kept : kept;
        int examples = TRAIN_SIZES.getOrDefault(GlueTask.parse(c.task()), 10_000);
        if (c.limits().maxTrainExamples() > 0) {
            examples = Math.min(examples, c.limits().maxTrainExamples());
        }
        double work = (double) Math.max(layersTrained, 1) * examples * c.hyperparameters().epochs();
        if (c.limits().maxSteps() > 0) {
            work = Math.min(work, (double) Math.max(layersTrained, 1) * c.limits().maxSteps()
                    * c.hyperparameters().batchSize());
        }
        return work;
    }
}
