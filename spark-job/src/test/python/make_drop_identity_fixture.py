"""Writes spark-job/src/test/resources/drop/identity-bert: a tiny random BERT whose layers 1, 3 and 4
(0-based) return their input unchanged, plus HF's own layer cosines on fixed inputs.

A layer is the identity when its attention-output and FFN-output dense weights and biases are zero and
its two LayerNorms have gamma = 1, beta = 0: its input already is a LayerNorm output with gamma = 1,
beta = 0 (the embedding LayerNorm and every earlier layer keep the default gamma/beta), so
LN(x + 0) = x up to float rounding. Contribution and block-influence dropping must pick those layers
first; angular-block must pick the contiguous pair 3, 4.

Run: /work/main/.venv/bin/python spark-job/src/test/python/make_drop_identity_fixture.py
"""
import json
import pathlib

import torch
from transformers import BertConfig, BertModel

OUT = pathlib.Path(__file__).resolve().parents[1] / "resources" / "drop" / "identity-bert"
IDENTITY = [1, 3, 4]
# Right-padded with pad id 0; rows have 5, 7 and 3 real tokens. 2 = [CLS], 3 = [SEP].
IDS = [[2, 10, 11, 12, 3, 0, 0], [2, 20, 21, 3, 22, 23, 3], [2, 30, 3, 0, 0, 0, 0]]
TYPES = [[0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1], [0, 0, 0, 0, 0, 0, 0]]

torch.manual_seed(20200408)
config = BertConfig(vocab_size=64, hidden_size=16, num_hidden_layers=6, num_attention_heads=2,
                    intermediate_size=32, max_position_embeddings=32, type_vocab_size=2,
                    # Large weights so every other layer visibly turns its input (cosine well below 1).
                    initializer_range=0.5, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
model = BertModel(config, add_pooling_layer=True).eval()
with torch.no_grad():
    for i in IDENTITY:
        layer = model.encoder.layer[i]
        for dense in (layer.attention.output.dense, layer.output.dense):
            dense.weight.zero_()
            dense.bias.zero_()
    for name, p in model.named_parameters():
        if "LayerNorm" in name:
            assert torch.all(p == (1.0 if name.endswith("weight") else 0.0)), name

    ids = torch.tensor(IDS)
    mask = (ids != 0).long()
    out = model(input_ids=ids, token_type_ids=torch.tensor(TYPES), attention_mask=mask, output_hidden_states=True)
    hs = [h.double() for h in out.hidden_states]
    cls, tokens = [], []
    for k in range(config.num_hidden_layers):
        cos = torch.nn.functional.cosine_similarity(hs[k], hs[k + 1], dim=-1)  # (B, T)
        cls.append(cos[:, 0].mean().item())
        tokens.append((cos * mask).sum().item() / mask.sum().item())

OUT.mkdir(parents=True, exist_ok=True)
model.save_pretrained(OUT, safe_serialization=True)
# A 64-entry WordPiece vocabulary so `dropgrid select` can tokenise real GLUE text for this model: most
# words become [UNK], which is all an identity layer needs.
words = ["the", "a", "of", "to", "and", "in", "is", "was", "that", "for", "it", "on", "with", "as", "by",
         "he", "she", "be", "at", "not", "his", "are", "from", "an", "this", "which", "or", "have", "has",
         "had", "were", "they", "one", "their", "its", "new", "after", "who", "been", "said", "more", "first",
         "also", "two", "than", "other", "all", "but", "there", "when", "into", "year", ".", ",", "'", "-",
         "s", "##s", "##ed"]
vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + words
assert len(vocab) == config.vocab_size, len(vocab)
(OUT / "vocab.txt").write_text("\n".join(vocab) + "\n")
(OUT / "expected.json").write_text(json.dumps({
    "identity_layers": IDENTITY, "input_ids": IDS, "token_type_ids": TYPES,
    "layer_cosine_cls": cls, "layer_cosine_tokens": tokens}, indent=2) + "\n")
print("cls", [round(c, 6) for c in cls])
print("tokens", [round(c, 6) for c in tokens])
