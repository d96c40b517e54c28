"""Golden tensors for dropgrid's transformer blocks (dropgrid.kernels.Kernels), computed by Hugging Face.

Run from the repository root with the project's Python (transformers 5.x, torch 2.7.1):

    /work/venvs/torch/bin/python spark-job/src/test/python/make_kernel_goldens.py

Writes spark-job/src/test/resources/kernels/goldens.json: one tiny random HF BertLayer (attention block,
then feed-forward block), its input x with padding in the attention mask, a fixed projection R, and for
each precision the layer's output and the gradients of loss = sum(output * R) with respect to x and
every weight:
  fp32  -- the layer in float64 from the float32 weights (no float32 rounding of its own);
  bf16  -- the float32 layer under torch.autocast("cpu", torch.bfloat16);
  fp16  -- the same under torch.autocast("cpu", torch.float16).
The layer uses HF's eager attention: under autocast it runs the recipe of dropgrid's 16-bit kernels
(scores and probabilities in the format, the softmax accumulating in fp32), where HF's sdpa attention
computes in fp32 inside on the CPU.
The feed-forward block alone is also given with gelu_new (HF's tanh GELU) and relu, in float64.
The cases fp32_first and bf16_first are what a classifier reading the first token sees of the layer: its
output at position 0 only and the gradients of loss = sum(output[:, 0] * R[:, 0]).
"""

import json
import os

import torch
from transformers import BertConfig
from transformers.activations import ACT2FN
from transformers.models.bert.modeling_bert import BertLayer

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "kernels", "goldens.json")
E, N, I, B, T = 32, 4, 64, 2, 9
EPS = 1e-12


def tensor(t):
    t = t.detach().to(torch.float64)
    return {"shape": list(t.shape), "data": [float("%.9g" % v) for v in t.flatten().tolist()]}


def weights(layer):
    a, i, o = layer.attention, layer.intermediate, layer.output
    attention = [a.self.query.weight, a.self.query.bias, a.self.key.weight, a.self.key.bias, a.self.value.weight,
                 a.self.value.bias, a.output.dense.weight, a.output.dense.bias, a.output.LayerNorm.weight,
                 a.output.LayerNorm.bias]
    feed_forward = [i.dense.weight, i.dense.bias, o.dense.weight, o.dense.bias, o.LayerNorm.weight,
                    o.LayerNorm.bias]
    return attention, feed_forward


def run(layer, x, mask, projection, autocast=None, first=False):
    layer.zero_grad(set_to_none=True)
    x = x.clone().requires_grad_(True)
    # HF's extended mask: 0 on tokens, the dtype's lowest value on padding, (B, 1, 1, T)
    additive = (1.0 - mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
    if autocast is None:
        out = layer(x, attention_mask=additive)
    else:
        with torch.autocast("cpu", dtype=autocast):
            out = layer(x, attention_mask=additive)
    if isinstance(out, tuple):  # transformers 4 returns (hidden_states, ...)
        out = out[0]
    assert out.shape == x.shape, out.shape
    if first:
        out, projection = out[:, :1], projection[:, :1]
    (out.to(torch.float64) * projection.to(torch.float64)).sum().backward()
    attention, feed_forward = weights(layer)
    return {
        "output": tensor(out),
        "grad_x": tensor(x.grad),
        "grad_attention": [tensor(w.grad) for w in attention],
        "grad_feed_forward": [tensor(w.grad) for w in feed_forward],
    }


def main():
    g = torch.Generator().manual_seed(18)
    config = BertConfig(hidden_size=E, num_attention_heads=N, intermediate_size=I, hidden_act="gelu",
                        layer_norm_eps=EPS, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0,
                        attn_implementation="eager")
    layer = BertLayer(config).eval()
    with torch.no_grad():
        for name, p in layer.named_parameters():
            if "LayerNorm.weight" in name:
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=g))
            else:
                p.copy_(0.3 * torch.randn(p.shape, generator=g))
    x = torch.randn(B, T, E, generator=g)
    mask = torch.ones(B, T, dtype=torch.long)
    mask[1, 6:] = 0
    projection = torch.randn(B, T, E, generator=g)
    attention, feed_forward = weights(layer)
    golden = {
        "hidden_size": E, "heads": N, "intermediate_size": I, "layer_norm_eps": EPS,
        "x": tensor(x), "attention_mask": mask.tolist(), "projection": tensor(projection),
        "attention_weights": [tensor(w) for w in attention],
        "feed_forward_weights": [tensor(w) for w in feed_forward],
        "cases": {
            "bf16": run(layer, x, mask, projection, torch.bfloat16),
            "fp16": run(layer, x, mask, projection, torch.float16),
            "bf16_first": run(layer, x, mask, projection, torch.bfloat16, first=True),
        },
    }
    golden["cases"]["fp32"] = run(layer.double(), x.double(), mask, projection)
    golden["cases"]["fp32_first"] = run(layer.double(), x.double(), mask, projection, first=True)
    activations = {}
    for name in ("gelu_new", "relu"):
        h = x.double()
        dense, output = layer.intermediate.dense, layer.output
        with torch.no_grad():
            out = output.LayerNorm(output.dense(ACT2FN[name](dense(h))) + h)
        activations[name] = tensor(out)
    golden["feed_forward_activations"] = activations
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(golden, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
