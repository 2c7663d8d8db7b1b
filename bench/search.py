#!/usr/bin/env python3
"""Python reference timings for `oneproxy-bench search` (run from the package root).

The same work as the Swift benchmark on help-nb201 (pixel3 latencies, CIFAR-10 accuracies):
- the exact Pareto front of all 15625 models in numpy (lexsort on latency ascending, accuracy
  descending, index; then a strict running maximum of accuracy);
- predict the whole space with pixel3's linear predictor (lstsq on the 31-column one-hot) and the
  front of that;
- the evolutionary search with the same settings (population 100, 500 generations, 25 distinct
  parents, mutation probability 0.1 per gene, 50 children by mutation and 50 by crossover, up to
  200 tries per child, latency <= the median latency, evaluations memoised per architecture) in
  plain Python (random.Random, seed 1), once with the linear predictor and once with the table.
Writes bench/results/search.json: median seconds per key.
"""
import csv
import json
import os
import platform
import random
import time

import numpy as np

DATA = os.path.join("Sources", "OneProxyKit", "Resources", "data")
OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]


def parse_arch(s):
    return [OPS.index(e.split("~")[0]) for node in s.split("+") for e in node.strip("|").split("|")]


def code_id(codes):
    i = 0
    for c in codes:
        i = i * 5 + c
    return i


def load():
    acc_by_index = {}
    with open(os.path.join(DATA, "nb201_accuracy.csv"), newline="") as f:
        for row in csv.DictReader(f):
            acc_by_index[int(float(row["nb201_index"]))] = float(row["CIFAR10TestAccuracy200Epochs"])
    codes, lat, acc = [], [], []
    with open(os.path.join(DATA, "nb201_help_latency.csv"), newline="") as f:
        for row in csv.DictReader(f):
            codes.append(parse_arch(row["arch_str"]))
            v = float(row["pixel3_ms"])
            lat.append(v if v > 0 else np.nan)
            acc.append(acc_by_index[int(float(row["nb201_index"]))])
    return codes, np.array(lat), np.array(acc)


def encode(codes):
    x = np.zeros((len(codes), 31))
    for r, c in enumerate(codes):
        for e, op in enumerate(c):
            x[r, e * 5 + op] = 1
        x[r, 30] = 1
    return x


def front(acc, lat):
    ok = np.isfinite(acc) & np.isfinite(lat)
    idx = np.nonzero(ok)[0]
    order = idx[np.lexsort((idx, -acc[idx], lat[idx]))]
    a = acc[order]
    prev_max = np.concatenate(([-np.inf], np.maximum.accumulate(a)[:-1]))
    return order[a > prev_max]


def evolution(latency, accuracy, budget, seed=1, population=100, generations=500, parent_ratio=0.25,
              mutate_prob=0.1, mutation_ratio=0.5, max_tries=200):
    rng = random.Random(seed)
    parents_size = max(1, round(parent_ratio * population))
    mutation_numbers = round(mutation_ratio * population)
    memo = {}

    def evaluate(genes):
        key = code_id(genes)
        e = memo.get(key)
        if e is None:
            l = latency(genes, key)
            a = accuracy(key) if l is not None and l <= budget else None
            e = memo[key] = (a, l)
        a, l = e
        if l is None or l != l or l > budget or a is None or a != a:
            return None
        return (a, l)

    def rank(ind):
        return (-ind[0], ind[1], ind[2])

    pop = []
    for _ in range(population):
        for _ in range(max_tries):
            g = [rng.randrange(5) for _ in range(6)]
            e = evaluate(g)
            if e is not None:
                pop.append((e[0], e[1], g))
                break
    best = min(pop, key=rank)
    history = [best[0]]
    for _ in range(generations):
        pop.sort(key=rank)
        parents, seen = [], set()
        for ind in pop:
            k = tuple(ind[2])
            if k not in seen:
                seen.add(k)
                parents.append(ind)
                if len(parents) == parents_size:
                    break
        pop = list(parents)
        for child in range(population):
            p1 = parents[rng.randrange(len(parents))]
            p2 = p1 if child < mutation_numbers else parents[rng.randrange(len(parents))]
            made = p1
            for _ in range(max_tries):
                if child < mutation_numbers:
                    g = [rng.randrange(5) if rng.random() < mutate_prob else v for v in p1[2]]
                else:
                    g = [b if rng.random() < 0.5 else a for a, b in zip(p1[2], p2[2])]
                e = evaluate(g)
                if e is not None:
                    made = (e[0], e[1], g)
                    break
            pop.append(made)
            if rank(made) < rank(best):
                best = made
        history.append(best[0])
    return best, len(memo)


def median_seconds(fn, repeats):
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    times.sort()
    return times[len(times) // 2]


def main():
    codes, lat, acc = load()
    assert len(codes) == 15625
    x = encode(codes)
    results = {}
    results["front_15625"] = median_seconds(lambda: front(acc, lat), 15)
    print(f"{len(front(acc, lat))} models on the front")
    ok = ~np.isnan(lat)
    w = np.linalg.lstsq(x[ok], lat[ok], rcond=None)[0]
    results["predict_front_15625"] = median_seconds(lambda: front(acc, x @ w), 15)

    budget = np.sort(lat[ok])[len(lat) // 2]
    acc_by_id = {code_id(c): a for c, a in zip(codes, acc)}
    lat_by_id = {code_id(c): l for c, l in zip(codes, lat)}
    wl = w.tolist()

    def linear(genes, _key):
        return wl[30] + sum(wl[e * 5 + op] for e, op in enumerate(genes))

    out = {}

    def run_linear():
        out["linear"] = evolution(linear, acc_by_id.get, budget)

    def run_table():
        out["table"] = evolution(lambda g, k: lat_by_id.get(k), acc_by_id.get, budget)

    results["evolution_100x500_linear"] = median_seconds(run_linear, 3)
    results["evolution_100x500_table"] = median_seconds(run_table, 3)
    for name in ("linear", "table"):
        best, evals = out[name]
        print(f"evolution ({name}): best {best[0]:.4f}% at {best[1]:.4f} ms, {evals} evaluations, budget {budget:.4f}")

    os.makedirs(os.path.join("bench", "results"), exist_ok=True)
    with open(os.path.join("bench", "results", "search.json"), "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
        f.write("\n")
    for k, v in sorted(results.items()):
        print(f"{k:32s} {v * 1e3:10.3f} ms")
    print(f"python {platform.python_version()}, numpy {np.__version__}")


if __name__ == "__main__":
    main()
