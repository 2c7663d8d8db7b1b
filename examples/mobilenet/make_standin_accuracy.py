"""Writes fbnet-standin-accuracy.csv: a STAND-IN accuracy column for help-fbnet's 5000 architectures.

HELP's FBNet data has latencies only; nobody has trained these 5000 networks. The paper's
MobileNet-V2 case searched with measured accuracies (evolution) and with an accuracy predictor
(exhaustive over 10k random models). To show that workflow with a *user's* accuracy column, this
script makes one: NOT a real accuracy, a smooth function of each model's multiply-accumulates
(MACs) plus seeded noise, so bigger models score higher with diminishing returns, as trained ones
tend to. Replace the CSV with your own measured accuracies (same key column, op_idx_list).

MACs: FBNet's 22 searchable layers on a 32x32 input (HELP's CIFAR-100 setting), stages of
(channels, layers, stride) = (16,1,1) (24,4,1) (32,4,2) (64,4,2) (112,4,1) (184,4,2) (352,1,1)
after a 16-channel stem; block k{3,5}_e{1,3,6}[_g2]: 1x1 expansion (none at e1), kxk depthwise,
1x1 projection, the 1x1 convolutions' MACs halved when grouped (g2); skip: 0 MACs where the shape
is kept, else a 1x1 projection. The stand-in accuracy is
    acc = 72 + 4 * tanh(log2(MACs / median MACs)) + N(0, 0.4^2)   (numpy seed 2022),
rounded to 2 decimals. Run: python3 make_standin_accuracy.py (needs numpy; reads the bundled CSV).
"""
import csv
import math
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "Sources", "OneProxyKit", "Resources", "data", "fbnet_help_latency.csv")
BLOCKS = ["k3_e1", "k3_e1_g2", "k3_e3", "k3_e6", "k5_e1", "k5_e1_g2", "k5_e3", "k5_e6", "skip"]
STAGES = [(16, 1, 1), (24, 4, 1), (32, 4, 2), (64, 4, 2), (112, 4, 1), (184, 4, 2), (352, 1, 1)]


def layer_plan():
    plan, c_in, size = [], 16, 32
    for c_out, n, stride in STAGES:
        for i in range(n):
            s = stride if i == 0 else 1
            plan.append((c_in, c_out, s, size))
            size = size // s
            c_in = c_out
    assert len(plan) == 22
    return plan


def macs(codes):
    total = 0.0
    for code, (c_in, c_out, s, size) in zip(codes, layer_plan()):
        out = size // s
        name = BLOCKS[code]
        if name == "skip":
            if c_in != c_out or s != 1:
                total += c_in * c_out * out * out
            continue
        k = int(name[1]); e = int(name[4]); g = 2 if name.endswith("g2") else 1
        mid = c_in * e
        if e > 1:
            total += c_in * mid * size * size / g
        total += mid * k * k * out * out
        total += mid * c_out * out * out / g
    return total


def main():
    with open(DATA) as f:
        rows = list(csv.DictReader(f))
    keys = [r["op_idx_list"] for r in rows]
    m = np.array([macs([int(c) for c in k.split("-")]) for k in keys])
    med = float(np.median(m))
    rng = np.random.default_rng(2022)
    acc = 72 + 4 * np.tanh(np.log2(m / med)) + rng.normal(0, 0.4, len(m))
    with open(os.path.join(HERE, "fbnet-standin-accuracy.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["op_idx_list", "acc_standin"])
        for k, a in zip(keys, acc):
            w.writerow([k, f"{a:.2f}"])


if __name__ == "__main__":
    main()
