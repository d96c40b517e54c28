package dropgrid.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import com.fasterxml.jackson.databind.JsonNode;
import dropgrid.kernels.Kernels;
import dropgrid.kernels.Scalars;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * XLNet (Yang et al., "XLNet: Generalized Autoregressive Pretraining for Language Understanding",
 * arXiv 1906.08237) as fine-tuned for sequence classification: the content stream only, with
 * Transformer-XL relative positional attention (Dai et al., arXiv 1901.02860) and relative segment
 * encodings. No permutation mask, no query stream, no memory — what HF's {@code XLNetModel} computes
 * with {@code perm_mask = target_mapping = mems = None}.
 *
 * <p>Reference: HF {@code transformers/models/xlnet/modeling_xlnet.py} ({@code XLNetRelativeAttention},
 * {@code XLNetFeedForward}, {@code XLNetLayer}, {@code XLNetModel}, {@code XLNetSequenceSummary},
 * {@code XLNetForSequenceClassification}); the original {@code zihangdai/xlnet} {@code modeling.py}.
 * HF's einsums are time-major ({@code "ibnd"}); these blocks are batch-major.
 *
 * <p>Shapes: B batch, T sequence length, E {@code d_model}, N heads, H {@code d_head}, R = 2T
 * relative positions (from T down to -T+1), F {@code d_inner}.
 *
 * <p>Inputs follow {@link Encoder}. XLNet's tokenizer pads on the left and puts {@code <sep> <cls>} at
 * the end; the classification summary is the last position, so left padding keeps it in place. Token
 * type ids only matter through "same segment or not" between two positions, so XLNet's ids (0, 1, 2
 * for {@code <cls>}, 3 for padding) are used as given.
 *
 * <p>Masking follows HF exactly: a key that is padding is masked for every query except itself (HF's
 * {@code non_tgt_mask}), so padded positions attend to the real tokens and to themselves.
 */
public final class XLNet {

    private XLNet() {}

    /**
     * The {@code config.json} fields the content stream needs. Pretraining-only settings
     * ({@code mem_len}, {@code reuse_len}, {@code same_length}, query stream) are ignored; settings
     * that would change the fine-tuning computation are accepted only at the values implemented.
     */
    public record XLNetConfig(
            int vocabSize,
            int dModel,
            int nLayer,
            int nHead,
            int dHead,
            int dInner,
            HiddenActivation ffActivation,
            float layerNormEps,
            float dropout,
            int clampLen,
            float summaryLastDropout,
            double initializerRange)
            implements ModelConfig {

        public XLNetConfig {
            if (dModel % nHead != 0 || dHead != dModel / nHead) {
                throw new IllegalArgumentException(
                        "d_head (" + dHead + ") must be d_model (" + dModel + ") / n_head (" + nHead + ")");
            }
            if (nLayer < 1 || dInner < 1 || vocabSize < 1) {
                throw new IllegalArgumentException(
                        "n_layer (" + nLayer + "), d_inner (" + dInner + ") and vocab_size (" + vocabSize
                                + ") must be positive");
            }
        }

        /**
         * From a parsed HF {@code config.json} with {@code model_type} xlnet. Keys that would change the
         * fine-tuning computation must hold the values implemented here; the error names the key.
         */
        public static XLNetConfig fromJson(JsonNode json) {
            require(json, "attn_type", "bi", "bidirectional attention is what fine-tuning uses");
            require(json, "bi_data", "false", "bidirectional data pipelines are a pretraining option");
            require(json, "summary_type", "last", "the classifier summarises the final <cls> token");
            require(json, "summary_use_proj", "true", "the summary projection is part of the head");
            require(json, "summary_activation", "tanh", "the summary activation is tanh");
            require(json, "summary_proj_to_labels", "false", "logits_proj maps d_model to the labels");
            if (ConfigJson.number(json, "summary_first_dropout", 0.0) != 0.0) {
                throw new IllegalArgumentException("summary_first_dropout must be 0 (XLNet's own value)");
            }
            int dModel = ConfigJson.integer(json, "d_model");
            int nHead = ConfigJson.integer(json, "n_head");
            return new XLNetConfig(
                    ConfigJson.integer(json, "vocab_size"),
                    dModel,
                    ConfigJson.integer(json, "n_layer"),
                    nHead,
                    ConfigJson.integer(json, "d_head", dModel / nHead),
                    ConfigJson.integer(json, "d_inner"),
                    HiddenActivation.parse("ff_activation", ConfigJson.text(json, "ff_activation", "gelu")),
                    (float) ConfigJson.number(json, "layer_norm_eps", 1e-12),
                    (float) ConfigJson.number(json, "dropout", 0.1),
                    ConfigJson.integer(json, "clamp_len", -1),
                    (float) ConfigJson.number(json, "summary_last_dropout", 0.1),
                    ConfigJson.number(json, "initializer_range", 0.02));
        }

        /** An absent key means HF's default, which is the implemented value. */
        private static void require(JsonNode json, String key, String implemented, String why) {
            JsonNode v = json.get(key);
            if (v != null && !v.isNull() && !v.asText().equals(implemented)) {
                throw new IllegalArgumentException(
                        "key '" + key + "' is " + v + "; only " + implemented + " is supported (" + why + ")");
            }
        }

        @Override
        public Architecture architecture() {
            return Architecture.XLNET;
        }

        @Override
        public int depth() {
            return nLayer;
        }

        /** Relative positions: any length fits. */
        @Override
        public OptionalInt positionLimit() {
            return OptionalInt.empty();
        }

        @Override
        public XLNetConfig withDropout(double rate) {
            float p = (float) rate;
            return new XLNetConfig(vocabSize, dModel, nLayer, nHead, dHead, dInner, ffActivation,
                    layerNormEps, p, clampLen, p, initializerRange);
        }

        @Override
        public XLNetForSequenceClassification classifier(List<Integer> keptLayers, int numOutputs) {
            return new XLNetForSequenceClassification(this, keptLayers, numOutputs);
        }
    }

    /**
     * {@code rel_attn}: relative positional multi-head self-attention, post-LayerNorm residual: one
     * {@link Kernels#relativeAttentionBlock}, or the same on DJL's operators (fp32) without the native kernels.
     */
    static final class RelativeAttention extends AbstractBlock {
        private final XLNetConfig config;
        final Parameter q;
        final Parameter k;
        final Parameter v;
        final Parameter o;
        final Parameter r;
        final Parameter rWBias;
        final Parameter rRBias;
        final Parameter rSBias;
        final Parameter segEmbed;
        final LayerNorm layerNorm;

        RelativeAttention(XLNetConfig config) {
            this.config = config;
            Shape projection = new Shape(config.dModel(), config.nHead(), config.dHead());
            Shape bias = new Shape(config.nHead(), config.dHead());
            this.q = addParameter(weight("q", projection));
            this.k = addParameter(weight("k", projection));
            this.v = addParameter(weight("v", projection));
            this.o = addParameter(weight("o", projection));
            this.r = addParameter(weight("r", projection));
            this.rWBias = addParameter(weight("r_w_bias", bias));
            this.rRBias = addParameter(weight("r_r_bias", bias));
            this.rSBias = addParameter(weight("r_s_bias", bias));
            this.segEmbed = addParameter(weight("seg_embed", new Shape(2, config.nHead(), config.dHead())));
            this.layerNorm = addChildBlock("layer_norm", layerNorm(config));
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            layerNorm.initialize(manager, dataType, inputShapes[0]);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0]};
        }

        /** Inputs: h (B, T, E), relative encodings (R, E), segment difference (B, 1, T, T), mask (B, 1, T, T). */
        @Override
        @SuppressWarnings("checkstyle:LocalVariableName") // B, T, E, N, H as in the shape legend
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray h = inputs.get(0);
            NDArray relative = inputs.get(1);
            NDArray segmentDiffers = inputs.get(2);
            NDArray masked = inputs.get(3);
            if (Kernels.nativeKernels()) {
                return new NDList(Kernels.relativeAttentionBlock(h, relative, segmentDiffers, masked,
                        BlockWeights.of(ps, h, training, this, layerNorm), config.layerNormEps(), config.dropout(),
                        training));
            }
            long B = h.getShape().get(0);
            long T = h.getShape().get(1);
            int E = config.dModel();
            int N = config.nHead();
            int H = config.dHead();
            NDArray qHead = heads(ps, q, h, training); // (B, N, T, H)
            NDArray kHead = heads(ps, k, h, training);
            NDArray vHead = heads(ps, v, h, training);
            NDArray kHeadR = relative.matMul(reshaped(ps, r, h, training, E, N * H))
                    .reshape(1, -1, N, H)
                    .transpose(0, 2, 3, 1); // (1, N, H, R)

            NDArray content = qHead.add(bias(ps, rWBias, h, training)).matMul(kHead.transpose(0, 1, 3, 2));
            NDArray position = relShift(qHead.add(bias(ps, rRBias, h, training)).matMul(kHeadR), T);
            // (B, N, T, 2): the score of "same segment" and of "different segment" for each query
            NDArray segmentScores = qHead.add(bias(ps, rSBias, h, training))
                    .matMul(reshaped(ps, segEmbed, h, training, 1, 2, N, H).transpose(0, 2, 3, 1));
            NDArray same = segmentScores.get(new NDIndex("..., 0:1"));
            NDArray different = segmentScores.get(new NDIndex("..., 1:2"));
            NDArray segment = same.add(segmentDiffers.mul(different.sub(same)));

            // HF subtracts 1e30 rather than filling with -inf: a fully masked row stays finite.
            NDArray scores = content.add(position).add(segment)
                    .mul(Scalars.like(content, 1.0 / Math.sqrt(H)))
                    .sub(masked.mul(1e30f));
            NDArray probabilities = Kernels.dropout(scores.softmax(-1), config.dropout(), training);
            NDArray attended = probabilities.matMul(vHead).transpose(0, 2, 1, 3).reshape(B, T, N * H);
            NDArray out = attended.matMul(reshaped(ps, o, h, training, E, N * H).transpose());
            out = Kernels.dropout(out, config.dropout(), training);
            return layerNorm.forward(ps, new NDList(out.add(h)), training);
        }

        private NDArray bias(ParameterStore ps, Parameter parameter, NDArray batch, boolean training) {
            return reshaped(ps, parameter, batch, training, 1, config.nHead(), 1, config.dHead());
        }

        /** x (B, T, E) projected into heads (B, N, T, H). */
        private NDArray heads(ParameterStore ps, Parameter projection, NDArray x, boolean training) {
            return x.matMul(reshaped(ps, projection, x, training, config.dModel(), config.nHead() * config.dHead()))
                    .reshape(x.getShape().get(0), x.getShape().get(1), config.nHead(), config.dHead())
                    .transpose(0, 2, 1, 3);
        }

        /**
         * The parameter's value reshaped, owned by {@code batch}'s manager. An op on a parameter puts
         * its result in the parameter's manager — the model's — where it would stay until the model
         * is closed: two dozen arrays per step otherwise. Ops on the returned view stay per batch.
         */
        private static NDArray reshaped(ParameterStore ps, Parameter parameter, NDArray batch, boolean training,
                long... shape) {
            NDArray view = ps.getValue(parameter, batch.getDevice(), training).reshape(shape);
            view.attach(batch.getManager());
            return view;
        }
    }

    /**
     * HF's {@code rel_shift_bnij}: turns scores against relative positions T..-T+1 (B, N, T, R) into
     * scores against keys (B, N, T, T), so that entry (i, j) holds relative distance i - j.
     */
    static NDArray relShift(NDArray scores, long length) {
        Shape s = scores.getShape();
        return scores.reshape(s.get(0), s.get(1), s.get(3), s.get(2))
                .get(new NDIndex(":, :, 1:, :"))
                .reshape(s.get(0), s.get(1), s.get(2), s.get(3) - 1)
                .get(new NDIndex(":, :, :, :{}", length));
    }

    /**
     * Sinusoidal encodings of the relative distances T, T-1, ..., -T+1 (clamped to ±{@code clamp_len}
     * when that is positive), (R, E): sines in the first half, cosines in the second, as HF's
     * {@code relative_positional_encoding} with {@code attn_type="bi"}, {@code bi_data=False}.
     */
    static NDArray relativePositionalEncoding(NDManager manager, long length, XLNetConfig config) {
        NDArray positions = manager.arange((float) length, (float) -length, -1f);
        if (config.clampLen() > 0) {
            positions = positions.clip(-config.clampLen(), config.clampLen());
        }
        NDArray inverseFrequency = manager.create(10000f)
                .pow(manager.arange(0f, config.dModel(), 2f).div(config.dModel()))
                .pow(-1);
        NDArray sinusoid = positions.expandDims(1).mul(inverseFrequency.expandDims(0));
        return sinusoid.sin().concat(sinusoid.cos(), 1);
    }

    /** {@code ff}: position-wise feed-forward with its residual and LayerNorm, one {@link Kernels#feedForwardBlock}. */
    static final class FeedForward extends AbstractBlock {
        private final XLNetConfig config;
        final LayerNorm layerNorm;
        final Linear layer1;
        final Linear layer2;

        FeedForward(XLNetConfig config) {
            this.config = config;
            this.layerNorm = addChildBlock("layer_norm", layerNorm(config));
            this.layer1 = addChildBlock("layer_1", Linear.builder().setUnits(config.dInner()).build());
            this.layer2 = addChildBlock("layer_2", Linear.builder().setUnits(config.dModel()).build());
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape in = inputShapes[0];
            layerNorm.initialize(manager, dataType, in);
            layer1.initialize(manager, dataType, in);
            layer2.initialize(manager, dataType, new Shape(in.get(0), in.get(1), config.dInner()));
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0]};
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray x = inputs.head();
            return new NDList(Kernels.feedForwardBlock(x, BlockWeights.of(ps, x, training, layer1, layer2, layerNorm),
                    config.ffActivation().kernel(), config.layerNormEps(), config.dropout(), config.dropout(),
                    training));
        }
    }

    /** {@code transformer.layer.N}: relative attention, then the feed-forward. */
    static final class XLNetLayer extends AbstractBlock {
        final RelativeAttention relAttn;
        final FeedForward ff;

        XLNetLayer(XLNetConfig config) {
            this.relAttn = addChildBlock("rel_attn", new RelativeAttention(config));
            this.ff = addChildBlock("ff", new FeedForward(config));
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            relAttn.initialize(manager, dataType, inputShapes);
            ff.initialize(manager, dataType, inputShapes[0]);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0]};
        }

        /** Same inputs as {@link RelativeAttention}; returns the new h. */
        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDList attended = relAttn.forward(ps, inputs, training);
            return ff.forward(ps, attended, training);
        }
    }

    /** {@code transformer}: word embedding, the kept layers and the relative position/segment inputs. */
    public static final class XLNetModel extends AbstractBlock implements Encoder {
        private final XLNetConfig config;
        private final List<Integer> keptLayers;
        final EmbeddingLookup wordEmbedding;
        final List<XLNetLayer> layers = new ArrayList<>();

        /** {@code keptLayers}: original indices, ascending; only those layers are materialised. */
        public XLNetModel(XLNetConfig config, List<Integer> keptLayers) {
            this.config = config;
            this.keptLayers = Encoder.checkKeptLayers(keptLayers, config.nLayer());
            this.wordEmbedding = addChildBlock("word_embedding", new EmbeddingLookup(config.vocabSize(), config.dModel()));
            for (int original : this.keptLayers) {
                layers.add(addChildBlock("layer." + original, new XLNetLayer(config)));
            }
        }

        @Override
        public XLNetConfig config() {
            return config;
        }

        @Override
        public List<Integer> keptLayers() {
            return keptLayers;
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            Shape ids = inputShapes[0];
            long b = ids.get(0);
            long t = ids.get(1);
            Shape h = new Shape(b, t, config.dModel());
            wordEmbedding.initialize(manager, dataType, ids);
            for (XLNetLayer layer : layers) {
                layer.initialize(manager, dataType,
                        h, new Shape(2 * t, config.dModel()), new Shape(b, 1, t, t), new Shape(b, 1, t, t));
            }
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {inputShapes[0].add(config.dModel())};
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDList all = hiddenStates(ps, inputs, training);
            // HF applies dropout once more to the last layer's output.
            return new NDList(Kernels.dropout(all.get(all.size() - 1), config.dropout(), training));
        }

        @Override
        public NDList hiddenStates(ParameterStore ps, NDList inputs, boolean training) {
            EncoderInputs.checkShapes(inputs);
            EncoderInputs.checkRange(inputs.get(0), "input_ids", config.vocabSize(), "vocab_size");
            NDArray inputIds = inputs.get(0);
            NDArray tokenTypeIds = inputs.get(1);
            NDArray attentionMask = inputs.get(2);
            NDManager manager = inputIds.getManager();
            long t = inputIds.getShape().get(1);

            NDArray embedded = wordEmbedding.forward(ps, new NDList(inputIds), training).head();
            NDArray h = Kernels.dropout(embedded, config.dropout(), training);
            NDArray relative = Kernels.dropout(
                    relativePositionalEncoding(manager, t, config).toDevice(inputIds.getDevice(), false),
                    config.dropout(), training);
            NDArray segmentDiffers = tokenTypeIds.expandDims(2).neq(tokenTypeIds.expandDims(1))
                    .toType(h.getDataType(), false)
                    .expandDims(1); // (B, 1, T, T)
            NDArray padKey = attentionMask.eq(0).toType(h.getDataType(), false).reshape(-1, 1, 1, t);
            NDArray notSelf = manager.eye((int) t).neg().add(1).toType(h.getDataType(), false)
                    .toDevice(inputIds.getDevice(), false);
            NDArray masked = padKey.mul(notSelf); // (B, 1, T, T)

            NDList states = new NDList(h);
            for (XLNetLayer layer : layers) {
                h = layer.forward(ps, new NDList(h, relative, segmentDiffers, masked), training).head();
                states.add(h);
            }
            return states;
        }
    }

    /**
     * {@code sequence_summary} ({@code summary_type="last"}, projection, tanh, dropout after) and
     * {@code logits_proj}, as HF's {@code XLNetForSequenceClassification}.
     */
    public static final class XLNetForSequenceClassification extends AbstractBlock implements SequenceClassifier {
        private final XLNetConfig config;
        private final int numOutputs;
        final XLNetModel transformer;
        final Linear summary;
        final Linear logitsProj;

        public XLNetForSequenceClassification(XLNetConfig config, List<Integer> keptLayers, int numOutputs) {
            this.config = config;
            this.numOutputs = SequenceClassifier.checkNumOutputs(numOutputs);
            this.transformer = addChildBlock("transformer", new XLNetModel(config, keptLayers));
            // HF nests it as sequence_summary.summary; the loader maps the name.
            this.summary = addChildBlock("sequence_summary.summary",
                    Linear.builder().setUnits(config.dModel()).build());
            this.logitsProj = addChildBlock("logits_proj", Linear.builder().setUnits(numOutputs).build());
            setInitializer(new NormalInitializer((float) config.initializerRange()), Parameter.Type.WEIGHT);
        }

        @Override
        public XLNetModel encoder() {
            return transformer;
        }

        @Override
        public int numOutputs() {
            return numOutputs;
        }

        @Override
        public boolean loadWeights(Weights weights) {
            return HfParameters.loadByKey(this, weights, "transformer.",
                    List.of("sequence_summary.", "logits_proj."));
        }

        @Override
        protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
            transformer.initialize(manager, dataType, inputShapes);
            Shape pooled = new Shape(inputShapes[0].get(0), config.dModel());
            summary.initialize(manager, dataType, pooled);
            logitsProj.initialize(manager, dataType, pooled);
        }

        @Override
        public Shape[] getOutputShapes(Shape[] inputShapes) {
            return new Shape[] {new Shape(inputShapes[0].get(0), numOutputs)};
        }

        @Override
        protected NDList forwardInternal(
                ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
            NDArray hidden = transformer.forward(ps, inputs, training).head();
            NDArray last = hidden.get(new NDIndex(":, -1, :"));
            NDArray pooled = summary.forward(ps, new NDList(last), training).head().tanh();
            pooled = Kernels.dropout(pooled, config.summaryLastDropout(), training);
            return logitsProj.forward(ps, new NDList(pooled), training);
        }
    }

    /** A raw tensor, HF's {@code nn.Parameter}; the classifier sets its initializer, the checkpoint its value. */
    private static Parameter weight(String name, Shape shape) {
        return Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optShape(shape).build();
    }

    private static LayerNorm layerNorm(XLNetConfig config) {
        return LayerNorm.builder().axis(2).optEpsilon(config.layerNormEps()).build();
    }
}
