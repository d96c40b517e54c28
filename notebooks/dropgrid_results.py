"""Loading, summarising and comparing dropgrid results for the notebooks.

Follows docs/results-schema.md and the Java report (dropgrid.report.Analysis, PaperComparison): each
task's score is summarised over seeds first (mean, std, 95 % Student t interval), then averaged over the
tasks present in every compared cell (standard errors combined with Welch-Satterthwaite degrees of
freedom); failed cells never enter a number. Two views: the GLUE headline, and the paper's metrics
(accuracy, STS-B Pearson) over the paper's seven tasks. The paper's published numbers are read from the
CSV files the report embeds (spark-job/src/main/resources/dropgrid/report/paper, README there).
"""

from __future__ import annotations

import math
import pathlib

import numpy as np
import pandas as pd
from scipy import stats

BASELINE = "none"
CELL = ["model_id", "drop_stage", "strategy", "drop"]
LEVEL = 0.95
PAPER_TASKS = ["SST-2", "MNLI", "QNLI", "QQP", "STS-B", "RTE", "MRPC"]
PAPER_DIR = pathlib.Path(__file__).resolve().parent.parent / "spark-job/src/main/resources/dropgrid/report/paper"


def load(results: str) -> pd.DataFrame:
    """Read the results Parquet dataset (a directory written by Spark, or a single file).

    Adds `paper_score`: the paper's metric ×100 (accuracy; STS-B Pearson), NaN outside its seven tasks.
    """
    df = pd.read_parquet(results)
    if df.empty:
        raise ValueError(f"{results}: the results dataset has no rows")
    # The unpruned baseline is one model whichever stage the spec labelled it with.
    is_base = (df["strategy"] == BASELINE) & (df["drop"] == 0)
    df.loc[is_base, "drop_stage"] = "pretrained"
    paper = np.where(df["task"] == "STS-B", df["metric_pearson"], df["metric_accuracy"]) * 100
    df["paper_score"] = np.where(df["task"].isin(PAPER_TASKS), paper, np.nan)
    return df


def split_failed(df: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(usable rows, failed rows): usable = status ok and a headline measured."""
    usable = (df["status"] == "ok") & df["headline"].notna()
    return df[usable].copy(), df[df["status"] != "ok"].copy()


# --- estimates: mean, standard error, degrees of freedom, 95 % t interval -------------------------------

def half_width(se: float, dof: float) -> float:
    """Half-width of the 95 % t interval; NaN without one (one seed), 0 for no spread."""
    if not (np.isfinite(se) and np.isfinite(dof) and dof > 0):
        return math.nan
    return 0.0 if se == 0 else float(stats.t.ppf(0.5 + LEVEL / 2, dof) * se)


def over_seeds(values) -> dict:
    """Mean, sample std (ddof 1), standard error and degrees of freedom of one cell's seeds."""
    x = np.asarray(values, dtype=float)
    n = len(x)
    if n < 2:
        return dict(mean=float(x.mean()), std=math.nan, se=math.nan, dof=math.nan, seeds=n)
    std = float(x.std(ddof=1))
    return dict(mean=float(x.mean()), std=std, se=std / math.sqrt(n), dof=float(n - 1), seeds=n)


def _welch(ses, dofs) -> tuple[float, float]:
    """(sum of squared standard errors, Welch-Satterthwaite degrees of freedom)."""
    v = np.asarray(ses, dtype=float) ** 2
    dofs = np.asarray(dofs, dtype=float)
    total = float(v.sum())
    dof = float(dofs.sum()) if total == 0 else total ** 2 / float(np.sum(v ** 2 / dofs))
    return total, dof


def mean_of(parts: list[dict]) -> dict:
    """The unweighted mean of independent estimates (one per task)."""
    if not parts:
        return dict(mean=math.nan, se=math.nan, dof=math.nan, seeds=0)
    total, dof = _welch([p["se"] for p in parts], [p["dof"] for p in parts])
    return dict(mean=float(np.mean([p["mean"] for p in parts])), se=math.sqrt(total) / len(parts), dof=dof,
                seeds=min(p["seeds"] for p in parts))


def minus(a: dict, b: dict) -> dict:
    """a − b for independent estimates, with Welch's interval."""
    total, dof = _welch([a["se"], b["se"]], [a["dof"], b["dof"]])
    return dict(mean=a["mean"] - b["mean"], se=math.sqrt(total), dof=dof, seeds=min(a["seeds"], b["seeds"]))


def interval(e: dict) -> tuple[float, float]:
    h = half_width(e["se"], e["dof"])
    return e["mean"] - h, e["mean"] + h


def separates_above(a: dict, b: dict) -> bool:
    """Whether a's 95 % interval lies wholly above b's (false when either has none)."""
    lo, _ = interval(a)
    _, hi = interval(b)
    return bool(np.isfinite(lo) and np.isfinite(hi) and lo > hi)


# --- per cell and task ------------------------------------------------------------------------------------

def seed_stats(ok: pd.DataFrame, value: str = "headline") -> pd.DataFrame:
    """Per cell and task, the `value` column summarised over seeds, with its 95 % interval."""
    rows = []
    for key, g in ok[ok[value].notna()].groupby(CELL + ["task"]):
        rows.append(dict(zip(CELL + ["task"], key), **over_seeds(g[value])))
    out = pd.DataFrame(rows, columns=CELL + ["task", "mean", "std", "se", "dof", "seeds"])
    out["half_width"] = [half_width(se, d) for se, d in zip(out["se"], out["dof"])]
    out["low"] = out["mean"] - out["half_width"]
    out["high"] = out["mean"] + out["half_width"]
    return out


def seed_means(ok: pd.DataFrame) -> pd.DataFrame:
    """Headline per cell and task, averaged over seeds (column `seeds` counts them)."""
    return seed_stats(ok).rename(columns={"mean": "headline"})[CELL + ["task", "headline", "seeds"]]


def _estimates(stats_: pd.DataFrame, key: tuple) -> dict:
    sel = stats_[(stats_[CELL] == pd.Series(key, index=CELL)).all(axis=1)]
    return {r.task: dict(mean=r.mean, se=r.se, dof=r.dof, seeds=r.seeds) for r in sel.itertuples()}


def strategy_table(stats_: pd.DataFrame, model: str, stage: str = "pretrained") -> tuple[pd.DataFrame, list[str], dict]:
    """Paper Table 2 for one model from `seed_stats`: average over the tasks every compared cell has, Δ to the baseline.

    Returns (table, tasks averaged, {excluded task: cells lacking it}); the table has average, delta and
    their 95 % half-widths (`average_hw`, `delta_hw`), and `best` per K.
    """
    m = stats_[stats_["model_id"] == model]
    base_key = (model, "pretrained", BASELINE, 0)
    is_base = (m["strategy"] == BASELINE) & (m["drop"] == 0)
    cells = m[(m["drop_stage"] == stage) & ~is_base]
    if stage == "finetuned":
        pairs = cells[["strategy", "drop"]].drop_duplicates()
        before = m[(m["drop_stage"] == "pretrained") & ~is_base].merge(pairs, on=["strategy", "drop"])
        cells = pd.concat([cells, before])
    keys = [tuple(k) for k in cells[CELL].drop_duplicates().itertuples(index=False)]
    has_base = bool(is_base.any())
    if has_base:
        keys = [base_key] + keys
    per_cell = {k: _estimates(m, k) for k in keys}
    universe = set().union(*[set(v) for v in per_cell.values()]) if per_cell else set()
    common = sorted(t for t in universe if all(t in v for v in per_cell.values()))
    excluded = {t: [f"{k[2]} K={k[3]}" + (" (after fine-tune)" if k[1] == "finetuned" else "")
                    for k, v in per_cell.items() if t not in v] for t in sorted(universe - set(common))}
    avg = {k: mean_of([per_cell[k][t] for t in common]) for k in keys}
    base = avg.get(base_key) if has_base else dict(mean=math.nan, se=math.nan, dof=math.nan, seeds=0)
    rows = []
    for k in keys:
        d = minus(avg[k], base)
        rows.append(dict(zip(CELL, k), average=avg[k]["mean"], average_hw=half_width(avg[k]["se"], avg[k]["dof"]),
                         delta=d["mean"], delta_hw=half_width(d["se"], d["dof"]) if k != base_key else math.nan,
                         _est=avg[k]))
    table = pd.DataFrame(rows, columns=CELL + ["average", "average_hw", "delta", "delta_hw", "_est"])
    if has_base:
        table.loc[table["strategy"] == BASELINE, "delta"] = 0.0
    pruned = table["strategy"] != BASELINE
    counts = table[pruned].groupby(["drop_stage", "drop"])["strategy"].transform("count")
    best = table[pruned].groupby(["drop_stage", "drop"])["average"].transform("max")
    table["best"] = False
    table.loc[pruned, "best"] = (counts > 1) & (table.loc[pruned, "average"] == best)
    table = table.sort_values(["drop_stage", "drop", "strategy"], ascending=[False, True, True]).reset_index(drop=True)
    return table, common, excluded


# --- the paper ----------------------------------------------------------------------------------------------

def load_paper() -> dict[str, pd.DataFrame]:
    """The paper's embedded numbers: top (Table 1/6), averages (Figures 2/3), cost (Table 3), similarity (Figure 5)."""
    return {
        "top": pd.read_csv(PAPER_DIR / "top-dropping-per-task.csv"),
        "averages": pd.read_csv(PAPER_DIR / "strategy-averages.csv"),
        "cost": pd.read_csv(PAPER_DIR / "cost.csv"),
        "similarity": pd.read_csv(PAPER_DIR / "similarity-pretrained-vs-finetuned.csv"),
    }


def paper_model(paper: dict, architecture: str, depth: int) -> str | None:
    """The paper's model one of ours is, by architecture and depth (bert, 12 -> bert-base), else None."""
    name = f"{architecture}-base"
    rows = paper["top"][paper["top"]["model"] == name]
    return name if not rows.empty and int(rows["depth"].iloc[0]) == int(depth) else None


def _top_average(paper: dict, pm: str, drop: int, tasks: list[str]) -> float:
    row = paper["top"][(paper["top"]["model"] == pm) & (paper["top"]["drop"] == drop)]
    return float(row[tasks].iloc[0].mean()) if tasks and not row.empty else math.nan


def paper_comparison(df: pd.DataFrame, paper: dict | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(averages, per task): ours in the paper's metrics beside the paper, like the report's paper tables.

    An average is over the paper's tasks that the cell and the baseline both have; `missing` names the
    others. The paper's side is its 7-task average when none is missing, else Table 1 over the same tasks
    for top dropping and the full model, else NaN.
    """
    paper = paper or load_paper()
    ok, _ = split_failed(df)
    st = seed_stats(ok, "paper_score")
    averages, per_task = [], []
    for model, m in ok.groupby("model_id"):
        pm = paper_model(paper, m["architecture"].iloc[0], m["pretrained_depth"].max())
        if pm is None:
            continue
        ms = st[st["model_id"] == model]
        base = _estimates(ms, (model, "pretrained", BASELINE, 0))
        base7 = paper["averages"].query("model == @pm and strategy == @BASELINE and drop == 0")["avg7"]
        pre = ms[ms["drop_stage"] == "pretrained"]
        for key in [tuple(k) for k in pre[CELL].drop_duplicates().itertuples(index=False)]:
            _, _, strategy, drop = key
            cell = _estimates(ms, key)
            is_base = strategy == BASELINE and drop == 0
            table_one = is_base or strategy == "top"
            if table_one:
                for task in PAPER_TASKS:
                    if task in cell:
                        e = cell[task]
                        lo, hi = interval(e)
                        p = _top_average(paper, pm, drop, [task])
                        per_task.append(dict(model_id=model, paper_model=pm, strategy=strategy, drop=drop, task=task,
                                             seeds=e["seeds"], ours=e["mean"], low=lo, high=hi, paper=p,
                                             difference=e["mean"] - p))
            tasks = [t for t in PAPER_TASKS if t in cell and t in base]
            missing = [t for t in PAPER_TASKS if t not in tasks]
            ours = mean_of([cell[t] for t in tasks])
            ours_delta = minus(ours, mean_of([base[t] for t in tasks])) if not is_base else None
            published = paper["averages"].query("model == @pm and strategy == @strategy and drop == @drop")
            if not tasks:
                value, delta, source = math.nan, math.nan, "no task of the paper's seven in both this cell and the baseline"
            elif not missing and not published.empty:
                value = float(published["avg7"].iloc[0])
                delta = value - float(base7.iloc[0])
                source = published["source"].iloc[0]
            elif table_one:
                value = _top_average(paper, pm, drop, tasks)
                delta = value - _top_average(paper, pm, 0, tasks)
                source = f"Table 1 over the same {len(tasks)} tasks"
            else:
                value, delta = math.nan, math.nan
                source = ("the paper gives only its 7-task average" if not published.empty else "not in the paper")
            averages.append(dict(
                model_id=model, paper_model=pm, strategy=strategy, drop=drop, tasks=len(tasks),
                missing=" ".join(missing), seeds=ours["seeds"], ours=ours["mean"],
                ours_hw=half_width(ours["se"], ours["dof"]), paper=value, difference=ours["mean"] - value,
                ours_delta=ours_delta["mean"] if ours_delta else math.nan,
                ours_delta_hw=half_width(ours_delta["se"], ours_delta["dof"]) if ours_delta else math.nan,
                paper_delta=math.nan if is_base else delta, source=source))
    return pd.DataFrame(averages), pd.DataFrame(per_task)
