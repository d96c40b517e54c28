"""Writes ../resources/report/stats_goldens.json: means, standard deviations and 95 % intervals from
SciPy/NumPy, the reference EstimateTest compares dropgrid.report.Estimate against.

Run from anywhere with the project venv:  /work/venvs/torch/bin/python make_stats_goldens.py

- "seeds": one sample of seed scores; mean, std (ddof = 1) and scipy.stats.t.interval(0.95, n - 1, mean, sem).
- "differences": two samples; Welch's interval of mean(a) - mean(b) from
  scipy.stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95), and its degrees of freedom.
- "averages": several samples (one per task); the interval of the unweighted mean of their means with
  Welch-Satterthwaite degrees of freedom, written out with NumPy and scipy.stats.t.ppf. With two tasks
  it is half of Welch's difference interval (written too, as a cross-check of the formula).
A sample of one value has no interval: null. Identical values (std 0) have the point as their interval,
where SciPy's t.interval returns NaN for a zero scale.
"""
import json
import math
import pathlib

import numpy as np
import scipy
from scipy import stats

OUT = pathlib.Path(__file__).resolve().parent.parent / "resources" / "report" / "stats_goldens.json"
rng = np.random.default_rng(20040384)


def seeds_case(name, values):
    x = np.asarray(values, dtype=float)
    case = {"name": name, "values": x.tolist(), "mean": float(x.mean())}
    if len(x) < 2:
        case.update(std=None, low=None, high=None)
        return case
    sem = stats.sem(x)
    low, high = stats.t.interval(0.95, len(x) - 1, loc=x.mean(), scale=sem) if sem > 0 else (x.mean(), x.mean())
    case.update(std=float(x.std(ddof=1)), low=float(low), high=float(high))
    return case


def difference_case(name, a, b):
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    r = stats.ttest_ind(a, b, equal_var=False)
    ci = r.confidence_interval(0.95)
    return {"name": name, "a": a.tolist(), "b": b.tolist(), "mean": float(a.mean() - b.mean()),
            "low": float(ci.low), "high": float(ci.high), "df": float(r.df)}


def average_case(name, samples):
    samples = [np.asarray(s, dtype=float) for s in samples]
    means = np.array([s.mean() for s in samples])
    v = np.array([s.var(ddof=1) / len(s) for s in samples])  # squared standard error of each mean
    k = len(samples)
    se = math.sqrt(v.sum()) / k
    df = v.sum() ** 2 / np.sum(v ** 2 / np.array([len(s) - 1 for s in samples]))
    half = stats.t.ppf(0.975, df) * se
    case = {"name": name, "samples": [s.tolist() for s in samples], "mean": float(means.mean()),
            "low": float(means.mean() - half), "high": float(means.mean() + half), "df": float(df)}
    if k == 2:
        ci = stats.ttest_ind(samples[0], samples[1], equal_var=False).confidence_interval(0.95)
        case["half_of_welch_difference_width"] = float((ci.high - ci.low) / 4)
    return case


def main():
    seeds = [
        seeds_case("two seeds", [66.43, 68.95]),
        seeds_case("three seeds", [84.1, 85.3, 83.7]),
        seeds_case("five seeds", (80 + 3 * rng.standard_normal(5)).round(4).tolist()),
        seeds_case("ten seeds", (60 + 5 * rng.standard_normal(10)).round(4).tolist()),
        seeds_case("identical seeds", [63.0, 63.0, 63.0]),
        seeds_case("one seed", [71.2]),
    ]
    differences = [
        difference_case("three vs three", [84.1, 85.3, 83.7], [70.2, 74.9, 72.0]),
        difference_case("two vs five", [66.43, 68.95], (62 + 2 * rng.standard_normal(5)).round(4).tolist()),
    ]
    averages = [
        average_case("two tasks", [[84.1, 85.3, 83.7], [66.43, 68.95, 65.7]]),
        average_case("seven tasks, unequal seeds", [
            (92 + 0.5 * rng.standard_normal(3)).round(4).tolist(),
            (84 + 0.3 * rng.standard_normal(3)).round(4).tolist(),
            (91 + 0.4 * rng.standard_normal(2)).round(4).tolist(),
            (90 + 0.2 * rng.standard_normal(3)).round(4).tolist(),
            (88 + 0.6 * rng.standard_normal(4)).round(4).tolist(),
            (66 + 2.5 * rng.standard_normal(3)).round(4).tolist(),
            (85 + 1.5 * rng.standard_normal(5)).round(4).tolist(),
        ]),
    ]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"scipy": scipy.__version__, "numpy": np.__version__, "level": 0.95,
                               "seeds": seeds, "differences": differences, "averages": averages}, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
