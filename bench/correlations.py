#!/usr/bin/env python3
"""Python reference timings for `oneproxy-bench correlations` (run from the package root).

The same work as the Swift benchmark: all 351 device pairs of nb201_help_latency.csv (27 devices x
15625 models), with the same missing handling (empty, non-numeric, NaN, <= 0 is missing; each pair
on the rows both measured), written as a user would with scipy: one call per pair. Also numpy's
corrcoef on a rank matrix (the vectorised shortcut, valid here because no value is missing), and
a 1000-resample percentile bootstrap of one pair's SRCC. Writes bench/results/correlations.json:
median seconds per key.
"""
import csv
import json
import math
import os
import platform
import time

import numpy as np
import scipy
from scipy import stats

DATA = os.path.join("Sources", "OneProxyKit", "Resources", "data", "nb201_help_latency.csv")


def parse(s):
    try:
        v = float(s)
    except ValueError:
        return math.nan
    return v if v > 0 else math.nan


def load():
    with open(DATA, newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    cols = [j for j, h in enumerate(header) if h.endswith("_ms")]
    return [header[j] for j in cols], np.array([[parse(r[j]) for j in cols] for r in rows[1:]])


def median_seconds(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


def all_pairs(values, fn):
    d = values.shape[1]
    out = np.full((d, d), np.nan)
    for i in range(d):
        for j in range(i + 1, d):
            x, y = values[:, i], values[:, j]
            m = ~np.isnan(x) & ~np.isnan(y)
            out[i, j] = out[j, i] = fn(x[m], y[m]).statistic
    return out


def main():
    names, values = load()
    assert values.shape == (15625, 27)
    results = {}
    results["spearman_all_pairs"] = median_seconds(lambda: all_pairs(values, stats.spearmanr), 5)
    results["pearson_all_pairs"] = median_seconds(lambda: all_pairs(values, stats.pearsonr), 5)
    results["kendall_all_pairs"] = median_seconds(lambda: all_pairs(values, stats.kendalltau), 3)

    def numpy_ranks():
        ranks = np.apply_along_axis(stats.rankdata, 0, values)
        return np.corrcoef(ranks, rowvar=False)
    results["spearman_numpy_rank_corrcoef"] = median_seconds(numpy_ranks, 5)

    x, y = values[:, names.index("pixel3_ms")], values[:, names.index("1080ti_1_ms")]

    def bootstrap():
        rng = np.random.default_rng(1)
        n = len(x)
        vals = [stats.spearmanr(x[idx], y[idx]).statistic for idx in (rng.integers(0, n, n) for _ in range(1000))]
        return np.percentile(vals, [2.5, 97.5])
    results["bootstrap_spearman_1000"] = median_seconds(bootstrap, 1)

    os.makedirs(os.path.join("bench", "results"), exist_ok=True)
    with open(os.path.join("bench", "results", "correlations.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
        f.write("\n")
    meta = f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}"
    for k, v in sorted(results.items()):
        print(f"{k:32s} {v * 1e3:10.3f} ms")
    print(meta)


if __name__ == "__main__":
    main()
