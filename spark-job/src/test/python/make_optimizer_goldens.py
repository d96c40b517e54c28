"""Golden values for dropgrid.train's AdamW, learning-rate schedule and global-norm clipping.

Runs PyTorch's own torch.optim.AdamW (two parameter groups: decay on matrices, none on bias/LayerNorm),
Hugging Face's get_linear_schedule_with_warmup / get_constant_schedule_with_warmup (LambdaLR) and
torch.nn.utils.clip_grad_norm_ on a few parameters with fixed gradients, and records the learning rate,
the pre-clipping norm and every parameter after each step.

    /work/main/.venv/bin/python spark-job/src/test/python/make_optimizer_goldens.py
writes spark-job/src/test/resources/train/optimizer_goldens.json
"""
import json
import math
import pathlib

import torch
from transformers import get_constant_schedule_with_warmup, get_linear_schedule_with_warmup

OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "train" / "optimizer_goldens.json"

# name, shape, weight decay applies (Hugging Face: not on bias and LayerNorm.weight)
PARAMS = [
    ("encoder_dense_weight", (3, 4), True),
    ("encoder_dense_bias", (4,), False),
    ("encoder_LayerNorm_gamma", (4,), False),
    ("embeddings_word_embeddings", (5, 3), True),
]
# Gradient scales per step: some steps exceed max_grad_norm (clipped), some do not.
SCALES = [0.1, 3.0, 0.5, 5.0, 0.2, 1.0, 2.0]


def scenario(name, lr, weight_decay, warmup_ratio, linear_decay, max_grad_norm, seed):
    gen = torch.Generator().manual_seed(seed)
    params = [torch.nn.Parameter(torch.randn(shape, generator=gen)) for _, shape, _ in PARAMS]
    groups = [
        {"params": [p for p, (_, _, d) in zip(params, PARAMS) if d], "weight_decay": weight_decay},
        {"params": [p for p, (_, _, d) in zip(params, PARAMS) if not d], "weight_decay": 0.0},
    ]
    opt = torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.999), eps=1e-8)
    total = len(SCALES)
    warmup = math.ceil(total * warmup_ratio)  # Hugging Face TrainingArguments.get_warmup_steps
    if linear_decay:
        sched = get_linear_schedule_with_warmup(opt, warmup, total)
    else:
        sched = get_constant_schedule_with_warmup(opt, warmup)
    record = {
        "name": name, "lr": lr, "weight_decay": weight_decay, "warmup_ratio": warmup_ratio,
        "linear_decay": linear_decay, "max_grad_norm": max_grad_norm, "total_steps": total,
        "warmup_steps": warmup,
        "params": [{"name": n, "shape": list(s), "decays": d, "init": p.detach().flatten().tolist()}
                   for (n, s, d), p in zip(PARAMS, params)],
        "steps": [],
    }
    for scale in SCALES:
        grads = [torch.randn(p.shape, generator=gen) * scale for p in params]
        for p, g in zip(params, grads):
            p.grad = g.clone()
        step_lr = opt.param_groups[0]["lr"]
        if max_grad_norm > 0:
            norm = torch.nn.utils.clip_grad_norm_(params, max_grad_norm).item()
        else:
            norm = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads])).item()
        opt.step()
        sched.step()
        opt.zero_grad()
        record["steps"].append({
            "lr": step_lr,
            "norm": norm,
            "grads": [g.flatten().tolist() for g in grads],
            "params_after": [p.detach().flatten().tolist() for p in params],
        })
    return record


def main():
    torch.set_default_dtype(torch.float32)
    scenarios = [
        scenario("common_recipe", lr=1e-2, weight_decay=0.1, warmup_ratio=0.3, linear_decay=True,
                 max_grad_norm=1.0, seed=1),
        scenario("paper_recipe", lr=5e-3, weight_decay=0.0, warmup_ratio=0.0, linear_decay=True,
                 max_grad_norm=1.0, seed=2),
        scenario("constant_no_clip", lr=2e-2, weight_decay=0.01, warmup_ratio=0.2, linear_decay=False,
                 max_grad_norm=0.0, seed=3),
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"torch": torch.__version__, "scenarios": scenarios}) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
