package dropgrid.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.norm.Dropout;

/** Scaled dot-product multi-head attention (Vaswani et al. 2017) shared by the BERT-style encoders. */
final class Attention {

    private Attention() {}

    /**
     * {@code attention_mask} (B, T), 1 on real tokens, as an additive (B, 1, 1, T) mask: 0 where a key
     * may be attended, a large negative where it is padding (HF adds its dtype's minimum).
     */
    static NDArray additiveMask(NDArray attentionMask, DataType dataType) {
        long t = attentionMask.getShape().get(1);
        return attentionMask.toType(dataType, false).sub(1f).mul(1e30f).reshape(-1, 1, 1, t);
    }

    /** q, k, v (B, T, E) already projected; returns the heads concatenated again, (B, T, E). */
    static NDArray scaledDotProduct(
            NDArray q, NDArray k, NDArray v, NDArray additiveMask, int heads, float dropout, boolean training) {
        long b = q.getShape().get(0);
        long t = q.getShape().get(1);
        long e = q.getShape().get(2);
        long h = e / heads;
        NDArray qh = q.reshape(b, t, heads, h).transpose(0, 2, 1, 3); // (B, N, T, H)
        NDArray kh = k.reshape(b, t, heads, h).transpose(0, 2, 3, 1); // (B, N, H, T)
        NDArray vh = v.reshape(b, t, heads, h).transpose(0, 2, 1, 3);
        NDArray scores = qh.matMul(kh).mul((float) (1.0 / Math.sqrt(h))).add(additiveMask);
        NDArray probabilities = Dropout.dropout(scores.softmax(-1), dropout, training).head();
        return probabilities.matMul(vh).transpose(0, 2, 1, 3).reshape(b, t, e);
    }
}
