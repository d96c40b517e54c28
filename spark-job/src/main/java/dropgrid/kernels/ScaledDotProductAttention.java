package dropgrid.kernels;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.norm.Dropout;

/**
 * Multi-head scaled dot-product attention (Vaswani et al. 2017, §3.2): softmax(q kᵀ / √H + mask) v per
 * head, on DJL's operators: the attention of {@link Kernels#attentionBlock} where the native kernels
 * are absent.
 *
 * <p>Shapes: B batch, T tokens (keys), Q queries (T, or 1 for the first token alone), E hidden size, N heads,
 * H = E / N.
 */
// Locals for tensor dimensions are named as in the shape legend, as DJL and Google do.
@SuppressWarnings("checkstyle:LocalVariableName")
public final class ScaledDotProductAttention {

    private ScaledDotProductAttention() {}

    /**
     * @param q projected queries (B, Q, E): every position (Q = T) or the first (Q = 1)
     * @param k projected keys (B, T, E)
     * @param v projected values (B, T, E)
     * @param mask additive (B, 1, 1, T): 0 on tokens, the dtype's lowest value on padding
     * @param heads N
     * @param dropout dropout probability on the attention probabilities (used when {@code training})
     * @return the heads' context concatenated, (B, Q, E)
     */
    public static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask, int heads, float dropout,
            boolean training) {
        long B = q.getShape().get(0);
        long Q = q.getShape().get(1);
        long T = k.getShape().get(1);
        long E = q.getShape().get(2);
        long H = E / heads;
        NDArray qh = q.reshape(B, Q, heads, H).transpose(0, 2, 1, 3); // (B, N, Q, H)
        NDArray kh = k.reshape(B, T, heads, H).transpose(0, 2, 3, 1); // (B, N, H, T)
        NDArray vh = v.reshape(B, T, heads, H).transpose(0, 2, 1, 3);
        NDArray scores = qh.matMul(kh).div(Scalars.like(q, Math.sqrt(H))).add(mask); // (B, N, Q, T)
        NDArray probs = Dropout.dropout(scores.softmax(-1), dropout, training).head();
        return probs.matMul(vh).transpose(0, 2, 1, 3).reshape(B, Q, E);
    }
}
