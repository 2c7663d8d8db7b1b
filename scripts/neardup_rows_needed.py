"""How many rows the exact near-duplicate check must read on the large bench's 5,000 x 500 file.

The load's check (files of up to 16,384 rows) sets a device pair aside once the squared distance of
its rank vectors, summed over a prefix of the rows, proves its SRCC below 0.995. This script takes
the same devices as `oneproxy-bench large` and the `neardup-wide` kernel (ONEPROXY_NEARDUP_DATA=
correlated): row r's base is 1 + 20u, device d's value base x (1 + 0.01 d) + 10u', rounded to 1e-4,
with numpy's generator in place of the bench's (the same recipe, other draws). For a sample of the
124,750 pairs it finds the fewest rows, in file order and in the best order of a per-row heuristic,
after which the exact ranks' prefix distance exceeds the bound: no check that reads whole rows and
proves each pair below the threshold from its rows can read fewer. It prints the mean, the quartiles
and the pair-rows for all pairs, the floor of the check's cost.

    python3 scripts/neardup_rows_needed.py

Needs numpy and scipy. Seeded: the same numbers every run.
"""
import numpy as np
from scipy.stats import rankdata

R, K, T = 5000, 500, 0.995
rng = np.random.default_rng(3)
base = 1 + rng.random(R) * 20
x = np.round((base[:, None] * (1 + np.arange(K)[None, :] * 0.01) + 10 * rng.random((R, K))) * 1e4) / 1e4
# Doubled centred ranks (the check's rank vectors) and their sums of squares.
ranks = np.column_stack([2 * rankdata(x[:, k]) - R - 1 for k in range(K)])
ss = (ranks ** 2).sum(axis=0)


def rows_needed(order, pairs):
    y = ranks[order]
    out = []
    for i, j in pairs:
        # SRCC < T once the squared distance exceeds A + B - 2 T sqrt(AB).
        limit = ss[i] + ss[j] - 2 * T * np.sqrt(ss[i] * ss[j])
        out.append(int(np.searchsorted(np.cumsum((y[:, i] - y[:, j]) ** 2), limit, side="right")) + 1)
    return np.array(out)


pairs = [(i, j) for i in range(0, K, 7) for j in range(i + 1, K, 5)]
srcc = np.array([1 - 0.5 * ((ranks[:, i] - ranks[:, j]) ** 2).sum() / np.sqrt(ss[i] * ss[j]) for i, j in pairs])
print(f"{len(pairs)} of {K * (K - 1) // 2} pairs; SRCC quartiles {np.percentile(srcc, [25, 50, 75]).round(4)}; "
      f"at least {T}: {(srcc >= T).sum()}")
for name, order in [("file order", np.arange(R)),
                    ("rows by rank variance across all devices, largest first", np.argsort(-ranks.var(axis=1)))]:
    n = rows_needed(order, pairs)
    print(f"{name}: rows needed mean {n.mean():.0f} ({n.mean() / R:.1%}), quartiles {np.percentile(n, [25, 50, 75])}; "
          f"all pairs: {n.mean() * K * (K - 1) / 2 / 1e6:.0f} M pair-rows")
