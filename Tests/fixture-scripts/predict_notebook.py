"""Independent numpy/scipy reproduction of the AdaProxy notebook numbers (METHOD.md section 4).

Writes Tests/OneProxyKitTests/Fixtures/predict/notebook.json. The method implemented here is the
one OneProxyKit documents, written independently with numpy's lstsq/pinv/solve and scipy's brentq:
  - proxy weights w: numpy.linalg.lstsq (minimum norm) on the rows the proxy measured;
  - normalisation: y~ = y / std(y_fit), w~ = w / std(X_fit w)  (population std over the fit rows);
  - objective: (1/n) ||X (w~ o (a + b)) + c - y~||^2 + lam ||b||_2 ;
  - l2 solved by the ridge path b(mu) = argmin (1/n)||Ab - r||^2 + mu||b||^2 (via numpy's SVD of A),
    lam = 2 mu ||b(mu)||, mu found by brentq;
  - grid: 0 plus lam_max * 10^linspace(-4, 0, 25), lam_max = (2/n)||A'r||_2 (b = 0 from there on);
  - validation selection: fit on train, max SRCC on val, ties -> larger lam;
  - CV selection: contiguous folds of the sample order (train then val), pooled out-of-fold SRCC,
    ties -> larger lam, refit on train+val.
Run: python3 Tests/fixture-scripts/predict_notebook.py   (--no-write: compute and print only)
"""
import csv, json, os, sys
import numpy as np
from scipy.stats import spearmanr
from scipy.optimize import brentq

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CSV = os.path.join(ROOT, "Sources/OneProxyKit/Resources/data/nb201_oneproxy_latency.csv")
OUT = os.path.join(ROOT, "Tests/OneProxyKitTests/Fixtures/predict/notebook.json")
OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
ROWS = [275, 1165, 1735, 1643, 1564, 129, 522, 241, 1014, 1558, 920, 967, 1334, 777, 1615, 429, 192,
        999, 58, 1829, 1711, 798, 886, 1244, 1561, 1571, 4, 1425, 912, 545, 1477, 1642, 468, 1210,
        1935, 209, 1846, 650, 62, 45, 52, 1330, 1108, 18, 1923, 1804, 780, 1405, 443, 1984, 864, 1486,
        59, 1080, 454, 896, 1015, 1132, 477, 707, 472, 1386, 448, 941, 1950, 593, 1897, 44, 852, 1715]
TRAIN, VAL = ROWS[:60], ROWS[60:]


def num(s):
    try:
        v = float(s)
    except ValueError:
        return np.nan
    return v if v > 0 else np.nan


def encode(arch):
    ops = [tok.split("~")[0] for tok in arch.replace("+", "").split("|") if tok]
    assert len(ops) == 6
    x = np.zeros(31)
    for e, o in enumerate(ops):
        x[e * 5 + OPS.index(o)] = 1
    x[30] = 1
    return x


with open(CSV) as f:
    rd = list(csv.DictReader(f))
X = np.array([encode(r["arch_str"]) for r in rd])
proxy = np.array([num(r["true_vpu_ms"]) for r in rd])
target = np.array([num(r["eagle_gtx_ms"]) for r in rd])


def srcc(a, b):
    m = ~np.isnan(a) & ~np.isnan(b)
    return float(spearmanr(a[m], b[m]).statistic)


pm = ~np.isnan(proxy)
w = np.linalg.lstsq(X[pm], proxy[pm], rcond=None)[0]
rank = int(np.linalg.matrix_rank(X[pm]))


def reduced(rows, wt, yt):
    Z = X[rows] * wt
    t = Z.sum(1)
    Zc = Z - Z.mean(0)
    tc = t - t.mean()
    yc = yt[rows] - yt[rows].mean()
    P = np.eye(len(rows)) - np.outer(tc, tc) / (tc @ tc)
    return Z, t, Zc, tc, yc, P @ Zc, P @ yc


def solve_l2(rows, wt, yt, lam):
    Z, t, Zc, tc, yc, A, r = reduced(rows, wt, yt)
    n = len(rows)
    lam_max = 2.0 / n * np.linalg.norm(A.T @ r)
    # Work in A's SVD, dropping singular values <= max(m, n) * eps * s_max: solving the normal
    # equations (A'A + n mu I) b = A'r directly is unsafe when a fold loses a rank (A'A then has
    # rounding-level negative eigenvalues and brentq can find a spurious root with |b| ~ 1e22).
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    k = int((s > s[0] * max(A.shape) * np.finfo(float).eps).sum())
    s, g = s[:k], (U.T @ r)[:k]
    if lam == 0:
        b = Vt[:k].T @ (g / s)
    elif lam >= lam_max:
        b = np.zeros(31)
    else:
        # lam(nu) = (2/n) || nu s g / (s^2 + nu) ||, increasing in nu = n mu
        f = lambda t: 2.0 / n * np.linalg.norm(np.exp(t) * s * g / (s * s + np.exp(t))) - lam
        t = brentq(f, -700.0, 700.0, xtol=1e-15, rtol=1e-15, maxiter=1000)
        b = Vt[:k].T @ (s * g / (s * s + np.exp(t)))
    a = tc @ (yc - Zc @ b) / (tc @ tc)
    coef = wt * (a + b)
    c = yt[rows].mean() - Z.mean(0) @ (a + b)
    return coef, c, a, b, lam_max


def predict(coef, c, rows=None):
    Xr = X if rows is None else X[rows]
    return Xr @ coef + c


def run(fit_rows):
    s_y = np.std(target[fit_rows])
    s_p = np.std(X[fit_rows] @ w)
    return w / s_p, target / s_y


def cv(k):
    rows = ROWS
    n = len(rows)
    wt, yt = run(rows)
    _, _, _, _, lam_max = solve_l2(rows, wt, yt, 1.0)
    grid = [0.0] + list(lam_max * 10 ** np.linspace(-4, 0, 25))
    folds = [list(range(f * n // k, (f + 1) * n // k)) for f in range(k)]
    scores, alls = [], []
    for lam in grid:
        oof = np.zeros(n)
        for fold in folds:
            tr = [rows[i] for i in range(n) if i not in fold]
            coef, c, *_ = solve_l2(tr, wt, yt, lam)
            oof[fold] = predict(coef, c, [rows[i] for i in fold])
        scores.append(srcc(oof, target[rows]))
        coef, c, *_ = solve_l2(rows, wt, yt, lam)
        alls.append(srcc(predict(coef, c), target))
    best = max(range(len(grid)), key=lambda i: (round(scores[i], 12), grid[i]))
    return {"k": k, "grid": grid, "cv_srcc": scores, "all_srcc": alls, "chosen_lambda": grid[best],
            "srcc_all": alls[best]}


def ridge_fit(rows, alpha):
    Xr = X[rows]
    xm = Xr.mean(0)
    ym = target[rows].mean()
    Xc = Xr - xm
    n = len(rows)
    beta = np.linalg.lstsq(Xc.T @ Xc + n * alpha * np.eye(31), Xc.T @ (target[rows] - ym), rcond=None)[0]
    return beta, ym - xm @ beta


def target_only(fit_rows, k):
    """Ridge (1/n)||X beta + c - y||^2 + alpha ||beta||^2 on the samples, alpha chosen by the same rule."""
    Xc = X[fit_rows] - X[fit_rows].mean(0)
    mean_eig = np.sum(np.linalg.svd(Xc, compute_uv=False) ** 2) / (len(fit_rows) * 31)
    alphas = mean_eig * 10 ** np.linspace(-4, 2, 25)
    scores = []
    for al in alphas:
        if k is None:
            beta, c = ridge_fit(fit_rows, al)
            scores.append(srcc(X[VAL] @ beta + c, target[VAL]))
        else:
            n = len(fit_rows)
            oof = np.zeros(n)
            for f in range(k):
                fold = list(range(f * n // k, (f + 1) * n // k))
                tr = [fit_rows[i] for i in range(n) if i not in fold]
                beta, c = ridge_fit(tr, al)
                oof[fold] = X[[fit_rows[i] for i in fold]] @ beta + c
            scores.append(srcc(oof, target[fit_rows]))
    best = max(range(25), key=lambda i: (round(scores[i], 12), alphas[i]))
    beta, c = ridge_fit(fit_rows, alphas[best])
    return {"alpha": float(alphas[best]), "srcc_all": srcc(X @ beta + c, target)}



def main():
    """The notebook's numbers, written to the fixture (printed only with --no-write)."""
    tm = ~np.isnan(target)
    out = {"raw_srcc": srcc(proxy, target), "proxy_fit_srcc": srcc(X @ w, target),
           "proxy_fit_self_srcc": srcc(X @ w, proxy), "proxy_rank": rank,
           "proxy_max_abs_weight": float(np.abs(w).max()), "proxy_weights": w.tolist(),
           "target_rows": int(tm.sum())}

    # lambda = 0 on the 60 training rows
    wt, yt = run(TRAIN)
    coef, c, a, b, lam_max_train = solve_l2(TRAIN, wt, yt, 0.0)
    out["lambda0_srcc_all"] = srcc(predict(coef, c), target)
    out["lambda0_srcc_train"] = srcc(predict(coef, c, TRAIN), target[TRAIN])

    # validation selection
    grid = [0.0] + list(lam_max_train * 10 ** np.linspace(-4, 0, 25))
    path = []
    for lam in grid:
        coef, c, a, b, _ = solve_l2(TRAIN, wt, yt, lam)
        path.append({"lambda": lam, "train": srcc(predict(coef, c, TRAIN), target[TRAIN]),
                     "val": srcc(predict(coef, c, VAL), target[VAL]), "all": srcc(predict(coef, c), target),
                     "b_norm": float(np.linalg.norm(b))})
    best = max(range(len(grid)), key=lambda i: (round(path[i]["val"], 12), grid[i]))
    out["validation"] = {"grid": grid, "path": path, "chosen_lambda": grid[best],
                         "srcc_all": path[best]["all"], "val_srcc": path[best]["val"]}

    out["target_only_validation"] = target_only(TRAIN, None)
    out["target_only_cv5"] = target_only(ROWS, 5)
    out["cv5"] = cv(5)
    out["loo"] = cv(70)
    if "--no-write" not in sys.argv:  # bench/colab.py times this work without rewriting the fixture
        with open(OUT, "w") as f:
            json.dump(out, f, indent=1)
    print(json.dumps({k: v for k, v in out.items() if k not in ("proxy_weights",)}, default=str)[:3000])
    print("target only", out["target_only_validation"], out["target_only_cv5"])
    for name in ("validation", "cv5", "loo"):
        print(name, out[name]["chosen_lambda"], out[name]["srcc_all"])


if __name__ == "__main__":
    main()
