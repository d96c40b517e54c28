"""Writes ../resources/glue/metric_goldens.json: GLUE metric values from scikit-learn and SciPy for
random and edge-case inputs, the reference MetricsTest compares dropgrid.glue.Metrics against.

Run from anywhere with the project venv:  /work/main/.venv/bin/python make_metric_goldens.py

Where SciPy returns NaN or raises (a constant side, fewer than two values) the value is written as
null; dropgrid documents 0.0 for those cases and the test checks that.
"""
import json
import math
import pathlib
import warnings

import numpy as np
import scipy
import sklearn
from scipy.stats import pearsonr, spearmanr
from sklearn.metrics import accuracy_score, f1_score, matthews_corrcoef

OUT = pathlib.Path(__file__).resolve().parent.parent / "resources" / "glue" / "metric_goldens.json"
rng = np.random.default_rng(20040384)


def classification(name, gold, pred):
    gold = [int(v) for v in gold]
    pred = [int(v) for v in pred]
    case = {"name": name, "gold": gold, "predicted": pred,
            "accuracy": float(accuracy_score(gold, pred)),
            "mcc": float(matthews_corrcoef(gold, pred))}
    if set(gold) | set(pred) <= {0, 1}:
        case["f1"] = float(f1_score(gold, pred, pos_label=1, average="binary"))
    return case


def scipy_value(fn, x, y):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            value = float(fn(x, y)[0])
    except ValueError:
        return None
    return None if math.isnan(value) else value


def regression(name, gold, pred):
    gold = [float(v) for v in gold]
    pred = [float(v) for v in pred]
    return {"name": name, "gold": gold, "predicted": pred,
            "pearson": scipy_value(pearsonr, pred, gold),
            "spearman": scipy_value(spearmanr, pred, gold)}


cases = []
for n in (7, 50, 408, 1043):
    gold = rng.integers(0, 2, n)
    noisy = np.where(rng.random(n) < 0.75, gold, 1 - gold)
    cases.append(classification(f"binary_random_n{n}", gold, noisy))
for n in (30, 500):
    gold = rng.integers(0, 3, n)
    pred = np.where(rng.random(n) < 0.6, gold, rng.integers(0, 3, n))
    cases.append(classification(f"three_class_random_n{n}", gold, pred))
cases += [
    classification("all_gold_one_class_mixed_predictions", [1] * 8, [1, 0, 1, 1, 0, 1, 1, 1]),
    classification("all_gold_zero_mixed_predictions", [0] * 6, [0, 1, 0, 0, 1, 0]),
    classification("constant_prediction_one", [0, 1, 1, 0, 1, 0, 0], [1] * 7),
    classification("constant_prediction_zero", [0, 1, 1, 0, 1, 0, 0], [0] * 7),
    classification("all_zero_both_sides", [0] * 5, [0] * 5),
    classification("all_one_both_sides", [1] * 5, [1] * 5),
    classification("single_example_right", [1], [1]),
    classification("single_example_wrong", [0], [1]),
    classification("two_examples", [0, 1], [1, 0]),
    classification("perfect", [0, 1, 1, 0, 1], [0, 1, 1, 0, 1]),
    classification("inverted", [0, 1, 1, 0, 1], [1, 0, 0, 1, 0]),
    classification("three_class_constant_prediction", [0, 1, 2, 2, 1, 0], [2] * 6),
]
for n in (10, 100, 1500):
    gold = rng.uniform(0, 5, n)
    pred = gold + rng.normal(0, 1.2, n)
    cases.append(regression(f"random_n{n}", gold, pred))
gold = np.round(rng.uniform(0, 5, 200) * 2) / 2
pred = np.round((gold + rng.normal(0, 1, 200)) * 2) / 2
cases += [
    regression("ties_on_both_sides_n200", gold, pred),
    regression("ties_small", [1, 2, 2, 3, 3, 3, 4], [0.5, 0.5, 1.0, 2.0, 2.0, 0.1, 4.0]),
    regression("monotone_nonlinear", [0.1, 0.5, 1.0, 2.0, 4.5], [0.01, 0.25, 1.0, 4.0, 20.25]),
    regression("negative", [0, 1, 2, 3, 4, 5], [5, 4.2, 2.9, 2.1, 1.2, 0.0]),
    regression("large_offset", [1e6 + v for v in (0.1, 0.3, 0.2, 0.7, 0.5)], [2.0, 2.5, 2.1, 3.3, 3.0]),
    regression("two_points", [1.0, 3.0], [2.0, 2.5]),
    regression("three_points", [1.0, 3.0, 2.0], [0.2, 0.1, 0.4]),
    regression("constant_prediction", [0.2, 1.4, 3.3, 4.9], [2.5] * 4),
    regression("constant_tenth_prediction", [0.2, 1.4, 3.3], [0.1] * 3),
    regression("constant_gold", [3.0] * 5, [0.1, 0.7, 2.2, 4.0, 1.0]),
    regression("single_point", [2.0], [1.0]),
]

OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps({"sklearn": sklearn.__version__, "scipy": scipy.__version__, "cases": cases},
                          indent=None, separators=(",", ":")) + "\n")
print(f"wrote {len(cases)} cases to {OUT}")
