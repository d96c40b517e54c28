package dropgrid.experiment;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;
import java.util.Map;

/**
 * An experiment spec as written in YAML or JSON (snake_case keys). Fields a user may leave out are
 * boxed and may be null here; {@link SpecReader} reports every missing required field and every bad
 * value at once, and fills defaults, before a {@link Grid} is expanded from it.
 *
 * @param name the run's name, stored in every result row
 * @param output where results go: a local directory or an {@code s3a://} prefix
 * @param glueDir GLUE root holding {@code <TASK>/train.tsv}; may use {@code ${ENV}} references
 * @param models the pre-trained encoders
 * @param strategies drop strategies applied to the pre-trained model
 * @param drop layers to drop: whole numbers are K, numbers in (0, 1) are fractions of the depth
 * @param allowDropAll whether K may equal the depth (only the embeddings are left)
 * @param tasks GLUE task names
 * @param seeds one cell per seed
 * @param hyperparameters a preset plus overrides
 * @param limits caps on examples and steps
 * @param twoStage cells that drop from the fine-tuned model and fine-tune again (paper §6.4)
 * @param resources threads and GPUs per task
 * @param analyses the paper's per-layer analyses measured on every cell's final model: {@code drift}
 *     (Figure 5), {@code probe} (Figure 4); none when left out
 */
public record ExperimentSpec(
        String name,
        String output,
        String glueDir,
        List<ModelSpec> models,
        List<StrategySpec> strategies,
        List<Double> drop,
        Boolean allowDropAll,
        List<String> tasks,
        List<Long> seeds,
        HyperparameterSpec hyperparameters,
        LimitsSpec limits,
        TwoStageSpec twoStage,
        ResourcesSpec resources,
        List<String> analyses) {

    /**
     * One pre-trained model.
     *
     * @param id the model's id in result rows
     * @param architecture {@code bert}, {@code distilbert}, {@code roberta} or {@code xlnet}; read from
     *     {@code config.json} when left out and the source is a local directory
     * @param source a model directory, an {@code s3a://} prefix or a {@code fetch-model} name
     * @param layers the depth L; read from {@code config.json} when the source is a local directory
     */
    public record ModelSpec(String id, String architecture, String source, Integer layers) {}

    /**
     * A strategy and its options. In YAML a bare name ({@code - top}) is a strategy without options.
     *
     * @param name one of {@link StrategyCatalog#names()}
     * @param options strategy parameters (values kept as strings)
     */
    public record StrategySpec(String name, Map<String, String> options) {

        @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
        public static StrategySpec named(String name) {
            return new StrategySpec(name, null);
        }

        @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
        public StrategySpec {
            options = options == null ? Map.of() : options;
        }
    }

    /**
     * Fine-tuning settings: a preset, overrides for every task, and overrides for single tasks.
     *
     * @param preset {@code paper} (default) or {@code common}
     * @param overrides applied to every task
     * @param perTask applied after {@code overrides}, keyed by GLUE task name
     */
    public record HyperparameterSpec(
            String preset, HyperparameterOverrides overrides, Map<String, HyperparameterOverrides> perTask) {}

    /**
     * Caps for laptops and tests; missing = no cap.
     *
     * @param maxTrainExamples seeded train subset size
     * @param maxEvalExamples seeded dev subset size
     * @param maxSteps optimiser steps
     */
    public record LimitsSpec(Integer maxTrainExamples, Integer maxEvalExamples, Integer maxSteps) {}

    /**
     * Drop-after-fine-tuning cells.
     *
     * @param strategies strategies applied to the fine-tuned model
     * @param drop K values (or fractions); the top-level {@code drop} when left out
     * @param freezeDropped whether the first fine-tuning freezes the layers to be dropped, as the paper
     *     did (default true)
     */
    public record TwoStageSpec(List<StrategySpec> strategies, List<Double> drop, Boolean freezeDropped) {}

    /**
     * What one Spark task may use.
     *
     * @param threadsPerTask CPU threads per cell (default: {@code spark.task.cpus}, 1); local mode runs
     *     cores / threads cells at once
     * @param gpusPerTask 0 or 1; on a cluster Spark's {@code spark.task.resource.gpu.amount} assigns the GPU
     */
    public record ResourcesSpec(Integer threadsPerTask, Integer gpusPerTask) {}
}
