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
import csv, json, os, sys
import numpy as np
from scipy.stats import spearmanr

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(ROOT, "Sources/OneProxyKit/Resources/data/nb201_oneproxy_latency.csv")
NEW = os.path.join(ROOT, "examples/new-device-samsung_a50.csv")
OUT = os.path.join(ROOT, "Tests/OneProxyKitTests/Fixtures/predict/new_device.json")
# The encoding, number reading and exact l2 solver are the notebook reference's own (one copy).
sys.path.insert(0, HERE)
from predict_notebook import encode, num, solve_l2  # noqa: E402


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



rows = ROWS
n = len(rows)
s_y, s_p = np.std(target[rows]), np.std(X[rows] @ w)
wt, yt = w / s_p, target / s_y
_, _, _, _, lam_max = solve_l2(rows, wt, yt, 1.0)
grid = [0.0] + list(lam_max * 10 ** np.linspace(-4, 0, 25))
k = 5
folds = [list(range(f * n // k, (f + 1) * n // k)) for f in range(k)]
scores, oofs = [], []
for lam in grid:
    oof = np.zeros(n)
    for fold in folds:
        tr = [rows[i] for i in range(n) if i not in fold]
        coef, c, *_ = solve_l2(tr, wt, yt, lam)
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
