"""Tiny random-weight pre-trained models, one per architecture, that fine-tune on real GLUE text.

Run from anywhere with the project venv:
    /work/main/.venv/bin/python spark-job/src/test/python/make_smoke_models.py [--glue DIR]

Writes spark-job/src/test/resources/smoke/{bert,distilbert,roberta,xlnet,albert}/: a base model (no
classification head, as a pre-trained checkpoint has none) saved with save_pretrained (config.json +
model.safetensors), plus the tokenizer files of the test tokenizer directory it is paired with:

  bert        tokenizers/bert-cased    vocab.txt + tokenizer_config.json (do_lower_case=false); 4000 ids
  distilbert  tokenizers/distilbert    tokenizer.json + tokenizer_config.json; 4000 ids
  roberta     tokenizers/roberta       tokenizer.json + tokenizer_config.json; 4000 ids
  xlnet       tokenizers/xlnet         tokenizer.json + tokenizer_config.json; 4000 ids
  albert      tokenizers/albert        tokenizer.json + tokenizer_config.json; 4000 ids; one shared layer
              (one group) applied 4 times, embedding_size 16, gelu_new, as the released ALBERTs

bert-base-uncased is not used: its 30522-id vocabulary alone is 230 KB and its embedding table 3.9 MB.

Every model has 4 layers, hidden size 32, 2 heads, feed-forward 64, and vocab_size equal to the
tokenizer's size, special-token ids taken from the tokenizer, and room for 130 positions (RoBERTa adds
its pad offset of 2 on top), so that a max_seq_length of 128 fits. The script checks that each saved
directory reloads with transformers and classifies an RTE dev pair tokenized by its own tokenizer.

The weights are random (seeded), so reruns give the same files. If the tokenizer fixtures are
regenerated (make_tokenizer_goldens.py), rerun this script too. `--only NAME` writes one model.
"""
import argparse
import os
import shutil
from pathlib import Path

import torch
from transformers import (
    AlbertConfig,
    AlbertModel,
    AutoModelForSequenceClassification,
    AutoTokenizer,
    BertConfig,
    BertModel,
    BertTokenizerFast,
    DistilBertConfig,
    DistilBertModel,
    RobertaConfig,
    RobertaModel,
    XLNetConfig,
    XLNetModel,
)

HERE = Path(__file__).resolve().parent
RESOURCES = HERE.parent / "resources"
TOKENIZERS = RESOURCES / "tokenizers"
OUT = RESOURCES / "smoke"
DEFAULT_GLUE = HERE.parents[4] / "shared" / "glue"

LAYERS, HIDDEN, HEADS, FFN = 4, 32, 2, 64
POSITIONS = 130
MAX_DIR_BYTES = 2 * 1024 * 1024

TOKENIZER_FILES = ("tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json")


def copy_tokenizer(source, target):
    copied = []
    for name in TOKENIZER_FILES:
        if (source / name).exists():
            shutil.copy(source / name, target / name)
            copied.append(name)
    return copied


def load_tokenizer(directory, name):
    # A vocab.txt-only directory has no tokenizer class to auto-detect; tokenizer_config.json carries casing.
    if name == "bert":
        return BertTokenizerFast.from_pretrained(str(directory), do_lower_case=False)
    return AutoTokenizer.from_pretrained(str(directory))


def special(tokenizer, token):
    token_id = tokenizer.convert_tokens_to_ids(token)
    assert token_id is not None and token_id != tokenizer.unk_token_id or token == tokenizer.unk_token, token
    return token_id


def bert(tokenizer):
    return BertModel(BertConfig(
        vocab_size=len(tokenizer), hidden_size=HIDDEN, num_hidden_layers=LAYERS, num_attention_heads=HEADS,
        intermediate_size=FFN, hidden_act="gelu", max_position_embeddings=POSITIONS, type_vocab_size=2,
        pad_token_id=special(tokenizer, "[PAD]"),
    ))


def distilbert(tokenizer):
    return DistilBertModel(DistilBertConfig(
        vocab_size=len(tokenizer), dim=HIDDEN, n_layers=LAYERS, n_heads=HEADS, hidden_dim=FFN, activation="gelu",
        max_position_embeddings=POSITIONS, pad_token_id=special(tokenizer, "[PAD]"),
    ))


def roberta(tokenizer):
    # RoBERTa numbers positions from pad_token_id + 1, so POSITIONS tokens need POSITIONS + 2 rows. Its
    # classifier has a head of its own and no pooler, so none is saved.
    return RobertaModel(RobertaConfig(
        vocab_size=len(tokenizer), hidden_size=HIDDEN, num_hidden_layers=LAYERS, num_attention_heads=HEADS,
        intermediate_size=FFN, hidden_act="gelu", max_position_embeddings=POSITIONS + 2, type_vocab_size=1,
        pad_token_id=special(tokenizer, "<pad>"), bos_token_id=special(tokenizer, "<s>"),
        eos_token_id=special(tokenizer, "</s>"),
    ), add_pooling_layer=False)


def xlnet(tokenizer):
    # XLNet has relative positions only: no position table, any length fits.
    return XLNetModel(XLNetConfig(
        vocab_size=len(tokenizer), d_model=HIDDEN, n_layer=LAYERS, n_head=HEADS, d_inner=FFN, ff_activation="gelu",
        attn_type="bi", mem_len=None, pad_token_id=special(tokenizer, "<pad>"),
        bos_token_id=special(tokenizer, "<s>"), eos_token_id=special(tokenizer, "</s>"),
    ))


def albert(tokenizer):
    return AlbertModel(AlbertConfig(
        vocab_size=len(tokenizer), embedding_size=16, hidden_size=HIDDEN, num_hidden_layers=LAYERS,
        num_hidden_groups=1, inner_group_num=1, num_attention_heads=HEADS, intermediate_size=FFN,
        hidden_act="gelu_new", max_position_embeddings=POSITIONS, type_vocab_size=2,
        pad_token_id=special(tokenizer, "<pad>"), bos_token_id=special(tokenizer, "[CLS]"),
        eos_token_id=special(tokenizer, "[SEP]"),
    ))


MODELS = {
    "bert": ("bert-cased", bert),
    "distilbert": ("distilbert", distilbert),
    "roberta": ("roberta", roberta),
    "xlnet": ("xlnet", xlnet),
    "albert": ("albert", albert),
}


def rte_dev_pair(glue):
    header, first = (glue / "RTE" / "dev.tsv").read_text(encoding="utf-8").split("\n")[:2]
    columns = header.split("\t")
    row = dict(zip(columns, first.split("\t")))
    return row["sentence1"], row["sentence2"]


def check(directory, name, pair):
    tokenizer = load_tokenizer(directory, name)
    config_vocab = AutoModelForSequenceClassification.from_pretrained(str(directory)).config.vocab_size
    assert len(tokenizer) == config_vocab, (name, len(tokenizer), config_vocab)
    model = AutoModelForSequenceClassification.from_pretrained(str(directory), num_labels=2).eval()
    encoded = tokenizer(*pair, truncation=True, max_length=128, padding="max_length", return_tensors="pt")
    assert int(encoded["input_ids"].max()) < config_vocab
    unknown = (encoded["input_ids"] == tokenizer.unk_token_id).sum().item()
    assert unknown < encoded["attention_mask"].sum().item() / 4, (name, "mostly unknown tokens", unknown)
    with torch.no_grad():
        logits = model(**encoded).logits
    assert logits.shape == (1, 2) and torch.isfinite(logits).all(), (name, logits)
    return int(encoded["attention_mask"].sum()), unknown


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--glue", type=Path, default=DEFAULT_GLUE, help="GLUE root with RTE/dev.tsv")
    parser.add_argument("--only", choices=sorted(MODELS), help="write this model only")
    args = parser.parse_args()
    pair = rte_dev_pair(args.glue)
    for seed, (name, (tokenizer_dir, build)) in enumerate(MODELS.items()):
        if args.only is not None and name != args.only:
            continue
        directory = OUT / name
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        copied = copy_tokenizer(TOKENIZERS / tokenizer_dir, directory)
        torch.manual_seed(1000 + seed)
        model = build(load_tokenizer(directory, name))
        model.save_pretrained(str(directory), safe_serialization=True)
        for extra in os.listdir(directory):
            if extra not in ("config.json", "model.safetensors", *copied):
                os.remove(directory / extra)
        size = sum(f.stat().st_size for f in directory.iterdir())
        assert size < MAX_DIR_BYTES, (name, size)
        tokens, unknown = check(directory, name, pair)
        print(f"{name}: {sorted(os.listdir(directory))}, {size} bytes; RTE dev pair -> {tokens} tokens, "
              f"{unknown} unknown")


if __name__ == "__main__":
    main()
