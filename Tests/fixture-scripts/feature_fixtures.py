"""Reference feature-family matrices for the Spaces tests, built independently with csv + numpy from
the package's own resource copies (Sources/OneProxyKit/Resources/data).

NB201: all 15625 architectures of nb201_accuracy.csv in nb201_index order (the order of
`nb201AllArchitectures()`); live edges by brute-force enumeration of every path 0 -> ... -> 3 of the
4-node DAG (an edge is live when some path through it has no `none` edge). FBNet and OFA: the rows of
the bundled help-fbnet / help-ofa files, in file order.

Each matrix is stored compactly: its shape, the SHA-256 of its float64 little-endian row-major bytes,
its column sums, and a few full rows.

Run from the package root:  python3 Tests/fixture-scripts/feature_fixtures.py
Writes Tests/OneProxyKitTests/Fixtures/spaces/features.json.
"""
import csv, hashlib, itertools, json, os
import numpy as np

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DATA = os.path.join(ROOT, "Sources", "OneProxyKit", "Resources", "data")
OUT = os.path.join(ROOT, "Tests", "OneProxyKitTests", "Fixtures", "spaces", "features.json")

def read(name):
    with open(os.path.join(DATA, name), newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]

def summary(m, sample_rows):
    m = np.ascontiguousarray(m, dtype="<f8")
    return {
        "shape": list(m.shape),
        "sha256": hashlib.sha256(m.tobytes()).hexdigest(),
        "column_sums": [float(x) for x in m.sum(axis=0)],
        "rows": {str(r): [float(x) for x in m[r]] for r in sample_rows},
    }

# ---------------------------------------------------------------- NB201
OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
# Edges in arch-string order as (from, to) node pairs.
EDGES = [(0, 1), (0, 2), (1, 2), (0, 3), (1, 3), (2, 3)]

def parse_arch(s):
    ops = []
    for node in s.split("+"):
        for e in node.strip("|").split("|"):
            op, _ = e.split("~")
            ops.append(OPS.index(op))
    assert len(ops) == 6
    return ops

def all_paths(src=0, dst=3):
    """Every path src -> dst in the complete DAG on 4 nodes, as lists of edge indices."""
    out = []
    def walk(node, used):
        if node == dst:
            out.append(list(used))
            return
        for k, (a, b) in enumerate(EDGES):
            if a == node:
                walk(b, used + [k])
    walk(src, [])
    return out

PATHS = all_paths()
assert len(PATHS) == 4

def live_edges(ops):
    live = [False] * 6
    for p in PATHS:
        if all(ops[k] != 0 for k in p):
            for k in p:
                live[k] = True
    return live

PAIRS = list(itertools.combinations(range(6), 2))

def nb201_rows(ops):
    live = live_edges(ops)
    onehot = np.zeros(30)
    livehot = np.zeros(30)
    for e, o in enumerate(ops):
        onehot[5 * e + o] = 1
        livehot[5 * e + (o if live[e] else 0)] = 1
    counts = np.zeros(4)
    for e, o in enumerate(ops):
        if live[e]:
            counts[o - 1] += 1
    pairs = np.zeros((15, 4, 4))
    for p, (i, j) in enumerate(PAIRS):
        if live[i] and live[j]:
            pairs[p, ops[i] - 1, ops[j] - 1] = 1
    pairs = pairs.reshape(-1)
    one = np.ones(1)
    return {
        "onehot": np.concatenate([onehot, one]),
        "live": np.concatenate([livehot, one]),
        "counts": np.concatenate([counts, one]),
        "pairs": np.concatenate([pairs, one]),
        "all": np.concatenate([onehot, livehot, pairs, counts, one]),
    }, live

def nb201():
    h, rows = read("nb201_accuracy.csv")
    ic, ac = h.index("nb201_index"), h.index("ArchitectureString")
    rows = sorted(rows, key=lambda r: int(r[ic]))
    assert [int(r[ic]) for r in rows] == list(range(15625))
    fams = {f: [] for f in ["onehot", "live", "counts", "pairs", "all"]}
    disconnected = 0
    live_count = 0
    for r in rows:
        rs, live = nb201_rows(parse_arch(r[ac]))
        disconnected += not any(live)
        live_count += sum(live)
        for f in fams:
            fams[f].append(rs[f])
    sample = [0, 1, 2, 100, 4321, 7777, 12345, 15624]
    return {f: summary(np.array(v), sample) for f, v in fams.items()}, disconnected, live_count

# ---------------------------------------------------------------- FBNet
BLOCKS = ["k3_e1", "k3_e1_g2", "k3_e3", "k3_e6", "k5_e1", "k5_e1_g2", "k5_e3", "k5_e6", "skip"]

def fbnet_rows(codes):
    onehot = np.zeros((22, 9))
    onehot[np.arange(22), codes] = 1
    names = [BLOCKS[c] for c in codes]
    per_block = [sum(n == b for n in names) for b in BLOCKS]
    kern = [sum(n.startswith("k3") for n in names), sum(n.startswith("k5") for n in names)]
    exp = [sum(n != "skip" and n.split("_")[1] == e for n in names) for e in ["e1", "e3", "e6"]]
    grouped = [sum(n.endswith("_g2") for n in names)]
    counts = np.array(per_block + kern + exp + grouped, dtype=float)
    one = np.ones(1)
    o = onehot.reshape(-1)
    return {"onehot": np.concatenate([o, one]), "counts": np.concatenate([counts, one]),
            "all": np.concatenate([o, counts, one])}

def fbnet():
    h, rows = read("fbnet_help_latency.csv")
    c = h.index("op_idx_list")
    fams = {f: [] for f in ["onehot", "counts", "all"]}
    for r in rows:
        rs = fbnet_rows([int(x) for x in r[c].split("-")])
        for f in fams:
            fams[f].append(rs[f])
    sample = [0, 1, 2, 999, 2500, 4999]
    return {f: summary(np.array(v), sample) for f, v in fams.items()}

# ---------------------------------------------------------------- OFA
KS, ES, DS = [3, 5, 7], [3, 4, 6], [2, 3, 4]

def ofa_rows(ks, e, d, res):
    onehot = []
    for s in range(5):
        for j in range(4):
            l = 4 * s + j
            v = [0.0] * 6
            if j < d[s]:
                v[KS.index(ks[l])] = 1
                v[3 + ES.index(e[l])] = 1
            onehot += v
    for s in range(5):
        onehot += [1.0 if d[s] == x else 0.0 for x in DS]
    onehot.append(float(res))
    active = [(ks[4 * s + j], e[4 * s + j]) for s in range(5) for j in range(d[s])]
    counts = [sum(k == x for k, _ in active) for x in KS]
    counts += [sum(y == x for _, y in active) for x in ES]
    counts += [sum(k == a and y == b for k, y in active) for a in KS for b in ES]
    counts += [sum(d), res]
    onehot, counts = np.array(onehot), np.array(counts, dtype=float)
    one = np.ones(1)
    return {"onehot": np.concatenate([onehot, one]), "counts": np.concatenate([counts, one]),
            "all": np.concatenate([onehot, counts, one])}

def ofa():
    h, rows = read("ofa_help_latency.csv")
    ci = [h.index(x) for x in ["ks", "e", "d", "r"]]
    fams = {f: [] for f in ["onehot", "counts", "all"]}
    for r in rows:
        ks, e, d = ([int(x) for x in r[c].split("-")] for c in ci[:3])
        rs = ofa_rows(ks, e, d, int(r[ci[3]]))
        for f in fams:
            fams[f].append(rs[f])
    sample = [0, 1, 2, 999, 2500, 4999]
    return {f: summary(np.array(v), sample) for f, v in fams.items()}

def main():
    nb, disconnected, live_count = nb201()
    out = {
        "nb201": nb, "nb201_disconnected": disconnected, "nb201_live_edges_total": live_count,
        "fbnet": fbnet(), "ofa": ofa(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.write("\n")
    print(f"wrote {OUT}: disconnected={disconnected}, {os.path.getsize(OUT)} bytes")

if __name__ == "__main__":
    main()
