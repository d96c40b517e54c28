package dropgrid.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.OptionalInt;

/**
 * An architecture's hyper-parameters as its {@code config.json} names them: what a checkpoint is read
 * with and a classifier is built from. One record per architecture, each in (or beside) its
 * architecture's file.
 */
public sealed interface ModelConfig
        permits BertConfig, DistilBert.DistilBertConfig, Roberta.RobertaConfig, XLNet.XLNetConfig,
                Albert.AlbertConfig {

    Architecture architecture();

    /** L, the layers of the pre-trained model. */
    int depth();

    /** Rows of the word-embedding table (valid input ids are below it). */
    int vocabSize();

    /**
     * The most tokens one example may have: what the position table covers, or empty when positions
     * are relative and unbounded (XLNet).
     */
    OptionalInt positionLimit();

    /**
     * The tokens an example is cut to: {@code requested} ({@code max_seq_length}), or the position
     * limit when that is smaller, as HF tokenizers cap at {@code model_max_length}.
     */
    default int sequenceLength(int requested) {
        OptionalInt limit = positionLimit();
        return limit.isPresent() ? Math.min(requested, limit.getAsInt()) : requested;
    }

    /** The same model with every dropout probability replaced, as fine-tuning recipes set it. */
    ModelConfig withDropout(double p);

    /**
     * The architecture's sequence classifier over {@code keptLayers} (original indices, ascending) with a
     * head of {@code numOutputs} (1 for regression); its parameters are not initialised yet.
     */
    SequenceClassifier classifier(List<Integer> keptLayers, int numOutputs);

    /** The config of a parsed HF {@code config.json}, by its {@code model_type}. */
    static ModelConfig fromJson(JsonNode json) {
        Architecture architecture;
        try {
            architecture = Architecture.parse(ConfigJson.text(json, "model_type", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model_type: " + e.getMessage(), e);
        }
        return switch (architecture) {
            case BERT -> BertConfig.fromJson(json);
            case DISTILBERT -> DistilBert.DistilBertConfig.fromJson(json);
            case ROBERTA -> Roberta.RobertaConfig.fromJson(json);
            case XLNET -> XLNet.XLNetConfig.fromJson(json);
            case ALBERT -> Albert.AlbertConfig.fromJson(json);
        };
    }
}
