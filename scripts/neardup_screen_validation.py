"""How often a sampled screen misses a near-duplicate device pair (SRCC >= 0.995 on all rows).

The load's near-duplicate check screens tall files (more than 16,384 rows) on an evenly spaced
sample of 2000 rows: a pair is computed on all rows only if its SRCC on the sample reaches 0.975.
The hard case for any sample is a duplicate with a few wrong measurements: the sample's SRCC
depends on how many of the wrong rows it reads. This script makes such pairs (a column, and a copy
with k rows replaced by random values, or flipped to the far end of the ranks), keeps those whose
SRCC on all rows is >= 0.995, and counts how many a sample of m rows puts below 0.975.

    python3 scripts/neardup_screen_validation.py

Needs numpy and scipy. Prints one line per case. Seeded: the same counts every run.
"""
import numpy as np
from scipy.stats import rankdata


def srcc(a, b):
    ra = rankdata(a) - (len(a) + 1) / 2
    rb = rankdata(b) - (len(b) + 1) / 2
    return float(ra @ rb / np.sqrt((ra @ ra) * (rb @ rb)))


def trial(rng, n, k, kind):
    x = rng.standard_normal(n)
    y = x.copy()
    idx = rng.choice(n, k, replace=False)
    if kind == "random":
        y[idx] = rng.standard_normal(k) * 3
    else:  # flipped: each wrong row moved to the other end of the ranks
        y[idx] = -x[idx] * 10
    return x, y


def main():
    print("rows  wrong rows  kind     sample  near-duplicates  missed by the screen (< 0.975 on the sample)")
    for n, ks, trials in [(5000, [5, 10, 15, 20], 400), (100_000, [20, 100, 300], 100)]:
        for kind in ["random", "flipped"]:
            for k in ks:
                for m in [256, 2000]:
                    rng_case = np.random.default_rng(n * 1000 + k * 10 + (kind == "flipped"))
                    near = missed = 0
                    sample = (np.arange(m) * n) // m
                    for _ in range(trials):
                        x, y = trial(rng_case, n, k, kind)
                        if srcc(x, y) < 0.995:
                            continue
                        near += 1
                        if srcc(x[sample], y[sample]) < 0.975:
                            missed += 1
                    print(f"{n:6d}  {k:10d}  {kind:7s}  {m:6d}  {near:15d}  {missed}")


if __name__ == "__main__":
    main()
