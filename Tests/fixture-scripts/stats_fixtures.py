#!/usr/bin/env python3
"""Reference values for the Stats tests, computed with scipy (run once, outputs committed).

Reads the package's own copy of the data (Sources/OneProxyKit/Resources/data) and writes, under
Tests/OneProxyKitTests/Fixtures/stats/:

  pairs_<file stem>.json  for every device pair (i < j, in column order) of each bundled latency file:
                          the number of shared rows n and scipy's spearmanr, kendalltau (tau-b) and
                          pearsonr on those rows (null when scipy gives NaN);
  cluster_<file stem>.json scipy.cluster.hierarchy average linkage on 1 - SRCC (undefined -> 1):
                          leaves_list and the flat clusters for k = 2..6;
  edge_cases.json         small hand-made inputs (heavy ties, constant column, all missing, n = 2).

Missing values, as in METHOD.md section 1: empty, non-numeric, NaN or <= 0 is missing. A pair uses
the rows both devices measured (pairwise complete).

Usage (from the package root): python3 Tests/fixture-scripts/stats_fixtures.py
"""
import csv
import json
import math
import os
import warnings

import numpy as np
import scipy
from scipy import stats
from scipy.cluster import hierarchy
from scipy.spatial.distance import squareform

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "Sources", "OneProxyKit", "Resources", "data")
OUT = os.path.join(ROOT, "Tests", "OneProxyKitTests", "Fixtures", "stats")
FILES = ["nb201_oneproxy_latency.csv", "nb201_help_latency.csv", "fbnet_help_latency.csv", "ofa_help_latency.csv"]


def parse(s):
    try:
        v = float(s)
    except ValueError:
        return math.nan
    return v if v > 0 else math.nan  # NaN > 0 is False, so NaN stays missing


def read_ms_columns(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    cols = [j for j, name in enumerate(header) if name.endswith("_ms")]
    names = [header[j] for j in cols]
    values = np.array([[parse(r[j]) if j < len(r) else math.nan for j in cols] for r in body], dtype=float)
    return names, values


def clean(v):
    v = float(v)
    return None if math.isnan(v) else v


def three(x, y):
    """n and scipy's three coefficients on the rows where both are present."""
    m = ~np.isnan(x) & ~np.isnan(y)
    a, b = x[m], y[m]
    n = int(m.sum())
    if n < 2:
        return n, None, None, None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        s = stats.spearmanr(a, b).statistic
        k = stats.kendalltau(a, b, variant="b").statistic
        p = stats.pearsonr(a, b).statistic if n >= 2 and np.ptp(a) > 0 and np.ptp(b) > 0 else math.nan
    return n, clean(s), clean(k), clean(p)


def pairs_fixture(names, values):
    out = {"names": names, "rows": int(values.shape[0]), "n": [], "spearman": [], "kendall": [], "pearson": []}
    d = len(names)
    for i in range(d):
        for j in range(i + 1, d):
            n, s, k, p = three(values[:, i], values[:, j])
            out["n"].append(n)
            out["spearman"].append(s)
            out["kendall"].append(k)
            out["pearson"].append(p)
    return out


def cluster_fixture(names, pairs):
    d = len(names)
    dist = np.ones((d, d))
    np.fill_diagonal(dist, 0.0)
    t = 0
    for i in range(d):
        for j in range(i + 1, d):
            r = pairs["spearman"][t]
            dist[i, j] = dist[j, i] = 1.0 if r is None else 1.0 - r
            t += 1
    z = hierarchy.linkage(squareform(dist, checks=False), method="average")
    flat = {str(k): [int(c) for c in hierarchy.fcluster(z, k, criterion="maxclust")] for k in range(2, 7)}
    return {"names": names, "leaves": [int(v) for v in hierarchy.leaves_list(z)], "clusters": flat,
            "merge_heights": [float(h) for h in z[:, 2]]}


def edge_cases():
    nan = math.nan
    cases = {
        "heavy_ties": ([1, 1, 1, 2, 2, 3, 3, 3, 3, 4, 5, 5], [2, 2, 1, 1, 3, 3, 3, 4, 4, 4, 4, 9]),
        "ties_negative": ([3, 3, 2, 2, 1, 1, 1, 0.5], [1, 2, 2, 3, 3, 3, 4, 4]),
        "constant_x": ([5, 5, 5, 5, 5], [1, 2, 3, 4, 5]),
        "constant_after_missing": ([1, 2, 2, 2, 2], [nan, 1, 2, 3, 4]),
        "all_missing": ([nan, nan, nan], [1, 2, 3]),
        "n2": ([1, 2], [3, 1]),
        "n2_tied": ([1, 1], [3, 1]),
        "missing_mix": ([1, nan, 3, 4, -1, 6, 7, 0, 9, 10], [2, 5, nan, 1, 4, 4, 8, 3, 3, 7]),
        "one_shared": ([1, nan, 3], [nan, 2, 4]),
    }
    out = {}
    for name, (x, y) in cases.items():
        xs = np.array([parse(v) if not (isinstance(v, float) and math.isnan(v)) else nan for v in x], dtype=float)
        ys = np.array([parse(v) if not (isinstance(v, float) and math.isnan(v)) else nan for v in y], dtype=float)
        n, s, k, p = three(xs, ys)
        out[name] = {"x": [clean(v) for v in xs], "y": [clean(v) for v in ys],
                     "n": n, "spearman": s, "kendall": k, "pearson": p}
    return out


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in FILES:
        names, values = read_ms_columns(os.path.join(DATA, f))
        pairs = pairs_fixture(names, values)
        pairs["scipy"] = scipy.__version__
        stem = f[: -len(".csv")]
        with open(os.path.join(OUT, f"pairs_{stem}.json"), "w") as fh:
            json.dump(pairs, fh, separators=(",", ":"))
        with open(os.path.join(OUT, f"cluster_{stem}.json"), "w") as fh:
            json.dump(cluster_fixture(names, pairs), fh, separators=(",", ":"))
        print(f, len(names), "devices", len(pairs["n"]), "pairs")
    with open(os.path.join(OUT, "edge_cases.json"), "w") as fh:
        json.dump({"scipy": scipy.__version__, "cases": edge_cases()}, fh, indent=1)


if __name__ == "__main__":
    main()
