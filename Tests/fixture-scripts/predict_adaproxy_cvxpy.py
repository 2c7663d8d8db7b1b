"""cvxpy references for OneProxyKit's exact AdaProxy solvers (METHOD.md section 4).

For random problems (one-hot groups plus a constant column, so rank deficient like NB201), solves
    min_{a,b,c} (1/n) || X (w o (a + b)) + c - y ||^2 + lam ||b||_p ,  p in {1, 2, inf}
with cvxpy/CLARABEL at tight tolerances, in the data's own units (AdaProxyScale.identity in Swift).
Writes Tests/OneProxyKitTests/Fixtures/predict/adaproxy_cvxpy.json.
Run: pip install cvxpy; python3 Tests/fixture-scripts/predict_adaproxy_cvxpy.py
"""
import json, os
import numpy as np
import cvxpy as cp

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests/OneProxyKitTests/Fixtures/predict/adaproxy_cvxpy.json")
rng = np.random.default_rng(7)
cases = []
for pid in range(3):
    n, groups, k = [30, 20, 45][pid], 3, 4
    d = groups * k + 1
    codes = rng.integers(0, k, size=(n, groups))
    X = np.zeros((n, d))
    for i in range(n):
        for g in range(groups):
            X[i, g * k + codes[i, g]] = 1
    X[:, -1] = 1
    w = rng.uniform(0.2, 2.0, size=d)
    y = X @ (w * rng.uniform(0.5, 1.5, size=d)) + 0.05 * rng.normal(size=n)
    for p, pname in [(1, "l1"), (2, "l2"), ("inf", "linf")]:
        for lam in [0.0005, 0.005, 0.05, 0.5]:
            a, b, c = cp.Variable(), cp.Variable(d), cp.Variable()
            pred = X @ cp.multiply(w, a + b) + c
            obj = cp.sum_squares(pred - y) / n + lam * cp.norm(b, p)
            prob = cp.Problem(cp.Minimize(obj))
            prob.solve(solver="CLARABEL", tol_gap_abs=1e-12, tol_gap_rel=1e-12, tol_feas=1e-12)
            bv = b.value
            val = float(np.sum((X @ (w * (a.value + bv)) + c.value - y) ** 2) / n
                        + lam * np.linalg.norm(bv, {1: 1, 2: 2, "inf": np.inf}[p]))
            cases.append({"problem": pid, "norm": pname, "lambda": lam, "rows": n, "cols": d,
                          "x": X.ravel().tolist(), "w": w.tolist(), "y": y.tolist(),
                          "objective": val, "a": float(a.value), "b": bv.tolist(), "c": float(c.value),
                          "fitted": (X @ (w * (a.value + bv)) + c.value).tolist()})
with open(OUT, "w") as f:
    json.dump(cases, f)
print(len(cases), "cases")
