"""Writes spark-job/src/test/resources/analysis: a tiny random BERT ("pretrained"), a copy whose layers
were moved away from it more the higher they sit ("finetuned", as fine-tuning moves BERT's upper
layers most), and expected.json with the paper's two analyses computed by Hugging Face + PyTorch +
scikit-learn on fixed inputs:

- drift (Figure 5): per hidden state (0 = embeddings, i = output of the i-th kept layer), the cosine
  between the pre-trained and the fine-tuned model's states, at [CLS] (mean over rows) and over every
  real token (mean over all real tokens); for all layers and for kept layers [0, 2] (the others removed
  from both models' ModuleList).
- probe (Figure 4): per hidden state of the fine-tuned model, the [CLS] vectors of the train rows fit
  sklearn.linear_model.RidgeClassifier(alpha=1.0) (classification) and Ridge(alpha=1.0) (regression),
  and their decision values / predictions on the dev rows, with dev accuracy and Pearson r.

Run: /work/venvs/torch/bin/python spark-job/src/test/python/make_analysis_fixture.py
"""
import json
import pathlib

import numpy as np
import scipy
import sklearn
import torch
import transformers
from scipy.stats import pearsonr
from sklearn.linear_model import Ridge, RidgeClassifier
from transformers import BertConfig, BertModel

OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "analysis"
LAYERS = 4
KEPT = [0, 2]

torch.manual_seed(20040384)
rng = np.random.default_rng(20040384)
config = BertConfig(vocab_size=64, hidden_size=16, num_hidden_layers=LAYERS, num_attention_heads=2,
                    intermediate_size=32, max_position_embeddings=32, type_vocab_size=2, initializer_range=0.3,
                    hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
pretrained = BertModel(config, add_pooling_layer=True).eval()
finetuned = BertModel(config, add_pooling_layer=True).eval()
finetuned.load_state_dict(pretrained.state_dict())
with torch.no_grad():
    for i, layer in enumerate(finetuned.encoder.layer):
        for p in layer.parameters():
            p.add_(0.15 * (i + 1) * torch.randn_like(p))


def rows(n, lo, hi):
    """n right-padded rows of random ids 5..63 between [CLS] = 2 and [SEP] = 3, lengths lo..hi."""
    lengths = rng.integers(lo, hi + 1, size=n)
    width = int(lengths.max())
    ids = np.zeros((n, width), dtype=np.int64)
    for r, length in enumerate(lengths):
        ids[r, 0] = 2
        ids[r, 1:length - 1] = rng.integers(5, 64, size=length - 2)
        ids[r, length - 1] = 3
    return ids


def states(model, ids):
    ids_t = torch.tensor(ids)
    mask = (ids_t != 0).long()
    with torch.no_grad():
        out = model(input_ids=ids_t, token_type_ids=torch.zeros_like(ids_t), attention_mask=mask,
                    output_hidden_states=True)
    return [h.double() for h in out.hidden_states], mask


def keep_only(model, kept):
    m = BertModel(config, add_pooling_layer=True).eval()
    m.load_state_dict(model.state_dict())
    m.encoder.layer = torch.nn.ModuleList([m.encoder.layer[i] for i in kept])
    return m


def drift(pre, fine, ids):
    hp, mask = states(pre, ids)
    hf, _ = states(fine, ids)
    cls, tokens = [], []
    for a, b in zip(hp, hf):
        cos = torch.nn.functional.cosine_similarity(a, b, dim=-1)  # (B, T)
        cls.append(cos[:, 0].mean().item())
        tokens.append(((cos * mask).sum() / mask.sum()).item())
    return {"cls": cls, "tokens": tokens}


drift_ids = rows(6, 4, 9)
train_ids = rows(48, 4, 10)
dev_ids = rows(24, 4, 10)
# Labels a linear probe can partly learn: is one of the ids 7..10 in the row (two classes); a regression
# target from the count of ids below 30 plus noise.
train_labels = np.array([int(np.isin(r, [7, 8, 9, 10]).any()) for r in train_ids])
dev_labels = np.array([int(np.isin(r, [7, 8, 9, 10]).any()) for r in dev_ids])
train_scores = np.array([float(((r > 4) & (r < 30)).sum()) + rng.normal(0, 0.5) for r in train_ids])
dev_scores = np.array([float(((r > 4) & (r < 30)).sum()) + rng.normal(0, 0.5) for r in dev_ids])

train_states, _ = states(finetuned, train_ids)
dev_states, _ = states(finetuned, dev_ids)
probe = {"decision": [], "accuracy": [], "prediction": [], "pearson": []}
for s in range(LAYERS + 1):
    x_train = train_states[s][:, 0].numpy()
    x_dev = dev_states[s][:, 0].numpy()
    clf = RidgeClassifier(alpha=1.0).fit(x_train, train_labels)
    probe["decision"].append(clf.decision_function(x_dev).tolist())
    probe["accuracy"].append(float((clf.predict(x_dev) == dev_labels).mean()))
    reg = Ridge(alpha=1.0).fit(x_train, train_scores)
    pred = reg.predict(x_dev)
    probe["prediction"].append(pred.tolist())
    # State 0's [CLS] vector is the same for every row (no context yet): a constant prediction, for which
    # SciPy's Pearson is NaN (written as null; dropgrid's metric gives 0 there).
    r = float(pearsonr(pred, dev_scores)[0]) if np.ptp(pred) > 1e-9 else None
    probe["pearson"].append(r)

OUT.mkdir(parents=True, exist_ok=True)
pretrained.save_pretrained(OUT / "pretrained", safe_serialization=True)
finetuned.save_pretrained(OUT / "finetuned", safe_serialization=True)
expected = {
    "versions": {"torch": torch.__version__, "transformers": transformers.__version__, "numpy": np.__version__,
                 "scipy": scipy.__version__, "sklearn": sklearn.__version__},
    "drift_input_ids": drift_ids.tolist(),
    "drift_all": drift(pretrained, finetuned, drift_ids),
    "drift_kept": KEPT,
    "drift_kept_layers": drift(keep_only(pretrained, KEPT), keep_only(finetuned, KEPT), drift_ids),
    "train_input_ids": train_ids.tolist(), "train_labels": train_labels.tolist(), "train_scores": train_scores.tolist(),
    "dev_input_ids": dev_ids.tolist(), "dev_labels": dev_labels.tolist(), "dev_scores": dev_scores.tolist(),
    "probe": probe,
}
(OUT / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")
print(f"wrote {OUT}: drift cls {np.round(expected['drift_all']['cls'], 3)}, probe accuracy {probe['accuracy']}")
