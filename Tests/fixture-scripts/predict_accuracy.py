"""Independent numpy/scipy reference for the accuracy predictor of `fitacc` (fitAccuracyModel).

Writes Tests/OneProxyKitTests/Fixtures/predict/accuracy.json. For two fixed row sets of NB201 (rows
are nb201_index, the order of Sources/OneProxyKit/Resources/data/nb201_accuracy.csv):
  - n60_cifar100: 60 rows, cifar100 (the pairs and all families have more columns than rows);
  - n400_imagenet16: 400 rows, imagenet16 (more rows than columns in every family);
and for each of NB201's families onehot, live, counts, pairs, all (columns as in predict_models.py:
one-hot 30, live one-hot 30, pairs of live ops 240, live op counts 4, then the constant 1):
ridge with an unpenalised intercept, ||Fc b - yc||^2 + lam ||b||^2 on the centred rows, for every
lam of the grid (25 values log-spaced over 1e-3..1e3 times trace(Fc Fc')/n, then 1e12 times it),
solved in the PRIMAL with numpy.linalg.solve. Each lam's leave-one-out residuals come from the
hat matrix H = J/n + Fc (Fc'Fc + lam I)^-1 Fc' as e_i = (y_i - yhat_i) / (1 - H_ii), formed
explicitly (the Swift code goes through an eigendecomposition instead); for n60 they are also
checked here against 60 brute-force refits. lam: the smallest mean squared LOO residual, ties (to
1e-12 relative) to the larger lam. Per family: lam, the LOO path, LOO RMSE, SRCC of the LOO
predictions with y (scipy.stats.spearmanr), intercept and predictions on rows 0..49. The family
kept with features=auto: the highest LOO SRCC, ties to the family listed first.
Run: python3 Tests/fixture-scripts/predict_accuracy.py
"""
import csv, json, os, sys
import numpy as np
from scipy.stats import spearmanr

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from predict_models import codes, all_family  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))
CSV = os.path.join(ROOT, "Sources/OneProxyKit/Resources/data/nb201_accuracy.csv")
OUT = os.path.join(ROOT, "Tests/OneProxyKitTests/Fixtures/predict/accuracy.json")
COLUMNS = {"cifar10": 2, "cifar100": 3, "imagenet16": 4}
CONST = [304]
FAMILIES = {  # NB201's order (NB201.Family.allCases)
    "onehot": list(range(0, 30)) + CONST,
    "live": list(range(30, 60)) + CONST,
    "counts": list(range(300, 304)) + CONST,
    "pairs": list(range(60, 300)) + CONST,
    "all": list(range(305)),
}


def primal(F, y, lam):
    m = F.mean(0); Fc = F - m; ym = y.mean()
    b = np.linalg.solve(Fc.T @ Fc + lam * np.eye(F.shape[1]), Fc.T @ (y - ym))
    return b, ym - m @ b


def loo_residuals(F, y, lam):
    n = len(y)
    Fc = F - F.mean(0)
    H = np.full((n, n), 1.0 / n) + Fc @ np.linalg.solve(Fc.T @ Fc + lam * np.eye(F.shape[1]), Fc.T)
    return (y - H @ y) / (1 - np.diag(H))


def family_fit(F, y, brute):
    n = len(y)
    Fc = F - F.mean(0)
    me = (Fc * Fc).sum() / n
    grid = [me * 10 ** (-3 + 6 * k / 24) for k in range(25)] + [me * 1e12]
    path = []
    for lam in grid:
        e = loo_residuals(F, y, lam)
        if brute and lam < me * 1e6:
            for i in range(n):
                keep = [j for j in range(n) if j != i]
                b, c = primal(F[keep], y[keep], lam)
                assert abs((y[i] - (F[i] @ b + c)) - e[i]) <= 1e-8 * max(1, abs(e[i])), (i, lam)
        path.append(float(np.mean(e * e)))
    best = 0
    for k in range(len(grid)):
        if path[k] <= path[best] * (1 + 1e-12):
            best = k
    lam = grid[best]
    e = loo_residuals(F, y, lam)
    b, c = primal(F, y, lam)
    return {"grid": grid, "loo_mse": path, "chosen": best, "lambda": lam, "loo_rmse": float(np.sqrt(path[best])),
            "loo_srcc": float(spearmanr(y - e, y)[0]), "intercept": float(c), "weights": b.tolist()}, b, c


def main():
    rows = list(csv.reader(open(CSV)))[1:]
    A = np.array([all_family(codes(r[1])) for r in rows])
    acc = {k: np.array([float(r[i]) for r in rows]) for k, i in COLUMNS.items()}
    rng = np.random.RandomState(20240519)
    cases = {"n60_cifar100": (60, "cifar100"), "n400_imagenet16": (400, "imagenet16")}
    out = {}
    for name, (n, column) in cases.items():
        smp = sorted(rng.choice(len(rows), n, replace=False).tolist())
        y = acc[column][smp]
        fams, chosen, best = {}, None, -np.inf
        for fam, cols in FAMILIES.items():
            F = A[:, cols]
            r, b, c = family_fit(F[smp], y, brute=(n <= 60))
            r["predictions_first50"] = (F[:50] @ b + c).tolist()
            fams[fam] = r
            if r["loo_srcc"] > best + 1e-12:
                chosen, best = fam, r["loo_srcc"]
            print(name, fam, "lam index", r["chosen"], "LOO RMSE %.3f SRCC %.4f" % (r["loo_rmse"], r["loo_srcc"]))
        out[name] = {"rows": smp, "accuracy": column, "y": y.tolist(), "families": fams, "auto": chosen}
        print(name, "auto ->", chosen)
    json.dump(out, open(OUT, "w"), indent=1)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
