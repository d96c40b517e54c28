package dropgrid.job;

import java.sql.Timestamp;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The results dataset's Spark schema (exactly {@code docs/results-schema.md}) and its one row mapping. */
public final class ResultTable {

    private static final DataType INT_ARRAY = DataTypes.createArrayType(DataTypes.IntegerType, false);
    private static final DataType DOUBLE_ARRAY = DataTypes.createArrayType(DataTypes.DoubleType, false);

    public static final StructType SCHEMA = DataTypes.createStructType(new StructField[] {
        field("run_name", DataTypes.StringType),
        field("cell_id", DataTypes.StringType),
        field("spec_hash", DataTypes.StringType),
        field("model_id", DataTypes.StringType),
        field("architecture", DataTypes.StringType),
        field("model_source", DataTypes.StringType),
        field("task", DataTypes.StringType),
        field("strategy", DataTypes.StringType),
        field("drop", DataTypes.IntegerType),
        field("drop_stage", DataTypes.StringType),
        field("pretrained_depth", DataTypes.IntegerType),
        field("kept_layers", INT_ARRAY),
        field("layer_scores", DOUBLE_ARRAY),
        field("strategy_options", DataTypes.StringType),
        field("seed", DataTypes.LongType),
        field("hp_learning_rate", DataTypes.DoubleType),
        field("hp_batch_size", DataTypes.IntegerType),
        field("hp_epochs", DataTypes.IntegerType),
        field("hp_max_seq_length", DataTypes.IntegerType),
        field("hp_warmup_ratio", DataTypes.DoubleType),
        field("hp_linear_decay", DataTypes.BooleanType),
        field("hp_weight_decay", DataTypes.DoubleType),
        field("hp_max_grad_norm", DataTypes.DoubleType),
        field("hp_dropout", DataTypes.DoubleType),
        field("hp_dynamic_padding", DataTypes.BooleanType),
        field("hp_length_grouping", DataTypes.BooleanType),
        field("limit_max_train_examples", DataTypes.IntegerType),
        field("limit_max_eval_examples", DataTypes.IntegerType),
        field("limit_max_steps", DataTypes.IntegerType),
        field("metric_accuracy", DataTypes.DoubleType),
        field("metric_accuracy_mismatched", DataTypes.DoubleType),
        field("metric_f1", DataTypes.DoubleType),
        field("metric_mcc", DataTypes.DoubleType),
        field("metric_pearson", DataTypes.DoubleType),
        field("metric_spearman", DataTypes.DoubleType),
        field("headline", DataTypes.DoubleType),
        field("baseline_headline", DataTypes.DoubleType),
        field("delta_headline", DataTypes.DoubleType),
        field("params_total", DataTypes.LongType),
        field("params_encoder", DataTypes.LongType),
        field("train_examples", DataTypes.IntegerType),
        field("train_steps", DataTypes.IntegerType),
        field("eval_examples", DataTypes.IntegerType),
        field("finetune_seconds", DataTypes.DoubleType),
        field("eval_seconds", DataTypes.DoubleType),
        field("select_seconds", DataTypes.DoubleType),
        field("train_tokens_per_second", DataTypes.DoubleType),
        field("eval_examples_per_second", DataTypes.DoubleType),
        field("peak_heap_bytes", DataTypes.LongType),
        field("peak_rss_bytes", DataTypes.LongType),
        field("device", DataTypes.StringType),
        field("host", DataTypes.StringType),
        field("status", DataTypes.StringType),
        field("failure_reason", DataTypes.StringType),
        field("started_at", DataTypes.TimestampType),
        field("finished_at", DataTypes.TimestampType),
        field("dropgrid_version", DataTypes.StringType),
    });

    private ResultTable() {}

    private static StructField field(String name, DataType type) {
        return DataTypes.createStructField(name, type, true);
    }

    /** One Spark row, values in {@link #SCHEMA} order. */
    public static Row toRow(ResultRow r) {
        return RowFactory.create(
                r.runName(), r.cellId(), r.specHash(), r.modelId(), r.architecture(), r.modelSource(), r.task(),
                r.strategy(), r.drop(), r.dropStage(), r.pretrainedDepth(), r.keptLayers().toArray(new Integer[0]),
                r.layerScores().toArray(new Double[0]), r.strategyOptions(), r.seed(),
                r.hpLearningRate(), r.hpBatchSize(), r.hpEpochs(), r.hpMaxSeqLength(), r.hpWarmupRatio(),
                r.hpLinearDecay(), r.hpWeightDecay(), r.hpMaxGradNorm(), r.hpDropout(), r.hpDynamicPadding(),
                r.hpLengthGrouping(), r.limitMaxTrainExamples(), r.limitMaxEvalExamples(), r.limitMaxSteps(),
                r.metricAccuracy(), r.metricAccuracyMismatched(), r.metricF1(), r.metricMcc(), r.metricPearson(),
                r.metricSpearman(), r.headline(), r.baselineHeadline(), r.deltaHeadline(), r.paramsTotal(),
                r.paramsEncoder(), r.trainExamples(), r.trainSteps(), r.evalExamples(), r.finetuneSeconds(),
                r.evalSeconds(), r.selectSeconds(), r.trainTokensPerSecond(), r.evalExamplesPerSecond(),
                r.peakHeapBytes(), r.peakRssBytes(), r.device(), r.host(), r.status(), r.failureReason(),
                r.startedAt() == null ? null : Timestamp.from(r.startedAt()),
                r.finishedAt() == null ? null : Timestamp.from(r.finishedAt()),
                r.dropgridVersion());
    }

    /**
     * Rebuilds {@code <output>/results/} from the committed cell files: newest result per cell id,
     * baselines filled, one Parquet file. Returns the rows written.
     */
    public static List<ResultRow> rebuild(SparkSession spark, String output) {
        ResultFiles files = new ResultFiles(output, spark.sparkContext().hadoopConfiguration());
        List<ResultRow> rows = Baselines.fill(files.latest().values());
        List<Row> sparkRows = rows.stream().map(ResultTable::toRow).toList();
        spark.sparkContext().setJobDescription("dropgrid: write " + rows.size() + " result rows");
        spark.createDataFrame(sparkRows, SCHEMA)
                .coalesce(1)
                .write()
                .mode(SaveMode.Overwrite)
                .parquet(ResultFiles.resultsDir(output));
        return rows;
    }
}
