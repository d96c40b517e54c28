"""The Hugging Face reference step for `dropgrid bench compare`: one fine-tuning step of a
BertForSequenceClassification of BERT-base shape (random weights, so no download), as HF's Trainer
takes it: forward, cross-entropy, backward, clip_grad_norm_(1.0), AdamW, zero_grad.

  eager:   the model as HF builds it (sdpa attention), torch.optim.AdamW with its CPU default
  compile: torch.compile(model) and AdamW(fused=True); the first steps (compilation) are timed apart
bf16 runs forward and loss under torch.autocast(device, torch.bfloat16), as Trainer(bf16=True).

Prints one JSON object: median step seconds over the timed steps, every step's seconds, peak RSS,
and the measured peak matmul GFLOP/s (2048^3) in the step's precision and threads.
"""
import argparse
import json
import statistics
import time

import torch
from transformers import BertConfig, BertForSequenceClassification


def matmul_gflops(dtype, repeats=5):
    """GFLOP/s of a 2048^3 product, best of `repeats`, through torch.mm and through oneDNN.

    For fp32 torch.mm goes to MKL, which on AMD CPUs runs its AVX2 code (about half of what oneDNN's AVX-512
    code reaches there); dropgrid's CPU kernels call oneDNN. The peak is the better of the two, so that an
    MFU says how close a step comes to what this libtorch can do, not to what one library does.
    """
    a = torch.randn(2048, 2048).to(dtype)
    b = torch.randn(2048, 2048).to(dtype)
    products = {"torch.mm": lambda: torch.mm(a, b)}
    if torch.backends.mkldnn.is_available():
        a_onednn, b_onednn = a.to_mkldnn(), b.t().contiguous().to_mkldnn()
        products["onednn"] = lambda: torch._C._nn.mkldnn_linear(a_onednn, b_onednn, None)
    measured = {}
    for name, product in products.items():
        product()
        best = float("inf")
        for _ in range(repeats):
            start = time.perf_counter()
            product()
            best = min(best, time.perf_counter() - start)
        measured[name] = 2 * 2048 ** 3 / best / 1e9
    return measured


def peak_rss_bytes():
    """This process's own peak resident set (VmHWM). Not getrusage's ru_maxrss: the JVM starts this script
    with vfork + exec, and Linux carries the parent's high-water mark across that exec into ru_maxrss."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--layers", type=int, default=6)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--tokens", type=int, default=128)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--precision", choices=["fp32", "bf16"], default="fp32")
    p.add_argument("--mode", choices=["eager", "compile"], default="eager")
    p.add_argument("--steps", type=int, default=10)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    config = BertConfig(num_hidden_layers=a.layers, num_labels=2, attn_implementation="sdpa")
    model = BertForSequenceClassification(config).train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-5, fused=True if a.mode == "compile" else None)
    forward = torch.compile(model) if a.mode == "compile" else model
    ids = torch.randint(1000, config.vocab_size, (a.batch, a.tokens))
    types = torch.zeros_like(ids)
    mask = torch.ones_like(ids)
    labels = torch.randint(0, 2, (a.batch,))
    dtype = torch.bfloat16 if a.precision == "bf16" else torch.float32

    def step():
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.precision == "bf16"):
            logits = forward(input_ids=ids, token_type_ids=types, attention_mask=mask).logits
            loss = torch.nn.functional.cross_entropy(logits.float(), labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        optimizer.zero_grad()
        return loss.item()

    seconds = []
    for _ in range(a.warmup + a.steps):
        start = time.perf_counter()
        step()
        seconds.append(time.perf_counter() - start)
    timed = seconds[a.warmup:]
    matmul = matmul_gflops(dtype)
    print(json.dumps({
        "mode": a.mode, "precision": a.precision, "layers": a.layers, "batch": a.batch, "tokens": a.tokens,
        "threads": a.threads, "torch": torch.__version__, "transformers": __import__("transformers").__version__,
        "step_seconds": statistics.median(timed), "step_seconds_all": seconds, "warmup_steps": a.warmup,
        "warmup_seconds": sum(seconds[:a.warmup]),
        "peak_rss_bytes": peak_rss_bytes(),
        "matmul_gflops": matmul,
        "matmul_peak_gflops": max(matmul.values()),
    }))


if __name__ == "__main__":
    main()
