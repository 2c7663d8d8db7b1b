#!/usr/bin/env python3
"""A measuring harness with a real runtime: builds an NAS-Bench-201 network in ONNX and times it
with ONNX Runtime on this machine's CPU.

The network is NAS-Bench-201's CIFAR-10 network for one architecture string, as in nb201_cpu.py
(stem 3x3 convolution to 16 channels; three stages of five cells with 16, 32 and 64 channels; a
residual reduction block between stages; global average pooling; a 10-way classifier), with random
weights and batch norm folded into the convolutions, as a deployment runtime sees it: the model is
what an exporter writes, after dead-code elimination, so a cell's dead edges (on no path from its
input to its output) are not in it. That is why modern runtimes rank architectures differently
from the older measurements of the bundled data, which computed dead edges too. It prints the median of the timed runs in milliseconds:

    $ python3 examples/harness/nb201_onnx.py "|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|"
    1.234 ms

    m = measure p cmd="python3 harness/nb201_onnx.py {arch_str}" device=pi5_ort repeats=3

Needs `pip install onnx onnxruntime numpy`; the shell itself never runs Python. Options: --runs N
(default 50), --warmup N (default 10), --threads N (intra-op threads, default 1), --seed N
(weights, default 0), --save FILE.onnx (also write the model).
"""
import sys


def arg(name, default):
    if name in sys.argv:
        i = sys.argv.index(name)
        value = sys.argv[i + 1]
        del sys.argv[i:i + 2]
        return value
    return default


import time  # noqa: E402

import numpy as np  # noqa: E402
import onnx  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

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


class Graph:
    """Builds the ONNX graph node by node; names are fresh per call."""

    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.count = [], [], 0

    def name(self, prefix):
        self.count += 1
        return f"{prefix}{self.count}"

    def node(self, op, inputs, **attrs):
        out = self.name(op.lower())
        self.nodes.append(helper.make_node(op, inputs, [out], **attrs))
        return out

    def const(self, array):
        n = self.name("w")
        self.inits.append(numpy_helper.from_array(array.astype(np.float32), n))
        return n

    def conv(self, x, cin, cout, k, stride=1, relu=True):
        """ReLU (optional) - convolution with batch norm folded in (its scale into the weights)."""
        if relu:
            x = self.node("Relu", [x])
        w = self.rng.standard_normal((cout, cin, k, k)) * np.sqrt(2.0 / (k * k * cin))
        w *= (1 + 0.1 * self.rng.standard_normal(cout))[:, None, None, None]
        b = 0.1 * self.rng.standard_normal(cout)
        p = k // 2
        return self.node("Conv", [x, self.const(w), self.const(b)], kernel_shape=[k, k], strides=[stride, stride], pads=[p, p, p, p])

    def cell(self, x, c, edges):
        states = [x]
        for j in (1, 2, 3):
            terms = []
            for to, src, op in edges:
                if to != j or op == "none":
                    continue
                s = states[src]
                if op == "skip_connect":
                    terms.append(s)
                elif op == "avg_pool_3x3":
                    terms.append(self.node("AveragePool", [s], kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1], count_include_pad=0))
                else:
                    terms.append(self.conv(s, c, c, 1 if op == "nor_conv_1x1" else 3))
            if not terms:  # a node with no input edge: zeros of the cell's shape
                terms.append(self.node("Mul", [x, self.const(np.zeros((1,)))]))
            acc = terms[0]
            for t in terms[1:]:
                acc = self.node("Add", [acc, t])
            states.append(acc)
        return states[3]

    def reduction(self, x, cin, cout):
        a = self.conv(x, cin, cout, 3, stride=2)
        a = self.conv(a, cout, cout, 3)
        s = self.node("AveragePool", [x], kernel_shape=[2, 2], strides=[2, 2])
        s = self.conv(s, cin, cout, 1, relu=False)
        return self.node("Add", [a, s])


def build(arch, seed=0):
    edges = parse(arch)
    g = Graph(seed)
    x = g.conv("input", 3, 16, 3, relu=False)
    c = 16
    for stage in range(3):
        if stage > 0:
            x = g.reduction(x, c, 2 * c)
            c *= 2
        for _ in range(5):
            x = g.cell(x, c, edges)
    x = g.node("Relu", [x])
    x = g.node("GlobalAveragePool", [x])
    x = g.node("Flatten", [x])
    out = g.node("Gemm", [x, g.const(g.rng.standard_normal((c, 10)) * 0.1), g.const(np.zeros(10))])
    # Dead-code elimination, as an exporter does (torch.onnx runs it): only nodes the output
    # depends on are kept, so a cell's dead edges (on no path from its input to its output) are
    # not in the model, as a compiled runtime would not run them.
    needed, keep = {out}, []
    for n in reversed(g.nodes):
        if any(o in needed for o in n.output):
            keep.append(n)
            needed.update(n.input)
    g.nodes = list(reversed(keep))
    g.inits = [t for t in g.inits if t.name in needed]
    graph = helper.make_graph(g.nodes, "nb201", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 32, 32])],
                              [helper.make_tensor_value_info(out, TensorProto.FLOAT, [1, 10])], g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main():
    runs = int(arg("--runs", "50"))
    warmup = int(arg("--warmup", "10"))
    threads = int(arg("--threads", "1"))
    seed = int(arg("--seed", "0"))
    save = arg("--save", None)
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    import onnxruntime as ort

    model = build(sys.argv[1], seed)
    if save:
        onnx.save(model, save)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    session = ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])
    x = np.random.default_rng(seed).standard_normal((1, 3, 32, 32)).astype(np.float32)
    for _ in range(warmup):
        session.run(None, {"input": x})
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        session.run(None, {"input": x})
        times.append(time.perf_counter() - t)
    print(f"{1000 * float(np.median(times)):.4f} ms")


if __name__ == "__main__":
    main()
