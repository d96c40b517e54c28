"""What Hugging Face gives for one sentence pair through each smoke model: the reference that
`dropgrid encode` must match on a model fetched from a (fake) Hub.

Run from anywhere with the project venv:
    /work/venvs/torch/bin/python spark-job/src/test/python/make_hub_goldens.py

Reads the tiny random models of spark-job/src/test/resources/smoke/<arch>/ (written by
make_smoke_models.py with save_pretrained; the Java tests serve them from a fake Hub on 127.0.0.1) and
writes spark-job/src/test/resources/hub/encode-goldens.json: per architecture the tokenizer's ids and
token types for the pair (no truncation, no padding, as `dropgrid encode --text-a --text-b` asks), the
last hidden state of the base model and its pooled output (BERT's pooler; null where the model has
none). The reference runs in float64 from the float32 weights as saved, so it carries no float32
rounding of its own.
"""
import json
from pathlib import Path

import torch
from safetensors import safe_open
from transformers import AutoModel

from make_smoke_models import OUT as SMOKE, load_tokenizer

HERE = Path(__file__).resolve().parent
TARGET = HERE.parent / "resources" / "hub" / "encode-goldens.json"
TEXT_A = "The cat sat on the mat."
TEXT_B = "A dog slept in the sun, didn't it?"
ARCHITECTURES = ("bert", "distilbert", "roberta", "xlnet", "albert")


def golden(name):
    directory = SMOKE / name
    tokenizer = load_tokenizer(directory, name)
    encoded = tokenizer(TEXT_A, TEXT_B, return_token_type_ids=True, return_tensors="pt")
    with safe_open(str(directory / "model.safetensors"), "pt") as weights:
        has_pooler = any(key.startswith("pooler.") for key in weights.keys())
    # A checkpoint without a pooler (the RoBERTa smoke model) must not get a freshly initialised one.
    options = {} if has_pooler or name in ("distilbert", "xlnet") else {"add_pooling_layer": False}
    model = AutoModel.from_pretrained(str(directory), attn_implementation="eager", **options).to(torch.float64).eval()
    kwargs = {"input_ids": encoded["input_ids"], "attention_mask": encoded["attention_mask"]}
    if name != "distilbert":
        # DistilBERT has no token-type embeddings and its forward takes no token_type_ids.
        kwargs["token_type_ids"] = encoded["token_type_ids"]
    with torch.no_grad():
        out = model(**kwargs)
    pooled = getattr(out, "pooler_output", None)
    return {
        "input_ids": encoded["input_ids"][0].tolist(),
        "token_type_ids": encoded["token_type_ids"][0].tolist(),
        "last_hidden_state": [[float("%.9g" % v) for v in row] for row in out.last_hidden_state[0].tolist()],
        "pooled": None if pooled is None else [float("%.9g" % v) for v in pooled[0].tolist()],
    }


def main():
    goldens = {"text_a": TEXT_A, "text_b": TEXT_B, "models": {name: golden(name) for name in ARCHITECTURES}}
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(json.dumps(goldens, separators=(",", ":")) + "\n")
    for name, g in goldens["models"].items():
        print(f"{name}: {len(g['input_ids'])} tokens, pooled {'none' if g['pooled'] is None else len(g['pooled'])}")


if __name__ == "__main__":
    main()
