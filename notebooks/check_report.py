#!/usr/bin/env python3
"""Recompute the Java report's strategy and paper tables with dropgrid_results (pandas/SciPy) and compare.

Usage: check_report.py RESULTS_DIR REPORT_DIR

REPORT_DIR holds the CSVs of `dropgrid report RESULTS_DIR`. Every average, Δ, interval half-width and
paper value of strategy-by-k and paper-strategy-by-k must agree to 1e-6; exit 1 naming the first
disagreements otherwise. Two implementations of one definition: the notebooks show what the report shows.
"""

import argparse
import math
import sys

import pandas as pd

import dropgrid_results as dr

TOLERANCE = 1e-6


def close(a, b) -> bool:
    a = float("nan") if a is None or a == "" else float(a)
    b = float("nan") if b is None or b == "" else float(b)
    return (math.isnan(a) and math.isnan(b)) or abs(a - b) <= TOLERANCE


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results")
    parser.add_argument("report")
    args = parser.parse_args()

    df = dr.load(args.results)
    ok, _ = dr.split_failed(df)
    stats = dr.seed_stats(ok)
    problems, compared = [], 0

    java = pd.read_csv(f"{args.report}/strategy-by-k.csv", keep_default_na=False)
    for model in sorted(ok["model_id"].unique()):
        table, _, _ = dr.strategy_table(stats, model)
        for r in table.itertuples():
            strategy = "none (baseline)" if r.strategy == dr.BASELINE else r.strategy
            j = java[(java["model"] == model) & (java["strategy"] == strategy) & (java["K"] == r.drop)]
            if j.empty:
                problems.append(f"strategy-by-k: {model} {strategy} K={r.drop} missing in the report")
                continue
            j = j.iloc[0]
            for ours, theirs, name in [(r.average, j["average"], "average"), (r.delta, j["Δ"], "Δ"),
                                       (r.average_hw, j["average ±95%"], "average ±95%"),
                                       (r.delta_hw, j["Δ ±95%"], "Δ ±95%")]:
                compared += 1
                if not close(ours, theirs):
                    problems.append(f"strategy-by-k {model} {strategy} K={r.drop} {name}: python {ours}, java {theirs}")

    averages, _ = dr.paper_comparison(df)
    java = pd.read_csv(f"{args.report}/paper-strategy-by-k.csv", keep_default_na=False)
    for r in averages.itertuples():
        strategy = "none (baseline)" if r.strategy == dr.BASELINE else r.strategy
        j = java[(java["model"] == r.model_id) & (java["strategy"] == strategy) & (java["K"] == r.drop)]
        if j.empty:
            problems.append(f"paper-strategy-by-k: {r.model_id} {strategy} K={r.drop} missing in the report")
            continue
        j = j.iloc[0]
        if r.missing != j["missing of the paper's 7"]:
            problems.append(f"paper-strategy-by-k {r.model_id} {strategy} K={r.drop} missing: "
                            f"python '{r.missing}', java '{j['missing of the paper' + chr(39) + 's 7']}'")
        for ours, col in [(r.ours, "ours"), (r.ours_hw, "ours ±95%"), (r.paper, "paper"),
                          (r.ours_delta, "ours Δ"), (r.ours_delta_hw, "ours Δ ±95%"), (r.paper_delta, "paper Δ")]:
            compared += 1
            if not close(ours, j[col]):
                problems.append(f"paper-strategy-by-k {r.model_id} {strategy} K={r.drop} {col}: python {ours}, java {j[col]}")
    if len(java) != len(averages):
        problems.append(f"paper-strategy-by-k: java has {len(java)} rows, python {len(averages)}")

    for p in problems[:20]:
        print(p, file=sys.stderr)
    print(f"check_report: {compared} values compared, {len(problems)} disagreement(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
