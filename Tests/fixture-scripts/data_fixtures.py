"""Reference numbers for the Data/Spaces tests, computed independently with csv + numpy + scipy
from the package's own resource copies (Sources/OneProxyKit/Resources/data).

Run from the package root:  python3 Tests/fixture-scripts/data_fixtures.py
Writes Tests/OneProxyKitTests/Fixtures/data/data_reference.json.
"""
import csv, json, os
import numpy as np
from scipy.stats import spearmanr

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DATA = os.path.join(ROOT, "Sources", "OneProxyKit", "Resources", "data")
OUT = os.path.join(ROOT, "Tests", "OneProxyKitTests", "Fixtures", "data", "data_reference.json")

def read(name):
    with open(os.path.join(DATA, name), newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]

def lat(v):
    try:
        x = float(v)
    except ValueError:
        return np.nan
    return x if np.isfinite(x) and x > 0 else np.nan

def summaries(name):
    h, rows = read(name)
    out = {}
    for j, c in enumerate(h):
        if not c.endswith("_ms"):
            continue
        v = np.array([lat(r[j]) for r in rows])
        m = v[~np.isnan(v)]
        out[c[:-3]] = dict(count=int(m.size), missing=int(np.isnan(v).sum()), distinct=int(np.unique(m).size),
                           min=float(m.min()), median=float(np.median(m)), max=float(m.max()))
    return out

# FBNet: 22 x 9 one-hot + 1.
def fbnet_enc(s):
    codes = [int(x) for x in s.split("-")]
    e = np.zeros(22 * 9 + 1)
    for l, c in enumerate(codes):
        e[l * 9 + c] = 1
    e[-1] = 1
    return e

# OFA: per stage s, layer j: [k3,k5,k7,e3,e4,e6] when j < d[s]; depth one-hots; r; 1.
def ofa_enc(ks, ex, d, r):
    ks = [int(x) for x in ks.split("-")]; ex = [int(x) for x in ex.split("-")]; d = [int(x) for x in d.split("-")]
    e = np.zeros(20 * 6 + 15 + 2)
    for s in range(5):
        for j in range(d[s]):
            l = 4 * s + j
            e[l * 6 + [3, 5, 7].index(ks[l])] = 1
            e[l * 6 + 3 + [3, 4, 6].index(ex[l])] = 1
        e[120 + 3 * s + [2, 3, 4].index(d[s])] = 1
    e[-2] = float(r)
    e[-1] = 1
    return e

ref = {}
h, rows = read("fbnet_help_latency.csv")
pick = [0, 1, 2, 1234, 4999]
ref["fbnet_encodings"] = [dict(row=i, key=rows[i][h.index("op_idx_list")],
                               nonzero=[int(k) for k in np.flatnonzero(fbnet_enc(rows[i][h.index("op_idx_list")]))])
                          for i in pick]
h, rows = read("ofa_help_latency.csv")
ref["ofa_encodings"] = []
for i in pick:
    r = rows[i]
    e = ofa_enc(r[h.index("ks")], r[h.index("e")], r[h.index("d")], r[h.index("r")])
    ref["ofa_encodings"].append(dict(row=i, key="|".join(r[h.index(c)] for c in "ks e d r".split()),
                                     encoding=[float(x) for x in e]))

ref["summaries_oneproxy_nb201"] = summaries("nb201_oneproxy_latency.csv")
ref["summaries_help_fbnet"] = summaries("fbnet_help_latency.csv")

h, rows = read("nb201_oneproxy_latency.csv")
g = np.array([lat(r[h.index("eagle_gtx_ms")]) for r in rows]); i7 = np.array([lat(r[h.index("eagle_i7_ms")]) for r in rows])
ref["srcc_eagle_gtx_i7"] = float(spearmanr(g, i7).correlation)
op_arch = [r[h.index("arch_str")] for r in rows]
op_idx = [int(r[h.index("nb201_index")]) for r in rows]
ref["oneproxy_edgetpu_missing"] = int(np.isnan(np.array([lat(r[h.index("rice_edgetpu_ms")]) for r in rows])).sum())

hh, hrows = read("nb201_help_latency.csv")
help_arch = [r[hh.index("arch_str")] for r in hrows]
ih, irows = read("nb201_i7_brpnas_latency.csv")
i7_arch = [r[ih.index("arch_str")] for r in irows]
ah, arows = read("nb201_accuracy.csv")
acc_by_index = {int(r[0]): r for r in arows}
ref["i7_rows"] = len(irows)
ref["merge_oneproxy_help"] = sum(a in set(help_arch) for a in op_arch)
ref["merge_i7_oneproxy"] = sum(a in set(op_arch) for a in i7_arch)
ref["merge_help_i7"] = sum(a in set(i7_arch) for a in help_arch)
# Help file and accuracy file agree on index -> arch for every row.
ref["help_vs_accuracy_agree"] = sum(acc_by_index[int(r[0])][1] == r[1] for r in hrows)
# A few accuracies joined by index, for the oneproxy rows 0..4.
ref["oneproxy_first_accuracies"] = [[float(acc_by_index[i][k]) for k in (2, 3, 4)] for i in op_idx[:5]]
# The exact distinct op counts: every arch string has 6 edges; the help file's rows' op-code sums.
with open(OUT, "w") as f:
    json.dump(ref, f, indent=1)
print("wrote", OUT)
