"""Independent numpy/scipy reference for a new device measured on 20 architectures (issue 10).

The device: samsung_a50 (HELP), measured only on the 20 rows of examples/new-device-samsung_a50.csv;
the proxy: rice_pixel3 of oneproxy-nb201 (every row it measured). Computes, as OneProxyKit documents:
  - AdaProxy l2 with lambda chosen by 5-fold CV over the 20 rows in ascending row order (contiguous
    folds), pooled out-of-fold SRCC, ties -> larger lambda; the out-of-fold predictions at the chosen
    lambda, their MAPE and share within +-10%;
  - a linear fit (numpy lstsq, minimum norm) of the device on its 20 rows, cross-validated with 5
    contiguous folds: out-of-fold SRCC, MAPE, within10.
Writes Tests/OneProxyKitTests/Fixtures/predict/new_device.json.
Run: python3 Tests/fixture-scripts/predict_new_device.py
"""
import csv, json, os
import numpy as np
from scipy.stats import spearmanr
from scipy.optimize import brentq

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(ROOT, "Sources/OneProxyKit/Resources/data/nb201_oneproxy_latency.csv")
NEW = os.path.join(ROOT, "examples/new-device-samsung_a50.csv")
OUT = os.path.join(ROOT, "Tests/OneProxyKitTests/Fixtures/predict/new_device.json")
OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]


def num(s):
    try:
        v = float(s)
    except ValueError:
        return np.nan
    return v if v > 0 else np.nan


def encode(arch):
    ops = [tok.split("~")[0] for tok in arch.replace("+", "").split("|") if tok]
    x = np.zeros(31)
    for e, o in enumerate(ops):
        x[e * 5 + OPS.index(o)] = 1
    x[30] = 1
    return x


rd = list(csv.DictReader(open(DATA)))
X = np.array([encode(r["arch_str"]) for r in rd])
proxy = np.array([num(r["rice_pixel3_ms"]) for r in rd])
row_of = {r["arch_str"]: i for i, r in enumerate(rd)}
target = np.full(len(rd), np.nan)
for r in csv.DictReader(line for line in open(NEW) if not line.startswith("#")):
    target[row_of[r["arch_str"]]] = float(r["samsung_a50_ms"])
ROWS = sorted(int(i) for i in np.where(~np.isnan(target))[0])
assert len(ROWS) == 20


def srcc(a, b):
    return float(spearmanr(a, b).statistic)


def errors(p, y):
    e = np.abs(p - y) / y
    return float(e.mean()), float((e <= 0.1).mean())


pm = ~np.isnan(proxy)
w = np.linalg.lstsq(X[pm], proxy[pm], rcond=None)[0]


def solve_l2(rows, wt, yt, lam):
    Z = X[rows] * wt
    t = Z.sum(1)
    Zc = Z - Z.mean(0)
    tc = t - t.mean()
    yc = yt[rows] - yt[rows].mean()
    P = np.eye(len(rows)) - np.outer(tc, tc) / (tc @ tc)
    A, r = P @ Zc, P @ yc
    n = len(rows)
    lam_max = 2.0 / n * np.linalg.norm(A.T @ r)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    k = int((s > s[0] * max(A.shape) * np.finfo(float).eps).sum())
    s, g = s[:k], (U.T @ r)[:k]
    if lam == 0:
        b = Vt[:k].T @ (g / s)
    elif lam >= lam_max:
        b = np.zeros(31)
    else:
        f = lambda t: 2.0 / n * np.linalg.norm(np.exp(t) * s * g / (s * s + np.exp(t))) - lam
        tt = brentq(f, -700.0, 700.0, xtol=1e-15, rtol=1e-15, maxiter=1000)
        b = Vt[:k].T @ (s * g / (s * s + np.exp(tt)))
    a = tc @ (yc - Zc @ b) / (tc @ tc)
    coef = wt * (a + b)
    c = yt[rows].mean() - Z.mean(0) @ (a + b)
    return coef, c, lam_max


rows = ROWS
n = len(rows)
s_y, s_p = np.std(target[rows]), np.std(X[rows] @ w)
wt, yt = w / s_p, target / s_y
_, _, lam_max = solve_l2(rows, wt, yt, 1.0)
grid = [0.0] + list(lam_max * 10 ** np.linspace(-4, 0, 25))
k = 5
folds = [list(range(f * n // k, (f + 1) * n // k)) for f in range(k)]
scores, oofs = [], []
for lam in grid:
    oof = np.zeros(n)
    for fold in folds:
        tr = [rows[i] for i in range(n) if i not in fold]
        coef, c, _ = solve_l2(tr, wt, yt, lam)
        oof[fold] = X[[rows[i] for i in fold]] @ coef + c
    scores.append(srcc(oof, target[rows]))
    oofs.append(oof * s_y)  # back to ms (the model predicts y / s_y)
best = max(range(len(grid)), key=lambda i: (round(scores[i], 12), grid[i]))
mape, within = errors(oofs[best], target[rows])
out = {"rows": rows, "adapt": {"chosen_lambda": grid[best], "srcc_cv": scores[best], "mape": mape, "within10": within,
                               "raw_srcc_on_samples": srcc(proxy[rows], target[rows])}}

# The device's own linear fit on its 20 rows, 5-fold CV.
oof = np.zeros(n)
for fold in folds:
    tr = [rows[i] for i in range(n) if i not in fold]
    beta = np.linalg.lstsq(X[tr], target[tr], rcond=None)[0]
    oof[fold] = X[[rows[i] for i in fold]] @ beta
fm, fw = errors(oof, target[rows])
out["fit"] = {"srcc_cv": srcc(oof, target[rows]), "mape": fm, "within10": fw}
json.dump(out, open(OUT, "w"), indent=1)
print(json.dumps(out))
