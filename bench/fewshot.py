#!/usr/bin/env python3
"""Python reference timings for `oneproxy-bench fewshot` (run from the package root).

The same work as the Swift benchmark, in numpy/scipy:
- help_pool: HELP's 9 pool devices' linear predictors on help-nb201 (numpy lstsq, 15625 x 31);
- helpbench_draws10: HELP's protocol (METHOD.md section 6; 6 targets, samples from NB201 0..899 and
  query 900..1899, both the middle 80% by the target's latency, 10 random samples and the 10
  references + the same 10 at n=20, draws 0..9 with numpy's default_rng(k)) for the 5 methods of
  `helpbench`: AdaProxy from pixel3, best proxy + AdaProxy, the NNLS stack (scipy.optimize.nnls,
  intercept by centring), the stack + AdaProxy, a target-only ridge; AdaProxy l2 as its ridge path
  (26 strengths, 0 and 25 log-spaced) chosen by leave-one-out pooled SRCC; SRCC by
  scipy.stats.spearmanr;
- curve_10: the curve command's 7 methods on oneproxy-nb201 (true_vpu -> eagle_gtx, every other
  device in the pool), n = 5, 10, 20, 40, 70, 10 repeats.
Timing only: the random draws are numpy's, not the Swift generator's, and the l2 path is
parameterised by the ridge strength rather than by λ, so the SRCCs printed agree with the Swift
ones only statistically. Writes bench/results/fewshot.json (seconds). One BLAS thread:
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 python3 bench/fewshot.py
"""
import csv, json, os, time
import numpy as np
from scipy.optimize import nnls
from scipy.stats import spearmanr, rankdata

DATA = os.path.join("Sources", "OneProxyKit", "Resources", "data")
OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
TARGETS = ["titan_rtx_256", "gold_6226", "pixel2", "raspi4", "eyeriss", "fpga"]
POOL = ["1080ti_1", "1080ti_32", "1080ti_256", "silver_4114", "silver_4210r", "samsung_a50", "pixel3",
        "essential_ph_1", "samsung_s7"]
REFS = [11982, 431, 55, 9, 14451, 8636, 9881, 13479, 6196, 1462]


def load(name):
    with open(os.path.join(DATA, name)) as f:
        rd = list(csv.DictReader(f))
    X = np.zeros((len(rd), 31))
    for i, r in enumerate(rd):
        ops = [t.split("~")[0] for t in r["arch_str"].replace("+", "").split("|") if t]
        for e, o in enumerate(ops):
            X[i, e * 5 + OPS.index(o)] = 1
        X[i, 30] = 1
    cols = {}
    for k in rd[0]:
        if k.endswith("_ms"):
            v = np.array([float(r[k]) if r[k] not in ("", "nan") else np.nan for r in rd])
            v[~(v > 0)] = np.nan
            cols[k[:-3]] = v
    return X, cols


def fit(X, y):
    m = ~np.isnan(y)
    return np.linalg.lstsq(X[m], y[m], rcond=None)[0]


def srcc(a, b):
    return spearmanr(a, b).correlation


def loo_choose(preds_fn, n, y, grid):
    oof = np.zeros((len(grid), n))
    for i in range(n):
        keep = np.arange(n) != i
        oof[:, i] = preds_fn(keep, i)
    scores = [srcc(o, y) if np.std(o) > 0 else -np.inf for o in oof]
    best = max(range(len(grid)), key=lambda g: (np.nan_to_num(scores[g], nan=-np.inf), grid[g]))
    return best


def ada_solutions(Xs, w, y, mus):
    """AdaProxy l2 (ridge form) on samples: returns predict(xrows, mu) for each mu via closed form."""
    Z = Xs * w
    zm, ym = Z.mean(0), y.mean()
    Zc, yc = Z - zm, y - ym
    t = Zc.sum(1)
    tt = t @ t
    A = Zc - np.outer(t / tt, Zc.T @ t) if tt > 0 else Zc
    r = yc - t * (t @ yc) / tt if tt > 0 else yc
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    g = U.T @ r
    n = len(y)
    coefs = []
    for mu in mus:
        b = Vt.T @ (s * g / (s * s + n * mu + 1e-300))
        a = ((t @ yc) - (Zc @ b) @ t) / tt if tt > 0 else 0.0
        c = ym - a * t.mean() - zm @ b
        coefs.append((w * (a + b), c))
    return coefs


def adaproxy(X, w, rows, y):
    Xs = X[rows]
    scale = np.std(Xs @ w) or 1.0
    ws = w / scale
    lmax = np.max(np.abs(Xs * ws)) ** 2 + 1.0
    mus = [0.0] + list(lmax * 10.0 ** np.linspace(-6, 2, 25))
    n = len(rows)

    def oof(keep, i):
        return [Xs[i] @ cw + c for cw, c in ada_solutions(Xs[keep], ws, y[keep], mus)]
    best = loo_choose(oof, n, y, mus)
    cw, c = ada_solutions(Xs, ws, y, [mus[best]])[0]
    return lambda Xq: Xq @ cw + c


def ridge(X, rows, y):
    Xs = X[rows]
    xm, ym = Xs.mean(0), y.mean()
    U, s, Vt = np.linalg.svd(Xs - xm, full_matrices=False)
    n = len(rows)
    me = (s @ s) / (n * len(s))
    alphas = me * 10.0 ** np.linspace(-4, 2, 25)

    def coef(Xtr, ytr, alpha):
        m, yy = Xtr.mean(0), ytr.mean()
        U, s, Vt = np.linalg.svd(Xtr - m, full_matrices=False)
        beta = Vt.T @ (s * (U.T @ (ytr - yy)) / (s * s + len(ytr) * alpha))
        return beta, yy - m @ beta

    def oof(keep, i):
        return [Xs[i] @ b + c for b, c in (coef(Xs[keep], y[keep], a) for a in alphas)]
    best = loo_choose(oof, n, y, alphas)
    b, c = coef(Xs, y, alphas[best])
    return lambda Xq: Xq @ b + c


def stack(F, W, rows, y):
    A = F[rows] - F[rows].mean(0)
    beta, _ = nnls(A, y - y.mean())
    return beta, y.mean() - F[rows].mean(0) @ beta, W.T @ beta


def middle80(rows, lat):
    rows = [r for r in rows if not np.isnan(lat[r])]
    rows.sort(key=lambda r: (lat[r], r))
    cut = len(rows) // 10
    return sorted(rows[cut:len(rows) - cut])


def methods(X, F, W, names, target, rows):
    y = target[rows]
    out = {}
    if "pixel3" in names:
        out["pixel3 + AdaProxy"] = adaproxy(X, W[names.index("pixel3")], rows, y)
    k = max(range(len(names)), key=lambda j: srcc(F[rows, j], y))
    out["best proxy + AdaProxy"] = adaproxy(X, W[k], rows, y)
    beta, c, ws = stack(F, W, rows, y)
    out["stack (NNLS)"] = lambda Xq: Xq @ ws + c
    out["stack + AdaProxy"] = adaproxy(X, ws, rows, y)
    out["target-only ridge"] = ridge(X, rows, y)
    return out


def helpbench(X, cols, W, F, draws):
    res = {}
    for tname in TARGETS:
        lat = cols[tname]
        cand = [r for r in middle80(list(range(900)), lat) if r not in REFS]
        query = middle80(list(range(900, 1900)), lat)
        for k in range(draws):
            rnd = list(np.random.default_rng(k).choice(cand, 10, replace=False))
            for size, rows in ((10, rnd), (20, REFS + rnd)):
                for m, f in methods(X, F, W, POOL, lat, rows).items():
                    res.setdefault((m, size), []).append(srcc(f(X[query]), lat[query]))
    return res


def median_time(fn, repeats):
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t0)
    return sorted(ts)[len(ts) // 2]


out = {}
X, cols = load("nb201_help_latency.csv")
box = {}
out["help_pool"] = median_time(lambda: box.update(W=np.array([fit(X, cols[p]) for p in POOL])), 3)
W = box["W"]
F = X @ W.T
res = {}
out["helpbench_draws10"] = median_time(lambda: res.update(helpbench(X, cols, W, F, 10)), 1)
for (m, size), v in sorted(res.items()):
    print(f"  {m:24s} n{size}: {np.mean(v):.4f}")

Xo, co = load("nb201_oneproxy_latency.csv")
tgt = co["eagle_gtx"]
others = [k for k in co if k != "eagle_gtx"]


def curve():
    Wo = np.array([fit(Xo, co[p]) for p in others])
    Fo = Xo @ Wo.T
    p = others.index("true_vpu")
    ev = np.where(~np.isnan(tgt))[0]
    cand = np.where(~np.isnan(tgt) & ~np.isnan(co["true_vpu"]))[0]
    vals = {}
    for r in range(10):
        draw = np.random.default_rng(1 + r).choice(cand, 70, replace=False)
        for n in (5, 10, 20, 40, 70):
            rows = list(draw[:n])
            y = tgt[rows]
            m = {"raw proxy": None, "proxy fit": lambda Xq: Xq @ Wo[p], "AdaProxy": adaproxy(Xo, Wo[p], rows, y),
                 "target-only ridge": ridge(Xo, rows, y)}
            k = max(range(len(others)), key=lambda j: srcc(Fo[rows, j], y))
            m["best proxy + AdaProxy"] = adaproxy(Xo, Wo[k], rows, y)
            beta, c, ws = stack(Fo, Wo, rows, y)
            m["stack (NNLS)"] = lambda Xq, ws=ws, c=c: Xq @ ws + c
            m["stack + AdaProxy"] = adaproxy(Xo, ws, rows, y)
            for name, f in m.items():
                pred = co["true_vpu"][ev] if f is None else f(Xo[ev])
                ok = ~np.isnan(pred)
                vals.setdefault((name, n), []).append(srcc(pred[ok], tgt[ev][ok]))
    return vals


cv = {}
out["curve_10"] = median_time(lambda: cv.update(curve()), 1)
for (m, n), v in sorted(cv.items()):
    if n in (10, 70):
        print(f"  curve {m:24s} n={n}: {np.mean(v):.4f}")
os.makedirs("bench/results", exist_ok=True)
with open("bench/results/fewshot.json", "w") as f:
    json.dump(out, f, indent=1)
print(json.dumps(out, indent=1))
