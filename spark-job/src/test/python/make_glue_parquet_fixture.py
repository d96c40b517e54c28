"""Writes ../resources/glue/hf/: a miniature of Hugging Face's nyu-mll/glue Parquet layout
(<task>/<split>-0000k-of-0000n.parquet) for GlueParquetTest.

For the tasks in the shared GLUE copy the rows are the first three of each TSV split, with labels
turned into Hugging Face's ClassLabel integers (RTE/QNLI: entailment=0, not_entailment=1; STS-B a
float32 score). MNLI, QQP and QNLI train are not in the shared copy, so their rows are made up here.
Columns and types follow the hub files: text columns as strings, label int64 (STS-B float32), idx int32.
RTE train is split into two shards and SST-2 train into row groups of two, so the reader has to
concatenate both. ../resources/glue/hf-bad/ holds one file with an out-of-range label.

Run:  /work/main/.venv/bin/python make_glue_parquet_fixture.py [GLUE_DIR]   (default /work/shared/glue)
"""
import csv
import pathlib
import shutil
import sys

import pyarrow as pa
import pyarrow.parquet as pq

GLUE = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/glue")
OUT = pathlib.Path(__file__).resolve().parent.parent / "resources" / "glue" / "hf"
ROWS = 3

# hf name: (TSV dir, header?, {hf column: TSV column index}, label column index, label names or None)
TSV_TASKS = {
    "cola": ("CoLA", False, {"sentence": 3}, 1, ["0", "1"]),
    "sst2": ("SST-2", True, {"sentence": 0}, 1, ["0", "1"]),
    "mrpc": ("MRPC", True, {"sentence1": 3, "sentence2": 4}, 0, ["0", "1"]),
    "stsb": ("STS-B", True, {"sentence1": 7, "sentence2": 8}, 9, None),
    "qnli": ("QNLI", True, {"question": 1, "sentence": 2}, 3, ["entailment", "not_entailment"]),
    "rte": ("RTE", True, {"sentence1": 1, "sentence2": 2}, 3, ["entailment", "not_entailment"]),
    "wnli": ("WNLI", True, {"sentence1": 1, "sentence2": 2}, 3, ["0", "1"]),
}


def tsv_rows(path, header):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return rows[1:] if header else rows


def table(columns, labels, float_label=False):
    data = {name: pa.array(values, pa.string()) for name, values in columns.items()}
    data["label"] = pa.array(labels, pa.float32() if float_label else pa.int64())
    data["idx"] = pa.array(range(len(labels)), pa.int32())
    return pa.table(data)


def write(task, split, t, shards=1, row_group_size=None):
    (OUT / task).mkdir(parents=True, exist_ok=True)
    per = -(-t.num_rows // shards)
    for k in range(shards):
        part = t.slice(k * per, per)
        pq.write_table(part, OUT / task / f"{split}-{k:05d}-of-{shards:05d}.parquet",
                       row_group_size=row_group_size, compression="snappy")


shutil.rmtree(OUT, ignore_errors=True)
for hf, (tsv_dir, header, text_cols, label_col, names) in TSV_TASKS.items():
    for tsv_split, hf_split in (("train", "train"), ("dev", "validation")):
        path = GLUE / tsv_dir / f"{tsv_split}.tsv"
        if not path.exists():
            continue
        rows = tsv_rows(path, header)[:ROWS]
        columns = {name: [r[i] for r in rows] for name, i in text_cols.items()}
        if names is None:
            labels = [float(r[label_col]) for r in rows]
        else:
            labels = [names.index(r[label_col]) for r in rows]
        shards = 2 if (hf, hf_split) == ("rte", "train") else 1
        groups = 2 if (hf, hf_split) == ("sst2", "train") else None
        write(hf, hf_split, table(columns, labels, names is None), shards, groups)

# Hugging Face's MNLI ClassLabel order is entailment=0, neutral=1, contradiction=2.
mnli = {"premise": ["P zero.", "P one.", "P two."], "hypothesis": ["H zero.", "H one.", "H two."]}
for split in ("train", "validation_matched", "validation_mismatched"):
    write("mnli", split, table(mnli, [0, 1, 2]))
qqp = {"question1": ["Q1 a?", "Q1 b?"], "question2": ["Q2 a?", "Q2 b?"]}
for split in ("train", "validation"):
    write("qqp", split, table(qqp, [1, 0]))
write("qnli", "train", table({"question": ["Q?"], "sentence": ["S."]}, [1]))

# A broken copy for the error test: RTE has two classes, so label 2 on its second row is invalid.
BAD = OUT.parent / "hf-bad"
shutil.rmtree(BAD, ignore_errors=True)
(BAD / "rte").mkdir(parents=True)
pq.write_table(table({"sentence1": ["A.", "B."], "sentence2": ["C.", "D."]}, [0, 2]),
               BAD / "rte" / "validation-00000-of-00001.parquet")
print("wrote", sorted(str(p.relative_to(OUT)) for p in OUT.rglob("*.parquet")))
