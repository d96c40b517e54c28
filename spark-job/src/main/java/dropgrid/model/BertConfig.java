package dropgrid.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;

/**
 * BERT's hyper-parameters, named as in Hugging Face's {@code config.json} and Google's {@code
 * bert_config.json} (which share the keys BERT needs; keys of other models and HF bookkeeping are
 * ignored on purpose).
 *
 * @param vocabSize rows of the word-embedding table
 * @param hiddenSize E, the width of every hidden state
 * @param numHiddenLayers L, layers in the pre-trained checkpoint
 * @param numAttentionHeads N; E must be a multiple of it
 * @param intermediateSize width of the feed-forward layer
 * @param hiddenAct only {@code gelu}: HF's exact erf GELU (Google's TF code uses the tanh
 *     approximation under the same name; HF, our reference, computes erf)
 * @param hiddenDropoutProb dropout after embeddings and every dense sub-layer
 * @param attentionProbsDropoutProb dropout on the attention probabilities
 * @param maxPositionEmbeddings longest sequence the position table covers
 * @param typeVocabSize number of token types (segments)
 * @param layerNormEps LayerNorm epsilon (absent in Google's files: 1e-12, their hard-coded value)
 * @param initializerRange standard deviation of the normal initialiser of fresh weights (the head)
 * @param classifierDropout dropout before the classification head (HF: null means hidden dropout)
 */
public record BertConfig(
        int vocabSize,
        int hiddenSize,
        int numHiddenLayers,
        int numAttentionHeads,
        int intermediateSize,
        String hiddenAct,
        double hiddenDropoutProb,
        double attentionProbsDropoutProb,
        int maxPositionEmbeddings,
        int typeVocabSize,
        double layerNormEps,
        double initializerRange,
        double classifierDropout)
        implements ModelConfig {

    public BertConfig {
        positive("vocab_size", vocabSize);
        positive("hidden_size", hiddenSize);
        positive("num_attention_heads", numAttentionHeads);
        positive("intermediate_size", intermediateSize);
        positive("max_position_embeddings", maxPositionEmbeddings);
        positive("type_vocab_size", typeVocabSize);
        if (numHiddenLayers < 0) {
            throw new IllegalArgumentException("num_hidden_layers (" + numHiddenLayers + ") must be >= 0");
        }
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException(String.format(
                    "hidden_size (%d) is not a multiple of num_attention_heads (%d)", hiddenSize, numAttentionHeads));
        }
        if (!"gelu".equals(hiddenAct)) {
            throw new IllegalArgumentException("hidden_act '" + hiddenAct + "' is not supported; allowed: gelu");
        }
        probability("hidden_dropout_prob", hiddenDropoutProb);
        probability("attention_probs_dropout_prob", attentionProbsDropoutProb);
        probability("classifier_dropout", classifierDropout);
        if (!(layerNormEps > 0)) {
            throw new IllegalArgumentException("layer_norm_eps (" + layerNormEps + ") must be > 0");
        }
        if (!(initializerRange > 0)) {
            throw new IllegalArgumentException("initializer_range (" + initializerRange + ") must be > 0");
        }
    }

    /** BERT-base uncased (Devlin et al. 2019): 12 layers, E = 768, 12 heads, 110 M parameters. */
    public static BertConfig base() {
        return new BertConfig(30522, 768, 12, 12, 3072, "gelu", 0.1, 0.1, 512, 2, 1e-12, 0.02, 0.1);
    }

    /** H, the width of one attention head. */
    public int headSize() {
        return hiddenSize / numAttentionHeads;
    }

    @Override
    public Architecture architecture() {
        return Architecture.BERT;
    }

    @Override
    public int depth() {
        return numHiddenLayers;
    }

    @Override
    public OptionalInt positionLimit() {
        return OptionalInt.of(maxPositionEmbeddings);
    }

    /** The same model with every dropout rate (hidden, attention, classifier) set to {@code p}. */
    @Override
    public BertConfig withDropout(double p) {
        return new BertConfig(vocabSize, hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize,
                hiddenAct, p, p, maxPositionEmbeddings, typeVocabSize, layerNormEps, initializerRange, p);
    }

    @Override
    public Bert.BertForSequenceClassification classifier(List<Integer> keptLayers, int numOutputs) {
        return new Bert.BertForSequenceClassification(this, keptLayers, numOutputs);
    }

    /** Reads HF {@code config.json} or Google {@code bert_config.json}; errors name the file and key. */
    public static BertConfig read(Path file) {
        return ConfigJson.read(file, BertConfig::fromJson);
    }

    /** The config from a parsed {@code config.json} object; keys BERT does not use are ignored. */
    public static BertConfig fromJson(JsonNode json) {
        double hiddenDropout = ConfigJson.number(json, "hidden_dropout_prob", null);
        return new BertConfig(
                ConfigJson.integer(json, "vocab_size"),
                ConfigJson.integer(json, "hidden_size"),
                ConfigJson.integer(json, "num_hidden_layers"),
                ConfigJson.integer(json, "num_attention_heads"),
                ConfigJson.integer(json, "intermediate_size"),
                ConfigJson.text(json, "hidden_act", "gelu"),
                hiddenDropout,
                ConfigJson.number(json, "attention_probs_dropout_prob", null),
                ConfigJson.integer(json, "max_position_embeddings"),
                ConfigJson.integer(json, "type_vocab_size"),
                ConfigJson.number(json, "layer_norm_eps", 1e-12),
                ConfigJson.number(json, "initializer_range", 0.02),
                ConfigJson.number(json, "classifier_dropout", hiddenDropout));
    }

    /** The config as HF writes it ({@code model_type} bert), for directories we create. */
    public JsonNode toJson() {
        return new ObjectMapper().createObjectNode()
                .put("model_type", "bert")
                .put("vocab_size", vocabSize)
                .put("hidden_size", hiddenSize)
                .put("num_hidden_layers", numHiddenLayers)
                .put("num_attention_heads", numAttentionHeads)
                .put("intermediate_size", intermediateSize)
                .put("hidden_act", hiddenAct)
                .put("hidden_dropout_prob", hiddenDropoutProb)
                .put("attention_probs_dropout_prob", attentionProbsDropoutProb)
                .put("max_position_embeddings", maxPositionEmbeddings)
                .put("type_vocab_size", typeVocabSize)
                .put("layer_norm_eps", layerNormEps)
                .put("initializer_range", initializerRange);
    }

    private static void positive(String key, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " (" + value + ") must be > 0");
        }
    }

    private static void probability(String key, double p) {
        if (!(p >= 0 && p < 1)) {
            throw new IllegalArgumentException(key + " (" + p + ") must be in [0, 1)");
        }
    }
}
