"""Python references for `oneproxy-bench large` and `oneproxy-bench load`, run by the bench in the
same run (it prints the last line as JSON).

    python3 bench/load_large.py FILE     polars.read_csv and pyarrow.csv.read_csv on FILE, each
                                         3 runs after none (best and median, seconds)
    python3 bench/load_large.py --help-nb201
                                         numpy.loadtxt of help-nb201's 27 latency columns,
                                         median and best of 15 after a warm-up

Needs `pip install polars pyarrow` for the first form.
"""
import json, os, statistics, sys, time

def timed(f, repeats=3, warm=False):
    if warm:
        f()
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
    return min(ts), statistics.median(ts)

out = {}
if sys.argv[1] == "--help-nb201":
    import numpy as np
    path = os.path.join(os.path.dirname(__file__), "..", "Sources", "OneProxyKit", "Resources", "data", "nb201_help_latency.csv")
    b, m = timed(lambda: np.loadtxt(path, delimiter=",", skiprows=1, usecols=range(2, 29)), 15, warm=True)
    out["numpy_loadtxt_best"], out["numpy_loadtxt_median"] = b, m
else:
    import polars as pl
    import pyarrow.csv as pacsv
    path = sys.argv[1]
    out["polars_best"], out["polars_median"] = timed(lambda: pl.read_csv(path))
    out["pyarrow_best"], out["pyarrow_median"] = timed(lambda: pacsv.read_csv(path))
print(json.dumps(out))
