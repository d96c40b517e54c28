package dropgrid.kernels;

import ai.djl.ndarray.NDArray;

/** The feed-forward non-linearities the blocks support, with the codes the native kernels take. */
public enum Activation {
    /** Exact GELU, with erf: HF's {@code "gelu"}. */
    GELU,
    /** GELU's tanh approximation: HF's {@code "gelu_new"} (ALBERT, Google's BERT code). */
    GELU_TANH,
    RELU;

    int code() {
        return ordinal();
    }

    /** The activation on DJL's operators. */
    public NDArray apply(NDArray x) {
        return switch (this) {
            case GELU -> ai.djl.nn.Activation.gelu(x);
            case GELU_TANH -> geluTanh(x);
            case RELU -> ai.djl.nn.Activation.relu(x);
        };
    }

    /** 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³))), as HF's {@code NewGELUActivation}. */
    private static NDArray geluTanh(NDArray x) {
        NDArray inner = x.pow(Scalars.like(x, 3)).mul(Scalars.like(x, 0.044715)).add(x)
                .mul(Scalars.like(x, Math.sqrt(2 / Math.PI)));
        return inner.tanh().add(Scalars.like(x, 1)).mul(x).mul(Scalars.like(x, 0.5));
    }
}
