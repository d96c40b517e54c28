"""Loading and averaging dropgrid results for the notebooks.

Follows docs/results-schema.md and the Java report (dropgrid.report.Report): each task's headline is
averaged over seeds first, then over the tasks present in every compared cell; failed cells never
enter a number.
"""

from __future__ import annotations

import pandas as pd

BASELINE = "none"
CELL = ["model_id", "drop_stage", "strategy", "drop"]


def load(results: str) -> pd.DataFrame:
    """Read the results Parquet dataset (a directory written by Spark, or a single file)."""
    df = pd.read_parquet(results)
    if df.empty:
        raise ValueError(f"{results}: the results dataset has no rows")
    # The unpruned baseline is one model whichever stage the spec labelled it with.
    is_base = (df["strategy"] == BASELINE) & (df["drop"] == 0)
    df.loc[is_base, "drop_stage"] = "pretrained"
    return df


def split_failed(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(usable rows, failed rows): usable = status ok and a headline measured."""
    usable = (df["status"] == "ok") & df["headline"].notna()
    return df[usable].copy(), df[df["status"] != "ok"].copy()


def seed_means(ok: pd.DataFrame) -> pd.DataFrame:
    """Headline per cell and task, averaged over seeds (column `seeds` counts them)."""
    return (ok.groupby(CELL + ["task"], as_index=False)
              .agg(headline=("headline", "mean"), seeds=("seed", "nunique")))


def strategy_table(means: pd.DataFrame, model: str, stage: str = "pretrained") -> tuple[pd.DataFrame, list[str], dict]:
    """Paper Table 2 for one model: average over the tasks every compared cell has, and Δ to the baseline.

    Returns (table, tasks averaged, {excluded task: cells lacking it}).
    """
    m = means[means["model_id"] == model]
    base = m[(m["strategy"] == BASELINE) & (m["drop"] == 0)]
    cells = m[(m["drop_stage"] == stage) & ~((m["strategy"] == BASELINE) & (m["drop"] == 0))]
    if stage == "finetuned":
        pairs = cells[["strategy", "drop"]].drop_duplicates()
        before = m[m["drop_stage"] == "pretrained"].merge(pairs, on=["strategy", "drop"])
        cells = pd.concat([cells, before])
    keys = [tuple(k) for k in cells[CELL].drop_duplicates().itertuples(index=False)]
    if not base.empty:
        keys = [(model, "pretrained", BASELINE, 0)] + keys
    tasks_of = {k: set(m[(m[CELL] == pd.Series(k, index=CELL)).all(axis=1)]["task"]) for k in keys}
    universe = set().union(*tasks_of.values()) if tasks_of else set()
    common = sorted(t for t in universe if all(t in ts for ts in tasks_of.values()))
    excluded = {t: [f"{k[2]} K={k[3]}" + (" (after fine-tune)" if k[1] == "finetuned" else "") for k, ts in tasks_of.items() if t not in ts] for t in sorted(universe - set(common))}
    rows = []
    for k in keys:
        sel = m[(m[CELL] == pd.Series(k, index=CELL)).all(axis=1) & m["task"].isin(common)]
        rows.append(dict(zip(CELL, k), average=sel["headline"].mean() if common else float("nan")))
    table = pd.DataFrame(rows, columns=CELL + ["average"])
    base_avg = table.loc[table["strategy"] == BASELINE, "average"]
    table["delta"] = table["average"] - (base_avg.iloc[0] if not base_avg.empty else float("nan"))
    pruned = table["strategy"] != BASELINE
    counts = table[pruned].groupby(["drop_stage", "drop"])["strategy"].transform("count")
    best = table[pruned].groupby(["drop_stage", "drop"])["average"].transform("max")
    table["best"] = False
    table.loc[pruned, "best"] = (counts > 1) & (table.loc[pruned, "average"] == best)
    return table.sort_values(["drop_stage", "drop", "strategy"], ascending=[False, True, True]).reset_index(drop=True), common, excluded
