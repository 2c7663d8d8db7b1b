"""Python reference for `oneproxy-bench load`: the same files parsed with the standard `csv` module
plus float() (no pandas, no numpy), the same work as the Swift loader: numbers parsed, <= 0 as
missing, NB201 datasets joined with the accuracy file by nb201_index, arch strings kept as keys.
The accuracy table is parsed once per process (timed alone as `nb201_accuracy`), as in Swift.
Median of 15 runs after a warm-up. Writes bench/results/load.json (seconds) with the Swift keys.

A second, faster reference (keys `numpy:NAME`) does the same with numpy: np.loadtxt for the numeric
columns (its C parser; np.genfromtxt, pure Python, is several times slower on these files: both are
timed on help-nb201 as `numpy_loadtxt_help_nb201` / `numpy_genfromtxt_help_nb201`), np.genfromtxt
only for files with empty fields (which np.loadtxt rejects), and np.loadtxt(dtype=str) for keys.

Run from the package root:  python3 bench/load.py
"""
import csv, json, math, os, statistics, time
import numpy as np

DATA = os.path.join(os.path.dirname(__file__), "..", "Sources", "OneProxyKit", "Resources", "data")

def num(s):
    try:
        x = float(s)
    except ValueError:
        return math.nan
    return x if x > 0 and math.isfinite(x) else math.nan

def read(name):
    with open(os.path.join(DATA, name), newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]

def accuracy_table():
    h, rows = read("nb201_accuracy.csv")
    return {int(r[0]): (r[1], float(r[2]), float(r[3]), float(r[4])) for r in rows}

def load(name, key_cols, nb201):
    h, rows = read(name)
    keys_idx = [h.index(k) for k in key_cols]
    dev = [j for j, c in enumerate(h) if c.endswith("_ms")]
    keys = ["|".join(r[k] for k in keys_idx) for r in rows]
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate key")
    cols = {h[j][:-3]: [num(r[j]) for r in rows] for j in dev}
    acc = None
    if nb201:
        table = TABLE  # built once per process, as the Swift side caches its NB201 table
        ii = h.index("nb201_index")
        acc = [table[int(r[ii])][1:] for r in rows]
    return keys, cols, acc

def np_numbers(path, cols):
    try:
        return np.loadtxt(path, delimiter=",", skiprows=1, usecols=cols, ndmin=2)
    except ValueError:  # empty fields: np.loadtxt has no missing-value support
        return np.genfromtxt(path, delimiter=",", skip_header=1, usecols=cols, ndmin=2)

NP_TABLE = None

def np_accuracy_table():
    path = os.path.join(DATA, "nb201_accuracy.csv")
    v = np.loadtxt(path, delimiter=",", skiprows=1, usecols=[0, 2, 3, 4])
    keys = np.loadtxt(path, delimiter=",", skiprows=1, usecols=[1], dtype=str, comments=None)
    acc = np.full((len(v), 3), np.nan)
    acc[v[:, 0].astype(int)] = v[:, 1:]
    return keys, acc

def np_load(name, key_cols, nb201):
    path = os.path.join(DATA, name)
    with open(path) as f:
        h = f.readline().rstrip("\n").split(",")
    keys_idx = [h.index(k) for k in key_cols]
    dev = [j for j, c in enumerate(h) if c.endswith("_ms")]
    k = np.loadtxt(path, delimiter=",", skiprows=1, usecols=keys_idx, dtype=str, comments=None, ndmin=2)
    keys = ["|".join(r) for r in k] if len(keys_idx) > 1 else list(k[:, 0])
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate key")
    x = np_numbers(path, dev)
    x[~(x > 0) | ~np.isfinite(x)] = np.nan
    acc = None
    if nb201:
        ii = np_numbers(path, [h.index("nb201_index")])[:, 0].astype(int)
        acc = NP_TABLE[1][ii]
    return keys, x, acc

def median_time(f, repeats=15):
    f()
    ts = []
    for _ in range(repeats):
        t0 = time.perf_counter(); f(); ts.append(time.perf_counter() - t0)
    return statistics.median(ts)

TABLE = accuracy_table()
res = {
    "nb201_accuracy": median_time(accuracy_table),
    "oneproxy-nb201": median_time(lambda: load("nb201_oneproxy_latency.csv", ["arch_str"], True)),
    "help-nb201": median_time(lambda: load("nb201_help_latency.csv", ["arch_str"], True)),
    "help-fbnet": median_time(lambda: load("fbnet_help_latency.csv", ["op_idx_list"], False)),
    "help-ofa": median_time(lambda: load("ofa_help_latency.csv", ["ks", "e", "d", "r"], False)),
    "i7_user": median_time(lambda: load("nb201_i7_brpnas_latency.csv", ["arch_str"], False), 7),
}
NP_TABLE = np_accuracy_table()
loads = [("oneproxy-nb201", "nb201_oneproxy_latency.csv", ["arch_str"], True, 15),
         ("help-nb201", "nb201_help_latency.csv", ["arch_str"], True, 15),
         ("help-fbnet", "fbnet_help_latency.csv", ["op_idx_list"], False, 15),
         ("help-ofa", "ofa_help_latency.csv", ["ks", "e", "d", "r"], False, 15),
         ("i7_user", "nb201_i7_brpnas_latency.csv", ["arch_str"], False, 7)]
res["numpy:nb201_accuracy"] = median_time(np_accuracy_table)
for key, name, kc, nb, reps in loads:
    res["numpy:" + key] = median_time(lambda: np_load(name, kc, nb), reps)
help_path = os.path.join(DATA, "nb201_help_latency.csv")
res["numpy_loadtxt_help_nb201"] = median_time(
    lambda: np.loadtxt(help_path, delimiter=",", skiprows=1, usecols=range(2, 29)), 5)
res["numpy_genfromtxt_help_nb201"] = median_time(
    lambda: np.genfromtxt(help_path, delimiter=",", skip_header=1, usecols=range(2, 29)), 5)

os.makedirs(os.path.join(os.path.dirname(__file__), "results"), exist_ok=True)
with open(os.path.join(os.path.dirname(__file__), "results", "load.json"), "w") as f:
    json.dump(res, f, indent=1)
for k, v in res.items():
    print(f"{k:20s} {v * 1e3:8.1f} ms")
