"""Python reference for `oneproxy-bench load`: the same files parsed with the standard `csv` module
plus float() (no pandas, no numpy), the same work as the Swift loader: numbers parsed, <= 0 as
missing, NB201 datasets joined with the accuracy file by nb201_index, arch strings kept as keys.
The accuracy table is parsed once per process (timed alone as `nb201_accuracy`), as in Swift.
Median of 15 runs after a warm-up. Writes bench/results/load.json (seconds) with the Swift keys.

Run from the package root:  python3 bench/load.py
"""
import csv, json, math, os, statistics, time

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
os.makedirs(os.path.join(os.path.dirname(__file__), "results"), exist_ok=True)
with open(os.path.join(os.path.dirname(__file__), "results", "load.json"), "w") as f:
    json.dump(res, f, indent=1)
for k, v in res.items():
    print(f"{k:20s} {v * 1e3:8.1f} ms")
