#!/usr/bin/env python3
"""Builds the benchmark graphs as ONNX files with seeded random weights (no training, no
download): a MobileNetV3-style anchor-free detector, a DS-CNN and a CRNN keyword spotter, and an
embedding + MLP match-quality ranker. They have the architecture and size of the shipped model
families so engine speed can be compared with ONNX Runtime before the trained models exist.

usage: make_models.py OUT_DIR [--detector-size 320]
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Builder:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.n = [], [], 0

    def name(self, p):
        self.n += 1
        return f"{p}{self.n}"

    def const(self, arr, p="w"):
        n = self.name(p)
        arr = np.asarray(arr)
        if arr.dtype == np.float64:  # numpy 2 promotes float32 * np.float64 scalars to float64
            arr = arr.astype(np.float32)
        self.inits.append(numpy_helper.from_array(arr, n))
        return n

    def node(self, op, inputs, n_out=1, **attrs):
        outs = [self.name(op.lower() + "_") for _ in range(n_out)]
        self.nodes.append(helper.make_node(op, inputs, outs, name=self.name(op), **attrs))
        return outs[0] if n_out == 1 else outs

    def conv_bn(self, x, cin, cout, k=1, s=1, groups=1, act="Relu"):
        w = self.rng.standard_normal((cout, cin // groups, k, k)).astype(np.float32) * np.sqrt(2.0 / (cin // groups * k * k))
        y = self.node("Conv", [x, self.const(w)], kernel_shape=[k, k], strides=[s, s], pads=[k // 2] * 4, group=groups)
        scale = self.rng.uniform(0.5, 1.5, cout).astype(np.float32)
        bias = self.rng.uniform(-0.1, 0.1, cout).astype(np.float32)
        mean = self.rng.uniform(-0.1, 0.1, cout).astype(np.float32)
        var = self.rng.uniform(0.5, 1.5, cout).astype(np.float32)
        y = self.node("BatchNormalization", [y, self.const(scale), self.const(bias), self.const(mean), self.const(var)], epsilon=1e-5)
        if act == "Relu":
            y = self.node("Relu", [y])
        elif act == "HardSwish":
            y = self.node("HardSwish", [y])
        return y

    def se(self, x, c):
        r = max(8, c // 4)
        p = self.node("GlobalAveragePool", [x])
        w1 = self.rng.standard_normal((r, c, 1, 1)).astype(np.float32) * np.sqrt(2.0 / c)
        h = self.node("Relu", [self.node("Conv", [p, self.const(w1), self.const(np.zeros(r, np.float32))], kernel_shape=[1, 1])])
        w2 = self.rng.standard_normal((c, r, 1, 1)).astype(np.float32) * np.sqrt(1.0 / r)
        g = self.node("HardSigmoid", [self.node("Conv", [h, self.const(w2), self.const(np.zeros(c, np.float32))], kernel_shape=[1, 1])], alpha=1.0 / 6, beta=0.5)
        return self.node("Mul", [x, g])

    def model(self, name, inputs, outputs, opset=17):
        g = helper.make_graph(self.nodes, name, inputs, outputs, self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="edge-assistant-benchmarks")
        m.ir_version = 8
        onnx.checker.check_model(m)
        return m


def detector(size, width=1.0):
    """MobileNetV3-small-style backbone (depthwise separable bottlenecks, SE, hard-swish) and a
    single-stage anchor-free head (class heatmap + box regression) at stride 16."""
    b = Builder(1)
    c = lambda v: max(8, int(v * width + 4) // 8 * 8)
    x = b.conv_bn("image", 3, c(16), k=3, s=2, act="HardSwish")
    cin = c(16)
    # (kernel, expand, out, se, act, stride) — MobileNetV3-small table
    for k, e, o, se, act, s in [(3, 16, 16, True, "Relu", 2), (3, 72, 24, False, "Relu", 2), (3, 88, 24, False, "Relu", 1),
                                (5, 96, 40, True, "HardSwish", 2), (5, 240, 40, True, "HardSwish", 1), (5, 240, 40, True, "HardSwish", 1),
                                (5, 120, 48, True, "HardSwish", 1), (5, 144, 48, True, "HardSwish", 1)]:
        e, o = c(e), c(o)
        y = b.conv_bn(x, cin, e, k=1, act=act) if e != cin else x
        y = b.conv_bn(y, e, e, k=k, s=s, groups=e, act=act)
        if se:
            y = b.se(y, e)
        y = b.conv_bn(y, e, o, k=1, act=None)
        x = b.node("Add", [x, y]) if (s == 1 and cin == o) else y
        cin = o
    h = b.conv_bn(x, cin, c(64), k=3, act="Relu")
    wc = b.rng.standard_normal((5, c(64), 1, 1)).astype(np.float32) * 0.05
    heat = b.node("Sigmoid", [b.node("Conv", [h, b.const(wc), b.const(np.full(5, -2.0, np.float32))], kernel_shape=[1, 1])])
    wb = b.rng.standard_normal((4, c(64), 1, 1)).astype(np.float32) * 0.05
    box = b.node("Relu", [b.node("Conv", [h, b.const(wb), b.const(np.ones(4, np.float32))], kernel_shape=[1, 1])])
    out = b.node("Concat", [heat, box], axis=1)
    b.nodes[-1].output[0] = "detections"
    inp = [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, size, size])]
    outs = [helper.make_tensor_value_info("detections", TensorProto.FLOAT, [1, 9, size // 16, size // 16])]
    return b.model("ar-landmarks-bench", inp, outs)


def ds_cnn_trunk(b, x):
    """DS-CNN body: strided 3x3 stem, 4 depthwise-separable 64-channel blocks, pooled to [1, 64]."""
    x = b.conv_bn(x, 1, 64, k=3, s=2, act="Relu")
    for _ in range(4):
        x = b.conv_bn(x, 64, 64, k=3, groups=64, act="Relu")
        x = b.conv_bn(x, 64, 64, k=1, act="Relu")
    return b.node("Flatten", [b.node("GlobalAveragePool", [x])])


def ds_cnn():
    """DS-CNN keyword spotter on a [1, 1, 49, 40] log-mel window, 12 classes."""
    b = Builder(2)
    p = ds_cnn_trunk(b, "mel")
    w = b.rng.standard_normal((12, 64)).astype(np.float32) * 0.1
    y = b.node("Gemm", [p, b.const(w), b.const(np.zeros(12, np.float32))], transB=1)
    b.nodes.append(helper.make_node("Softmax", [y], ["probs"], axis=1, name="softmax"))
    return b.model("speech-ds-cnn-bench", [helper.make_tensor_value_info("mel", TensorProto.FLOAT, [1, 1, 49, 40])],
                   [helper.make_tensor_value_info("probs", TensorProto.FLOAT, [1, 12])])


def crnn():
    """CRNN keyword spotter: conv front end, a GRU over time, a linear classifier."""
    b = Builder(3)
    x = b.conv_bn("mel", 1, 32, k=3, s=1, act="Relu")                    # [1,32,49,40]
    x = b.node("MaxPool", [x], kernel_shape=[1, 2], strides=[1, 2])       # [1,32,49,20]
    x = b.node("Transpose", [x], perm=[2, 0, 1, 3])                       # [49,1,32,20]
    x = b.node("Reshape", [x, b.const(np.array([49, 1, 640], np.int64))])
    hidden = 64
    w = b.rng.standard_normal((1, 3 * hidden, 640)).astype(np.float32) * 0.05
    r = b.rng.standard_normal((1, 3 * hidden, hidden)).astype(np.float32) * 0.1
    _, h = b.node("GRU", [x, b.const(w), b.const(r)], n_out=2, hidden_size=hidden, linear_before_reset=1)
    h = b.node("Reshape", [h, b.const(np.array([1, hidden], np.int64))])
    wl = b.rng.standard_normal((hidden, 12)).astype(np.float32) * 0.1
    y = b.node("MatMul", [h, b.const(wl)])
    b.nodes.append(helper.make_node("LogSoftmax", [y], ["logits"], axis=1, name="lsm"))
    return b.model("speech-crnn-bench", [helper.make_tensor_value_info("mel", TensorProto.FLOAT, [1, 1, 49, 40])],
                   [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 12])])


def ranker(candidates=64, players=10000, dim=32):
    """Match-quality ranker: player and candidate embeddings + dense features → MLP → score."""
    b = Builder(4)
    table = b.const(b.rng.standard_normal((players, dim)).astype(np.float32) * 0.1)
    e = b.node("Gather", [table, "ids"], axis=0)                          # [C, 2, dim]
    e = b.node("Reshape", [e, b.const(np.array([candidates, 2 * dim], np.int64))])
    x = b.node("Concat", [e, "features"], axis=1)                         # [C, 2*dim + 16]
    cin = 2 * dim + 16
    for cout in [128, 64, 32]:
        w = b.rng.standard_normal((cin, cout)).astype(np.float32) * np.sqrt(2.0 / cin)
        x = b.node("Relu", [b.node("Gemm", [x, b.const(w), b.const(np.zeros(cout, np.float32))])])
        cin = cout
    w = b.rng.standard_normal((cin, 1)).astype(np.float32) * 0.1
    y = b.node("Gemm", [x, b.const(w), b.const(np.zeros(1, np.float32))])
    b.nodes.append(helper.make_node("Sigmoid", [y], ["score"], name="score"))
    inputs = [helper.make_tensor_value_info("ids", TensorProto.INT64, [candidates, 2]),
              helper.make_tensor_value_info("features", TensorProto.FLOAT, [candidates, 16])]
    return b.model("match-quality-bench", inputs, [helper.make_tensor_value_info("score", TensorProto.FLOAT, [candidates, 1])])


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out")
    ap.add_argument("--detector-size", type=int, default=320)
    ap.add_argument("--detector-width", type=float, default=1.0)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    models = {
        f"detector-{args.detector_size}.onnx": detector(args.detector_size, args.detector_width),
        "speech-ds-cnn.onnx": ds_cnn(),
        "speech-crnn.onnx": crnn(),
        "match-ranker.onnx": ranker(),
    }
    for name, m in models.items():
        path = os.path.join(args.out, name)
        onnx.save(m, path)
        print(path)


if __name__ == "__main__":
    main()
