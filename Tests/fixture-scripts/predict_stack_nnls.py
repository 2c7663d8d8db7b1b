"""scipy references for OneProxyKit's non-negative least squares and proxy stacks.

Writes Tests/OneProxyKitTests/Fixtures/predict/stack_nnls.json:
- "nnls": random problems (tall, wide, collinear columns, a column with a negative slope) and
  scipy.optimize.nnls's solution;
- "stack": on help-nb201 (the bundled file), each of HELP's 9 pool devices' linear predictor fitted
  by numpy.linalg.lstsq on every architecture (NB201's 31-column one-hot encoding), then, for the
  target pixel2 and the given sample rows, NNLS with a free intercept of pixel2's latencies on
  the 9 predictions (both sides centred over the samples, the intercept recovered after): the
  weights beta, the intercept, and the stacked predictions of the first 50 rows.
Run: python3 Tests/fixture-scripts/predict_stack_nnls.py
"""
import csv, json, os
import numpy as np
from scipy.optimize import nnls

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests/OneProxyKitTests/Fixtures/predict/stack_nnls.json")
DATA = os.path.join(ROOT, "Sources/OneProxyKit/Resources/data/nb201_help_latency.csv")
OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
POOL = ["1080ti_1", "1080ti_32", "1080ti_256", "silver_4114", "silver_4210r", "samsung_a50", "pixel3",
        "essential_ph_1", "samsung_s7"]
rng = np.random.default_rng(20261127)

cases = []


def add(name, A, b):
    x, rnorm = nnls(A, b)
    cases.append({"name": name, "rows": A.shape[0], "cols": A.shape[1], "a": A.ravel().tolist(),
                  "b": b.tolist(), "x": x.tolist(), "residual_norm": float(rnorm)})


add("tall", rng.normal(size=(12, 5)), rng.normal(size=12))
add("wide", rng.normal(size=(4, 7)), rng.normal(size=4))
P = rng.normal(size=(20, 3))
add("positive_mix", np.abs(P), np.abs(P) @ np.array([0.5, 0.0, 2.0]) + 0.01 * rng.normal(size=20))
C = rng.normal(size=(15, 4))
C = np.column_stack([C, C[:, 0] + 1e-9 * rng.normal(size=15)])  # near-duplicate column
add("near_duplicate", C, C @ np.array([1.0, -1.0, 0.5, 0.0, 0.0]) + 0.05 * rng.normal(size=15))

with open(DATA) as f:
    rd = list(csv.DictReader(f))
X = np.zeros((len(rd), 31))
for i, r in enumerate(rd):
    ops = [t.split("~")[0] for t in r["arch_str"].replace("+", "").split("|") if t]
    for e, o in enumerate(ops):
        X[i, e * 5 + OPS.index(o)] = 1
    X[i, 30] = 1
fits = []
for p in POOL:
    y = np.array([float(r[p + "_ms"]) for r in rd])
    w, *_ = np.linalg.lstsq(X, y, rcond=None)
    fits.append(X @ w)
F = np.column_stack(fits)
target = np.array([float(r["pixel2_ms"]) for r in rd])
stacks = []
for rows in [[11982, 431, 55, 9, 14451, 8636, 9881, 13479, 6196, 1462, 5, 77, 123, 345, 600, 811, 2, 299, 451, 888],
             [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]]:
    A = F[rows] - F[rows].mean(axis=0)
    yc = target[rows] - target[rows].mean()
    beta, _ = nnls(A, yc)
    c = target[rows].mean() - F[rows].mean(axis=0) @ beta
    stacks.append({"target": "pixel2", "proxies": POOL, "rows": rows, "beta": beta.tolist(), "intercept": float(c),
                   "predictions_first50": (F[:50] @ beta + c).tolist()})
with open(OUT, "w") as f:
    json.dump({"nnls": cases, "stack": stacks}, f, indent=1)
print([c["x"] for c in cases], [s["beta"] for s in stacks])
