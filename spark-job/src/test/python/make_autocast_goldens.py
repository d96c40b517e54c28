"""Logits of the tiny HF fixtures under torch.autocast, for dropgrid's bf16/fp16 parity tests.

Run from the repository root with the project's Python (transformers 5.x, torch 2.7.1):

    /work/venvs/torch/bin/python spark-job/src/test/python/make_autocast_goldens.py

For each fixture in spark-job/src/test/resources/golden/ (bert-cls, distilbert-tiny, roberta-tiny,
xlnet-tiny, albert-tiny) it writes spark-job/src/test/resources/kernels/autocast/<fixture>.json: one padded batch
(right padding, XLNet's on the left), and the sequence-classification logits of the model in eval mode
in float64 ("fp32", the reference) and in float32 under torch.autocast("cpu", bfloat16 / float16) with
HF's eager attention (under autocast the recipe of dropgrid's 16-bit kernels: scores and probabilities
in the format, the softmax accumulating in fp32).
"""

import json
import os

import torch
from transformers import AutoModelForSequenceClassification

HERE = os.path.dirname(__file__)
FIXTURES = os.path.join(HERE, "..", "resources", "golden")
OUT = os.path.join(HERE, "..", "resources", "kernels", "autocast")
LENGTHS = [11, 7, 4, 9]


def tensor(t):
    t = t.detach().to(torch.float64)
    return {"shape": list(t.shape), "data": [float("%.9g" % v) for v in t.flatten().tolist()]}


def batch(config, left, generator):
    width = max(LENGTHS)
    ids, types, mask = [], [], []
    for n in LENGTHS:
        row = torch.randint(6, config.vocab_size, (n,), generator=generator).tolist()
        type_row = [0] * (n // 2) + [1] * (n - n // 2) if config.model_type in ("bert", "xlnet", "albert") else [0] * n
        pad = [config.pad_token_id] * (width - n)
        pad_type = [3 if config.model_type == "xlnet" else 0] * (width - n)
        ids.append(pad + row if left else row + pad)
        types.append(pad_type + type_row if left else type_row + pad_type)
        mask.append([0] * (width - n) + [1] * n if left else [1] * n + [0] * (width - n))
    return torch.tensor(ids), torch.tensor(types), torch.tensor(mask)


def main():
    os.makedirs(OUT, exist_ok=True)
    generator = torch.Generator().manual_seed(14)
    for name in ("bert-cls", "distilbert-tiny", "roberta-tiny", "xlnet-tiny", "albert-tiny"):
        model = AutoModelForSequenceClassification.from_pretrained(
            os.path.join(FIXTURES, name), attn_implementation="eager").eval()
        ids, types, mask = batch(model.config, model.config.model_type == "xlnet", generator)
        kwargs = {"input_ids": ids, "attention_mask": mask}
        if model.config.model_type in ("bert", "xlnet", "albert"):
            kwargs["token_type_ids"] = types
        out = {"input_ids": ids.tolist(), "token_type_ids": types.tolist(), "attention_mask": mask.tolist()}
        with torch.no_grad():
            for precision, dtype in (("bf16", torch.bfloat16), ("fp16", torch.float16)):
                with torch.autocast("cpu", dtype=dtype):
                    out[precision] = tensor(model(**kwargs).logits)
            out["fp32"] = tensor(model.double()(**kwargs).logits)
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(out, f, separators=(",", ":"))
            f.write("\n")


if __name__ == "__main__":
    main()
