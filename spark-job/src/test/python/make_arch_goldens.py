"""Golden tensors for DistilBERT, XLNet, RoBERTa and ALBERT, computed by Hugging Face transformers.

Run from the repository root with the project's Python (transformers 5.x, torch):

    /work/main/.venv/bin/python spark-job/src/test/python/make_arch_goldens.py

For each architecture it writes spark-job/src/test/resources/golden/<arch>-tiny/:
  config.json, model.safetensors  -- a tiny random *ForSequenceClassification, saved with save_pretrained
  golden.json                     -- explicit inputs (ids, token type ids, attention masks) and, for the
                                     full model and for kept-layer subsets, the last hidden state and the
                                     sequence-classification logits; every hidden state for the full
                                     model on the pairs batch; for XLNet also the pairs with four
                                     more left pad tokens, whose logits must equal the pairs' ones

Parameters are redrawn with a wide spread (LayerNorm gains around 1, biases non-zero) so that a wrong
bias, gain or mask shows up far above the 1e-5 tolerance. References are computed in float64 from the
float32 weights as saved, so they carry no float32 rounding of their own. Dropping layers on the HF side
is list surgery on the layer ModuleList, in ascending original order, as the Java encoders do. ALBERT
has no list of layers (passes share their group's parameters): its reference for kept passes runs HF's
own AlbertLayerGroup modules, pass i applying group int(i / (L / G)) as AlbertTransformer does, and
equals HF's AlbertModel output for the full model (asserted). Its tiny model has two groups of two
inner layers, so the group arithmetic is exercised, and embedding_size below hidden_size.

`--only ARCH` rewrites one architecture's directory; each architecture draws from its own seeded
generator, so the others' fixtures stay as they are.
"""

import argparse
import json
import os
import tempfile

import torch
from safetensors.torch import load_file
from transformers.masking_utils import create_bidirectional_mask
from transformers import (
    AlbertConfig,
    AlbertForSequenceClassification,
    DistilBertConfig,
    DistilBertForSequenceClassification,
    RobertaConfig,
    RobertaForSequenceClassification,
    XLNetConfig,
    XLNetForSequenceClassification,
)

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "golden")
NUM_LABELS = 3
KEPT_SUBSETS = [[0, 1, 2, 3], [0, 1], [1, 3], [2]]


def randomize(model, generator):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if "norm" in name.lower() and name.endswith("weight"):
                p.copy_(1.0 + 0.2 * torch.randn(p.shape, generator=generator))
            else:
                p.copy_(0.3 * torch.randn(p.shape, generator=generator))


def tensor(t):
    t = t.detach().to(torch.float64)
    return {"shape": list(t.shape), "data": [float("%.9g" % v) for v in t.flatten().tolist()]}


def ids(rows):
    return torch.tensor(rows, dtype=torch.long)


def right_padded(sequences, pad_id, pad_type):
    """sequences: list of (ids, type_ids); pads on the right to the longest, BERT style."""
    t = max(len(s) for s, _ in sequences)
    input_ids = [s + [pad_id] * (t - len(s)) for s, _ in sequences]
    types = [ty + [pad_type] * (t - len(ty)) for _, ty in sequences]
    mask = [[1] * len(s) + [0] * (t - len(s)) for s, _ in sequences]
    return ids(input_ids), ids(types), ids(mask)


def left_padded(sequences, pad_id, pad_type, length=None):
    """XLNet pads on the left so that its <cls> summary token stays the last position."""
    t = length or max(len(s) for s, _ in sequences)
    input_ids = [[pad_id] * (t - len(s)) + s for s, _ in sequences]
    types = [[pad_type] * (t - len(ty)) + ty for _, ty in sequences]
    mask = [[0] * (t - len(s)) + [1] * len(s) for s, _ in sequences]
    return ids(input_ids), ids(types), ids(mask)


def save_and_reload(model, cls, name):
    """Saves the float32 model and reloads it as float64, so the reference sees exactly the saved weights."""
    directory = os.path.join(OUT, name)
    os.makedirs(directory, exist_ok=True)
    model.save_pretrained(directory, safe_serialization=True)
    for extra in os.listdir(directory):
        if extra not in ("config.json", "model.safetensors"):
            os.remove(os.path.join(directory, extra))
    reloaded = cls.from_pretrained(directory, attn_implementation="eager").to(torch.float64).eval()
    saved = load_file(os.path.join(directory, "model.safetensors"))
    for key, value in reloaded.state_dict().items():
        if key in saved:
            assert torch.equal(saved[key].to(torch.float64), value), key
    return directory, reloaded


def run_cases(model, layer_owner, batches, forward, forward_kept=None):
    """forward(model, batch) -> (last_hidden_state, hidden_states or None, logits) after list surgery on
    layer_owner.layer; or, for a model without a layer list, forward_kept(batch, kept) -> the same."""
    all_layers = list(layer_owner.layer) if layer_owner is not None else None
    cases = []
    for batch_name, batch in batches.items():
        for kept in KEPT_SUBSETS if batch_name in ("singles", "pairs") else KEPT_SUBSETS[:1]:
            with torch.no_grad():
                if forward_kept is not None:
                    last, hidden, logits = forward_kept(batch, kept)
                else:
                    layer_owner.layer = torch.nn.ModuleList([all_layers[i] for i in kept])
                    last, hidden, logits = forward(model, batch)
            case = {
                "batch": batch_name,
                "kept": kept,
                "last_hidden_state": tensor(last),
                "logits": tensor(logits),
            }
            if kept == KEPT_SUBSETS[0] and batch_name == "pairs":
                assert len(hidden) == len(kept) + 1, len(hidden)
                case["hidden_states"] = [tensor(h) for h in hidden]
            cases.append(case)
    if layer_owner is not None:
        layer_owner.layer = torch.nn.ModuleList(all_layers)
    return cases


def write_golden(directory, batches, cases, extra=None):
    golden = {
        "batches": {
            name: {
                "input_ids": b[0].tolist(),
                "token_type_ids": b[1].tolist(),
                "attention_mask": b[2].tolist(),
            }
            for name, b in batches.items()
        },
        "cases": cases,
    }
    if extra:
        golden.update(extra)
    with open(os.path.join(directory, "golden.json"), "w") as f:
        json.dump(golden, f, separators=(",", ":"))
        f.write("\n")


def distilbert(generator):
    config = DistilBertConfig(
        vocab_size=100, max_position_embeddings=32, n_layers=4, n_heads=4, dim=32, hidden_dim=64,
        activation="gelu", pad_token_id=0, num_labels=NUM_LABELS,
    )
    model = DistilBertForSequenceClassification(config)
    randomize(model, generator)
    directory, model = save_and_reload(model, DistilBertForSequenceClassification, "distilbert-tiny")
    cls, sep, pad = 2, 3, 0
    singles = right_padded(
        [([cls, 17, 45, 81, 9, 33, 64, sep], [0] * 8), ([cls, 12, 77, sep], [0] * 4), ([cls, 50, 6, 91, 23, sep], [0] * 6)],
        pad, 0)
    pairs = right_padded(
        [([cls, 17, 45, sep, 81, 9, 33, sep], [0] * 4 + [1] * 4), ([cls, 12, sep, 77, sep], [0] * 3 + [1] * 2),
         ([cls, 50, 6, 91, sep, 23, 44, 70, 11, sep], [0] * 5 + [1] * 5)],
        pad, 0)
    batches = {"singles": singles, "pairs": pairs}

    def forward(m, b):
        # DistilBERT has no token-type embeddings: HF's forward takes no token_type_ids at all.
        out = m(input_ids=b[0], attention_mask=b[2], output_hidden_states=True)
        return out.hidden_states[-1], out.hidden_states, out.logits

    cases = run_cases(model, model.distilbert.transformer, batches, forward)
    write_golden(directory, batches, cases)


def roberta(generator):
    config = RobertaConfig(
        vocab_size=100, hidden_size=32, num_hidden_layers=4, num_attention_heads=4, intermediate_size=64,
        hidden_act="gelu", max_position_embeddings=24, type_vocab_size=1, pad_token_id=1, bos_token_id=0,
        eos_token_id=2, num_labels=NUM_LABELS,
    )
    model = RobertaForSequenceClassification(config)
    randomize(model, generator)
    directory, model = save_and_reload(model, RobertaForSequenceClassification, "roberta-tiny")
    bos, eos, pad = 0, 2, 1
    singles = right_padded(
        [([bos, 17, 45, 81, 9, 33, 64, eos], [0] * 8), ([bos, 12, 77, eos], [0] * 4), ([bos, 50, 6, 91, 23, eos], [0] * 6)],
        pad, 0)
    # RoBERTa pairs are <s> A </s></s> B </s>, all token type 0.
    pairs = right_padded(
        [([bos, 17, 45, eos, eos, 81, 9, 33, eos], [0] * 9), ([bos, 12, eos, eos, 77, eos], [0] * 6),
         ([bos, 50, 6, 91, eos, eos, 23, 44, 70, 11, eos], [0] * 11)],
        pad, 0)
    batches = {"singles": singles, "pairs": pairs}

    def forward(m, b):
        out = m(input_ids=b[0], token_type_ids=b[1], attention_mask=b[2], output_hidden_states=True)
        return out.hidden_states[-1], out.hidden_states, out.logits

    cases = run_cases(model, model.roberta.encoder, batches, forward)
    write_golden(directory, batches, cases)


def xlnet(generator):
    # clamp_len below the longest relative distance so that clamping is exercised.
    config = XLNetConfig(
        vocab_size=100, d_model=32, n_layer=4, n_head=4, d_inner=64, ff_activation="gelu", attn_type="bi",
        bi_data=False, clamp_len=6, mem_len=None, use_mems_eval=False, pad_token_id=5, bos_token_id=1,
        eos_token_id=2, num_labels=NUM_LABELS,
    )
    model = XLNetForSequenceClassification(config)
    randomize(model, generator)
    directory, model = save_and_reload(model, XLNetForSequenceClassification, "xlnet-tiny")
    sep, cls, pad = 4, 3, 5
    # XLNet's tokenizer: A <sep> <cls> (types 0.. 0 2) or A <sep> B <sep> <cls> (0.. 1.. 2), pad type 3, left pad.
    single_rows = [([17, 45, 81, 9, 33, 64, 21, sep, cls], [0] * 8 + [2]), ([12, 77, sep, cls], [0] * 3 + [2]),
                   ([50, 6, 91, 23, sep, cls], [0] * 5 + [2])]
    pair_rows = [([17, 45, sep, 81, 9, 33, sep, cls], [0] * 3 + [1] * 4 + [2]),
                 ([12, sep, 77, sep, cls], [0] * 2 + [1] * 2 + [2]),
                 ([50, 6, 91, 23, sep, 44, 70, 11, 8, 60, sep, cls], [0] * 5 + [1] * 6 + [2])]
    batches = {
        "singles": left_padded(single_rows, pad, 3),
        "pairs": left_padded(pair_rows, pad, 3),
        # the same pairs with four more pad tokens on the left: the <cls> summary must not move
        "pairs_more_padding": left_padded(pair_rows, pad, 3, length=16),
    }

    def forward(m, b):
        out = m(input_ids=b[0], token_type_ids=b[1], attention_mask=b[2], output_hidden_states=True, use_mems=False)
        return out.hidden_states[-1], out.hidden_states, out.logits

    cases = run_cases(model, model.transformer, batches, forward)
    by_key = {(c["batch"], tuple(c["kept"])): c for c in cases}
    a = torch.tensor(by_key[("pairs", tuple(KEPT_SUBSETS[0]))]["logits"]["data"])
    b = torch.tensor(by_key[("pairs_more_padding", tuple(KEPT_SUBSETS[0]))]["logits"]["data"])
    assert (a - b).abs().max() < 1e-9, (a, b)
    write_golden(directory, batches, cases)


def albert(generator):
    config = AlbertConfig(
        vocab_size=100, embedding_size=16, hidden_size=32, num_hidden_layers=4, num_hidden_groups=2,
        inner_group_num=2, num_attention_heads=4, intermediate_size=64, hidden_act="gelu_new",
        max_position_embeddings=32, type_vocab_size=2, pad_token_id=0, bos_token_id=2, eos_token_id=3,
        num_labels=NUM_LABELS,
    )
    model = AlbertForSequenceClassification(config)
    randomize(model, generator)
    directory, model = save_and_reload(model, AlbertForSequenceClassification, "albert-tiny")
    cls, sep, pad = 2, 3, 0
    singles = right_padded(
        [([cls, 17, 45, 81, 9, 33, 64, sep], [0] * 8), ([cls, 12, 77, sep], [0] * 4), ([cls, 50, 6, 91, 23, sep], [0] * 6)],
        pad, 0)
    pairs = right_padded(
        [([cls, 17, 45, sep, 81, 9, 33, sep], [0] * 4 + [1] * 4), ([cls, 12, sep, 77, sep], [0] * 3 + [1] * 2),
         ([cls, 50, 6, 91, sep, 23, 44, 70, 11, sep], [0] * 5 + [1] * 5)],
        pad, 0)
    batches = {"singles": singles, "pairs": pairs}
    albert_model = model.albert
    layers, groups = config.num_hidden_layers, config.num_hidden_groups

    def forward_kept(b, kept):
        embedded = albert_model.embeddings(input_ids=b[0], token_type_ids=b[1])
        # The mask AlbertModel.forward itself builds.
        extended = create_bidirectional_mask(config=albert_model.config, inputs_embeds=embedded, attention_mask=b[2])
        hidden = albert_model.encoder.embedding_hidden_mapping_in(embedded)
        states = [hidden]
        for i in kept:
            group = albert_model.encoder.albert_layer_groups[int(i / (layers / groups))]
            for layer in group.albert_layers:
                hidden = layer(hidden, extended)
                hidden = hidden[0] if isinstance(hidden, tuple) else hidden
            states.append(hidden)
        pooled = albert_model.pooler_activation(albert_model.pooler(hidden[:, 0]))
        return hidden, states, model.classifier(pooled)

    with torch.no_grad():
        for batch in batches.values():
            reference = model(input_ids=batch[0], token_type_ids=batch[1], attention_mask=batch[2]).logits
            assert (reference - forward_kept(batch, KEPT_SUBSETS[0])[2]).abs().max() < 1e-12, \
                "the passes run here differ from AlbertModel"
    cases = run_cases(model, None, batches, None, forward_kept)
    write_golden(directory, batches, cases)


ARCHITECTURES = {"distilbert": distilbert, "roberta": roberta, "xlnet": xlnet, "albert": albert}
# distilbert, roberta and xlnet were first drawn in this order from one generator; ALBERT has its own.
SHARED_SEED, ALBERT_SEED = 20040384, 19091194


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=sorted(ARCHITECTURES))
    only = parser.parse_args().only
    if only in ("roberta", "xlnet"):
        raise SystemExit(f"--only {only}: it draws from the generator DistilBERT draws from first; rerun without --only")
    if only in (None, "distilbert"):
        generator = torch.Generator().manual_seed(SHARED_SEED)
        distilbert(generator)
        if only is None:
            roberta(generator)
            xlnet(generator)
    if only in (None, "albert"):
        albert(torch.Generator().manual_seed(ALBERT_SEED))
    for name in ("distilbert-tiny", "roberta-tiny", "xlnet-tiny", "albert-tiny"):
        d = os.path.join(OUT, name)
        sizes = {f: os.path.getsize(os.path.join(d, f)) for f in sorted(os.listdir(d))}
        print(name, sizes)


if __name__ == "__main__":
    main()
