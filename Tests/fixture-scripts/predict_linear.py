"""numpy references for OneProxyKit's rank-aware least squares and pseudo-inverse.

Writes Tests/OneProxyKitTests/Fixtures/predict/linear.json: for a few matrices (tall full rank,
tall rank-deficient, wide, with a tiny singular value) numpy.linalg.lstsq (rcond=None, i.e.
max(m,n)*eps), matrix_rank, svd and pinv. Run: python3 Tests/fixture-scripts/predict_linear.py
"""
import json, os
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests/OneProxyKitTests/Fixtures/predict/linear.json")
rng = np.random.default_rng(20220601)
cases = []


def add(name, A, b):
    x, _, rank, sv = np.linalg.lstsq(A, b, rcond=None)
    cases.append({"name": name, "rows": A.shape[0], "cols": A.shape[1], "a": A.ravel().tolist(),
                  "b": b.tolist(), "x": x.tolist(), "rank": int(rank), "singular_values": sv.tolist(),
                  "pinv": np.linalg.pinv(A).ravel().tolist()})


add("tall_full_rank", rng.normal(size=(9, 4)), rng.normal(size=9))
B = rng.normal(size=(10, 3)) @ rng.normal(size=(3, 6))
add("tall_rank3", B, rng.normal(size=10))
add("wide", rng.normal(size=(4, 7)), rng.normal(size=4))
U, _, Vt = np.linalg.svd(rng.normal(size=(8, 5)), full_matrices=False)
add("graded", U @ np.diag([1e3, 1, 1e-3, 1e-8, 1e-20]) @ Vt, rng.normal(size=8))
# one-hot groups plus a constant column: rank deficient like NB201 (3 groups of 4 + 1 -> rank 10)
codes = rng.integers(0, 4, size=(40, 3))
X = np.zeros((40, 13))
for i in range(40):
    for g in range(3):
        X[i, g * 4 + codes[i, g]] = 1
X[:, 12] = 1
add("onehot_groups", X, X @ rng.normal(size=13) + 0.1 * rng.normal(size=40))
with open(OUT, "w") as f:
    json.dump(cases, f, indent=1)
print({c["name"]: c["rank"] for c in cases})
