"""Independent numpy/scipy references for the rich-basis latency models (METHOD.md section 9).

Writes Tests/OneProxyKitTests/Fixtures/predict/models.json:
  - ridge: ridge with an unpenalised intercept on NB201's `all` family (one-hot 30, live one-hot 30,
    pairs of live ops 240, live op counts 4, constant 1) for 20 samples of pixel2, raspi4 and eyeriss of help-nb201,
    solved in the PRIMAL ((Fc'Fc + lam I) beta = Fc'yc, with numpy.linalg.solve), with the
    leave-one-out error of every lam on the grid by brute force (n refits on n-1 rows each,
    centring recomputed), lam chosen by the smallest mean squared LOO error (ties -> larger lam).
    The Swift code solves the same problem in the dual with the closed-form LOO: a different route.
  - stack_residual: HELP's 9 pool devices' one-hot least-squares fits (numpy lstsq, minimum norm),
    their non-negative stack on the samples (scipy.optimize.nnls on centred columns), then the
    ridge above on what the stack leaves; predictions on the first 50 rows.
  - stack_residual_opcosts: the same with the pool's op costs beside the `all` columns (per pool
    device and op, the part of its fit due to that op, divided by its population sd over all rows).
Live edges come from enumerating the 4 paths of the cell (0->3, 0->1->3, 0->2->3, 0->1->2->3).
Run: python3 Tests/fixture-scripts/predict_models.py
"""
import csv, json, os
import numpy as np
from scipy.optimize import nnls

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CSV = os.path.join(ROOT, "Sources/OneProxyKit/Resources/data/nb201_help_latency.csv")
OUT = os.path.join(ROOT, "Tests/OneProxyKitTests/Fixtures/predict/models.json")
OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
EDGES = [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]
PATHS = [[(0, 3)], [(0, 1), (1, 3)], [(0, 2), (2, 3)], [(0, 1), (1, 2), (2, 3)]]
POOL = ["1080ti_1", "1080ti_32", "1080ti_256", "silver_4114", "silver_4210r", "samsung_a50", "pixel3", "essential_ph_1", "samsung_s7"]
# 20 sample rows: HELP's 10 reference architectures' rows and 10 more spread over 0..899.
SAMPLES = [11982, 431, 55, 9, 14451, 8636, 9881, 13479, 6196, 1462, 17, 101, 230, 333, 420, 512, 640, 707, 815, 899]


def codes(arch):
    return [OPS.index(t.split("~")[0]) for part in arch.split("+") for t in part.strip("|").split("|")]


def live(c):
    on = {e: c[k] != 0 for k, e in enumerate(EDGES)}
    out = [False] * 6
    for p in PATHS:
        if all(on[e] for e in p):
            for e in p:
                out[EDGES.index(e)] = True
    return out


def all_family(c):
    oh = np.zeros(30); lv = np.zeros(30); pr = np.zeros(240); ct = np.zeros(4)
    L = live(c)
    lc = [c[k] if L[k] else 0 for k in range(6)]
    for k in range(6):
        oh[5 * k + c[k]] = 1
        lv[5 * k + lc[k]] = 1
        if lc[k]:
            ct[lc[k] - 1] += 1
    q = 0
    for i in range(6):
        for j in range(i + 1, 6):
            if lc[i] and lc[j]:
                pr[16 * q + 4 * (lc[i] - 1) + lc[j] - 1] = 1
            q += 1
    return np.concatenate([oh, lv, pr, ct, [1.0]])


def ridge_primal(F, y, lam):
    m = F.mean(0); Fc = F - m; ym = y.mean()
    beta = np.linalg.solve(Fc.T @ Fc + lam * np.eye(F.shape[1]), Fc.T @ (y - ym))
    return beta, ym - m @ beta


def ridge_loo(F, y):
    n = len(y)
    Fc = F - F.mean(0)
    me = (Fc * Fc).sum() / n  # trace(Fc Fc') / n: the mean eigenvalue of the Gram matrix
    grid = [me * 10 ** (-3 + 6 * k / 24) for k in range(25)] + [me * 1e12]
    path = []
    for lam in grid:
        err = []
        for i in range(n):
            keep = [j for j in range(n) if j != i]
            b, c = ridge_primal(F[keep], y[keep], lam)
            err.append(y[i] - (F[i] @ b + c))
        path.append(float(np.mean(np.square(err))))
    best = 0
    for k in range(len(grid)):
        if path[k] <= path[best] * (1 + 1e-12):
            best = k
    beta, c = ridge_primal(F, y, grid[best])
    return grid, path, best, beta, c


def main():
    rows = list(csv.reader(open(CSV)))
    head, body = rows[0], rows[1:]
    index = [int(r[0]) for r in body]
    row_of = {i: r for r, i in enumerate(index)}
    lat = {h[:-3]: np.array([float(r[k]) for r in body]) for k, h in enumerate(head) if h.endswith("_ms")}
    X = np.array([[1.0 if codes(r[1])[k] == o else 0.0 for k in range(6) for o in range(5)] + [1.0] for r in body])
    A = np.array([all_family(codes(r[1])) for r in body])
    smp = [row_of[i] for i in SAMPLES]
    fits = np.array([np.linalg.lstsq(X, lat[p], rcond=None)[0] for p in POOL])
    V = X @ fits.T  # rows x 9
    # The pool's op costs: per device k and op v, the part of k's fit due to op v on each row
    # (sum over edges of w_k[edge, v] where the edge has op v), divided by its population sd.
    G = np.stack([sum(X[:, 5 * e + v] * fits[k, 5 * e + v] for e in range(6)) for k in range(len(POOL)) for v in range(5)], 1)
    sd = G.std(0)
    G = G / np.where(sd > 1e-12, sd, 1)
    out = {}
    for target in ["pixel2", "raspi4", "eyeriss"]:
        out[target] = case(A, V, lat[target], smp)
        res = case(np.hstack([A, G]), V, lat[target], smp)["stack_residual"]
        out[target]["stack_residual_opcosts"] = {"lambda": res["lambda"], "predictions_first50": res["predictions_first50"]}
        print(target, "ridge lam index", out[target]["ridge"]["chosen"], "stack lam index", out[target]["stack_residual"]["chosen"])
    # More samples than features (live op counts, 5 columns, 60 rows): the primal route in Swift.
    many = [row_of[i] for i in range(0, 1800, 30)]
    C = A[:, 300:]
    grid, path, best, beta, c = ridge_loo(C[many], lat["raspi4"][many])
    out["counts_primal"] = {"rows": many, "y": lat["raspi4"][many].tolist(), "grid": grid, "loo_mse": path, "chosen": best,
                            "weights": beta.tolist(), "intercept": float(c), "predictions_first50": (C[:50] @ beta + c).tolist()}
    print("counts primal lam index", best)
    json.dump(out, open(OUT, "w"), indent=1)
    print("wrote", OUT)


def case(A, V, t, smp):
    y = t[smp]
    grid, path, best, beta, c = ridge_loo(A[smp], y)
    ridge = {"rows": smp, "y": y.tolist(), "grid": grid, "loo_mse": path, "chosen": best,
             "weights": beta.tolist(), "intercept": float(c), "predictions_first50": (A[:50] @ beta + c).tolist()}

    Vs = V[smp]; vm = Vs.mean(0); ym = y.mean()
    b, _ = nnls(Vs - vm, y - ym)
    c0 = ym - vm @ b
    base = V @ b + c0
    g2, p2, best2, beta2, c2 = ridge_loo(A[smp], y - base[smp])
    pred = base + A @ beta2 + c2
    stack = {"rows": smp, "beta": b.tolist(), "stack_intercept": float(c0), "chosen": best2, "lambda": g2[best2],
             "loo_mse": p2, "predictions_first50": pred[:50].tolist()}
    return {"ridge": ridge, "stack_residual": stack}


if __name__ == "__main__":
    main()
