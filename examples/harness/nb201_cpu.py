#!/usr/bin/env python3
"""A measuring harness to learn with: times an NAS-Bench-201 network on this machine's CPU.

Builds the CIFAR-10 network of NAS-Bench-201 for one architecture string (stem 3x3 convolution to
16 channels; three stages of five cells with 16, 32 and 64 channels; a residual reduction block
between stages; global average pooling; a 10-way classifier) with random weights, and times its
forward pass on one 32x32 image (batch 1) with numpy, printing the median in milliseconds:

    $ python3 examples/harness/nb201_cpu.py "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
    4.812 ms

The shell runs it once per architecture:  m = measure p cmd="python3 examples/harness/nb201_cpu.py {arch_str}" device=cpu
(`--batch FILE.csv` measures every arch_str of a CSV in one process and prints nb201_index,arch_str,NAME_ms.)

It is the user's harness, not the shell's: it needs numpy; the shell itself never runs Python.
Options: --runs N (timed runs, default 20), --warmup N (default 3), --seed N (weights, default 0),
--threads N (sets OMP/OPENBLAS threads before numpy loads, default 1 for steadier timings).
"""
import os
import sys


def arg(name, default):
    if name in sys.argv:
        i = sys.argv.index(name)
        value = sys.argv[i + 1]
        del sys.argv[i:i + 2]
        return value
    return default


THREADS = arg("--threads", "1")
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, THREADS)

import time  # noqa: E402
import numpy as np  # noqa: E402

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]


def parse(arch):
    """`|op~0|+|op~0|op~1|+|op~0|op~1|op~2|` -> [(to_node, from_node, op), ...] for the 6 edges."""
    nodes = arch.strip().strip("|").split("|+|")
    if len(nodes) != 3:
        raise ValueError(f"not an NB201 arch string: {arch}")
    edges = []
    for j, node in enumerate(nodes, start=1):
        for item in node.strip("|").split("|"):
            op, src = item.split("~")
            if op not in OPS:
                raise ValueError(f"unknown operation {op}")
            edges.append((j, int(src), op))
    return edges


class Conv:
    """ReLU (optional) - convolution (k x k, stride s, 'same' padding) - batch norm (inference affine)."""

    def __init__(self, rng, cin, cout, k, stride=1, relu=True):
        self.k, self.stride, self.relu = k, stride, relu
        self.w = (rng.standard_normal((k * k * cin, cout)) * np.sqrt(2.0 / (k * k * cin))).astype(np.float32)
        self.scale = (1 + 0.1 * rng.standard_normal(cout)).astype(np.float32)
        self.shift = (0.1 * rng.standard_normal(cout)).astype(np.float32)

    def __call__(self, x):  # x: H x W x C
        if self.relu:
            x = np.maximum(x, 0)
        k, s = self.k, self.stride
        h, w, c = x.shape
        if k > 1:
            p = k // 2
            x = np.pad(x, ((p, p), (p, p), (0, 0)))
        ho, wo = (h - 1) // s + 1, (w - 1) // s + 1
        # im2col through strides: (ho, wo, k, k, c) view, then one matrix product.
        sh, sw, sc = x.strides
        cols = np.lib.stride_tricks.as_strided(x, (ho, wo, k, k, c), (sh * s, sw * s, sh, sw, sc))
        y = cols.reshape(ho * wo, k * k * c) @ self.w
        return (y * self.scale + self.shift).reshape(ho, wo, -1)


def avg_pool3(x):
    """3x3 average pooling, stride 1, padding 1 (counting only the real inputs, as PyTorch's
    count_include_pad=False)."""
    h, w, c = x.shape
    p = np.pad(x, ((1, 1), (1, 1), (0, 0)))
    ones = np.pad(np.ones((h, w, 1), np.float32), ((1, 1), (1, 1), (0, 0)))
    s = sum(p[i:i + h, j:j + w] for i in range(3) for j in range(3))
    n = sum(ones[i:i + h, j:j + w] for i in range(3) for j in range(3))
    return s / n


class Cell:
    def __init__(self, rng, edges, c):
        self.edges = []
        for to, src, op in edges:
            if op == "nor_conv_1x1":
                f = Conv(rng, c, c, 1)
            elif op == "nor_conv_3x3":
                f = Conv(rng, c, c, 3)
            elif op == "avg_pool_3x3":
                f = avg_pool3
            elif op == "skip_connect":
                f = lambda x: x  # noqa: E731
            else:
                f = None  # none: contributes nothing
            self.edges.append((to, src, f))

    def __call__(self, x):
        nodes = [x, None, None, None]
        for j in (1, 2, 3):
            acc = np.zeros_like(x)
            for to, src, f in self.edges:
                if to == j and f is not None:
                    acc = acc + f(nodes[src])
            nodes[j] = acc
        return nodes[3]


class Reduction:
    """NB201's residual reduction: ReLU-conv3x3(stride 2)-BN, ReLU-conv3x3-BN, plus a shortcut of
    2x2 average pooling then a 1x1 convolution."""

    def __init__(self, rng, cin, cout):
        self.a = Conv(rng, cin, cout, 3, stride=2)
        self.b = Conv(rng, cout, cout, 3)
        self.short = Conv(rng, cin, cout, 1, relu=False)

    def __call__(self, x):
        h, w, c = x.shape
        pooled = x.reshape(h // 2, 2, w // 2, 2, c).mean(axis=(1, 3))
        return self.b(self.a(x)) + self.short(pooled)


class Network:
    def __init__(self, arch, seed=0):
        rng = np.random.default_rng(seed)
        edges = parse(arch)
        self.stem = Conv(rng, 3, 16, 3, relu=False)
        self.layers = []
        for stage, c in enumerate((16, 32, 64)):
            if stage > 0:
                self.layers.append(Reduction(rng, c // 2, c))
            self.layers += [Cell(rng, edges, c) for _ in range(5)]
        self.head = (rng.standard_normal((64, 10)) * 0.1).astype(np.float32)

    def __call__(self, image):
        x = self.stem(image)
        for layer in self.layers:
            x = layer(x)
        x = np.maximum(x, 0).mean(axis=(0, 1))
        return x @ self.head


def time_ms(arch, runs=20, warmup=3, seed=0):
    net = Network(arch, seed)
    image = np.random.default_rng(1).standard_normal((32, 32, 3)).astype(np.float32)
    for _ in range(warmup):
        net(image)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        net(image)
        times.append((time.perf_counter() - t0) * 1e3)
    return float(np.median(times))


def main():
    runs = int(arg("--runs", "20"))
    warmup = int(arg("--warmup", "3"))
    seed = int(arg("--seed", "0"))
    batch = arg("--batch", None)
    name = arg("--name", "cpu")
    if batch:
        import csv
        rows = list(csv.DictReader(line for line in open(batch) if not line.startswith("#")))
        print(f"nb201_index,arch_str,{name}_ms", flush=True)
        for r in rows:
            print(f"{r.get('nb201_index', '')},{r['arch_str']},{time_ms(r['arch_str'], runs, warmup, seed):.4f}", flush=True)
        return
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    print(f"{time_ms(sys.argv[1], runs, warmup, seed):.3f} ms")


if __name__ == "__main__":
    main()
