"""Python reference timings for `oneproxy-bench adapt` (writes bench/results/adapt.json, seconds).

The reference's approach: cvxpy solves each λ of AdaProxy (METHOD.md section 4). Here the same work
as the Swift "solve" timing: the problem in OneProxyKit's scaled units (y / std(y), w / std(Xw) over
the 70 samples), 0 + 25 λ candidates up to λ_max, solved on 5 contiguous folds and on all 70
samples, pooled out-of-fold SRCC, the chosen λ refitted. cvxpy gets a compiled problem with λ as a
Parameter per fold (kinder to cvxpy than rebuilding every solve). Also numpy's lstsq proxy fit.
Run from the repository root, one BLAS thread (the machine is shared):
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 python3 bench/adapt.py
"""
import csv, json, os, time
import numpy as np
import cvxpy as cp
from scipy.stats import spearmanr

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
ROWS = [275, 1165, 1735, 1643, 1564, 129, 522, 241, 1014, 1558, 920, 967, 1334, 777, 1615, 429, 192,
        999, 58, 1829, 1711, 798, 886, 1244, 1561, 1571, 4, 1425, 912, 545, 1477, 1642, 468, 1210,
        1935, 209, 1846, 650, 62, 45, 52, 1330, 1108, 18, 1923, 1804, 780, 1405, 443, 1984, 864, 1486,
        59, 1080, 454, 896, 1015, 1132, 477, 707, 472, 1386, 448, 941, 1950, 593, 1897, 44, 852, 1715]


def num(s):
    try:
        v = float(s)
    except ValueError:
        return np.nan
    return v if v > 0 else np.nan


with open(os.path.join(ROOT, "Sources/OneProxyKit/Resources/data/nb201_oneproxy_latency.csv")) as f:
    rd = list(csv.DictReader(f))
X = np.zeros((len(rd), 31))
for i, r in enumerate(rd):
    ops = [t.split("~")[0] for t in r["arch_str"].replace("+", "").split("|") if t]
    for e, o in enumerate(ops):
        X[i, e * 5 + OPS.index(o)] = 1
    X[i, 30] = 1
proxy = np.array([num(r["true_vpu_ms"]) for r in rd])
target = np.array([num(r["eagle_gtx_ms"]) for r in rd])


def median_time(fn, repeats):
    fn()
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return float(np.median(ts))


out = {}
pm = ~np.isnan(proxy)
out["proxy_fit"] = median_time(lambda: np.linalg.lstsq(X[pm], proxy[pm], rcond=None), 15)
w = np.linalg.lstsq(X[pm], proxy[pm], rcond=None)[0]
wt = w / np.std(X[ROWS] @ w)
yt = target / np.std(target[ROWS])


def make(rows, p):
    a, b, c, lam = cp.Variable(), cp.Variable(31), cp.Variable(), cp.Parameter(nonneg=True)
    obj = cp.sum_squares(X[rows] @ cp.multiply(wt, a + b) + c - yt[rows]) / len(rows) + lam * cp.norm(b, p)
    return cp.Problem(cp.Minimize(obj)), a, b, c, lam


def lam_max(rows, p):
    Z = X[rows] * wt
    t = Z.sum(1) - Z.sum(1).mean()
    Zc = Z - Z.mean(0)
    yc = yt[rows] - yt[rows].mean()
    P = np.eye(len(rows)) - np.outer(t, t) / (t @ t)
    q = (P @ Zc).T @ (P @ yc)
    return 2 / len(rows) * np.linalg.norm(q, {1: np.inf, 2: 2, "inf": 1}[p])


def adapt_cv5(p):
    grid = [0.0] + list(lam_max(ROWS, p) * 10 ** np.linspace(-4, 0, 25))
    n = len(ROWS)
    oof = np.zeros((len(grid), n))
    for f in range(5):
        fold = list(range(f * n // 5, (f + 1) * n // 5))
        tr = [ROWS[i] for i in range(n) if i not in fold]
        prob, a, b, c, lam = make(tr, p)
        for gi, lv in enumerate(grid):
            lam.value = lv
            prob.solve(solver="CLARABEL")
            oof[gi, fold] = X[[ROWS[i] for i in fold]] @ (wt * (a.value + b.value)) + c.value
    scores = [spearmanr(o, target[ROWS]).statistic for o in oof]
    best = max(range(len(grid)), key=lambda i: (round(scores[i], 12), grid[i]))
    prob, a, b, c, lam = make(ROWS, p)
    lam.value = grid[best]
    prob.solve(solver="CLARABEL")
    return grid[best]


for p, name in [(2, "l2"), (1, "l1"), ("inf", "linf")]:
    out["adapt_cv5_" + name] = median_time(lambda: adapt_cv5(p), 2)
    print(name, out["adapt_cv5_" + name], "chosen", adapt_cv5(p))
# one cvxpy solve, for scale (METHOD.md quotes about 17 ms)
prob, a, b, c, lam = make(ROWS[:60], 2)
lam.value = 0.01
out["one_solve_l2"] = median_time(lambda: prob.solve(solver="CLARABEL"), 15)
os.makedirs(os.path.join(ROOT, "bench/results"), exist_ok=True)
with open(os.path.join(ROOT, "bench/results/adapt.json"), "w") as f:
    json.dump(out, f, indent=1)
print(json.dumps(out, indent=1))
