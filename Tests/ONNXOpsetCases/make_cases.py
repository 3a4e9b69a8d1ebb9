#!/usr/bin/env python3
"""Writes old-opset ONNX models with ONNX Runtime's outputs as backend-style test cases:
OUT_DIR/<case>/model.onnx and OUT_DIR/<case>/test_data_set_0/{input,output}_<i>.pb.

ONNX Runtime implements each old opset natively, so these outputs check EdgeONNX's opset
translation (Tests/EdgeONNXTests/ONNXOpsetReferenceTests.swift) against an independent
implementation. Cases ORT itself rejects are left out (printed as SKIP).

usage: make_cases.py OUT_DIR
"""
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

rng = np.random.default_rng(7)
F = np.float32


def case(name, opset, nodes, inputs, outputs, inits=(), ir=None):
    """inputs: [(name, array)]; outputs: [name]; inits: [(name, array)]."""
    g = h.make_graph(
        nodes, name,
        [h.make_tensor_value_info(n, h.np_dtype_to_tensor_dtype(a.dtype), a.shape) for n, a in inputs],
        [h.make_empty_tensor_value_info(n) for n in outputs],
        [nh.from_array(a, n) for n, a in inits])
    m = h.make_model(g, opset_imports=[h.make_opsetid("", opset)])
    m.ir_version = ir or (3 if opset < 7 else 7 if opset < 13 else 8)
    try:
        so = ort.SessionOptions()
        so.log_severity_level = 3
        sess = ort.InferenceSession(m.SerializeToString(), so, providers=["CPUExecutionProvider"])
        got = sess.run(None, dict(inputs))
    except Exception as e:  # noqa: BLE001 - ORT's own opset support decides
        print(f"SKIP {name}: {str(e)[:120]}")
        return
    d = os.path.join(OUT, name, "test_data_set_0")
    os.makedirs(d, exist_ok=True)
    for i, out in enumerate(got):  # declare real output types so our importer sees them
        m.graph.output[i].type.tensor_type.elem_type = h.np_dtype_to_tensor_dtype(out.dtype)
    onnx.save(m, os.path.join(OUT, name, "model.onnx"))
    for i, (_, a) in enumerate(inputs):
        open(os.path.join(d, f"input_{i}.pb"), "wb").write(nh.from_array(a).SerializeToString())
    for i, a in enumerate(got):
        open(os.path.join(d, f"output_{i}.pb"), "wb").write(nh.from_array(a).SerializeToString())
    print(f"OK {name}")


def x(*shape, lo=-2, hi=2):
    return rng.uniform(lo, hi, shape).astype(F)


def main():
    n = h.make_node
    for mode in ["constant", "reflect", "edge"]:
        case(f"pad6_{mode}", 6, [n("Pad", ["x"], ["y"], pads=[0, 1, 2, 0, 0, 2, 1, 1], mode=mode, value=1.5)], [("x", x(2, 3, 4, 4))], ["y"])
    case("clip6", 6, [n("Clip", ["x"], ["y"], min=-0.5, max=0.7)], [("x", x(3, 5))], ["y"])
    case("clip6_min_only", 6, [n("Clip", ["x"], ["y"], min=0.1)], [("x", x(3, 5))], ["y"])
    case("squeeze11", 11, [n("Squeeze", ["x"], ["y"], axes=[0, -2])], [("x", x(1, 3, 1, 2))], ["y"])
    case("unsqueeze11", 11, [n("Unsqueeze", ["x"], ["y"], axes=[0, -1])], [("x", x(3, 2))], ["y"])
    case("reducesum12_keep", 12, [n("ReduceSum", ["x"], ["y"], axes=[1], keepdims=1)], [("x", x(2, 3, 4))], ["y"])
    case("reducesum12_all", 12, [n("ReduceSum", ["x"], ["y"], keepdims=0)], [("x", x(2, 3, 4))], ["y"])
    for op in ["ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL2", "ReduceLogSumExp", "ReduceSumSquare"]:
        case(f"{op.lower()}13", 13, [n(op, ["x"], ["y"], axes=[0, -1], keepdims=0)], [("x", x(2, 3, 4, lo=0.1))], ["y"])
    case("split11_sizes", 11, [n("Split", ["x"], ["a", "b"], axis=1, split=[1, 3])], [("x", x(2, 4))], ["a", "b"])
    case("split11_equal", 11, [n("Split", ["x"], ["a", "b", "c"], axis=-1)], [("x", x(2, 6))], ["a", "b", "c"])
    case("split13_equal", 13, [n("Split", ["x"], ["a", "b"], axis=0)], [("x", x(4, 3))], ["a", "b"])
    case("slice9", 9, [n("Slice", ["x"], ["y"], starts=[1, -3], ends=[1000, -1], axes=[0, 2])], [("x", x(3, 4, 5))], ["y"])
    case("slice9_noaxes", 9, [n("Slice", ["x"], ["y"], starts=[0, 1], ends=[2, 3])], [("x", x(3, 4))], ["y"])
    case("topk9", 9, [n("TopK", ["x"], ["v", "i"], k=2, axis=1)], [("x", x(3, 5))], ["v", "i"])
    for op, opset in [("Softmax", 11), ("LogSoftmax", 9), ("Hardmax", 11)]:
        for axis in [0, 1, 2]:
            case(f"{op.lower()}{opset}_axis{axis}", opset, [n(op, ["x"], ["y"], axis=axis)], [("x", x(2, 3, 4))], ["y"])
    case("softmax11_default_axis", 11, [n("Softmax", ["x"], ["y"])], [("x", x(2, 3, 4))], ["y"])
    case("upsample9_nearest", 9, [n("Upsample", ["x", "s"], ["y"], mode="nearest")], [("x", x(1, 2, 3, 2))], ["y"],
         [("s", np.array([1, 1, 2, 3], F))])
    case("upsample7_linear", 7, [n("Upsample", ["x"], ["y"], mode="linear", scales=[1.0, 1.0, 2.0, 2.0])], [("x", x(1, 2, 3, 2))], ["y"])
    case("upsample7_nearest_frac", 7, [n("Upsample", ["x"], ["y"], mode="nearest", scales=[1.0, 1.0, 1.5, 2.5])], [("x", x(1, 1, 4, 3))], ["y"])
    case("resize10_nearest", 10, [n("Resize", ["x", "s"], ["y"], mode="nearest")], [("x", x(1, 2, 3, 2))], ["y"], [("s", np.array([1, 1, 2, 1.5], F))])
    case("resize10_linear", 10, [n("Resize", ["x", "s"], ["y"], mode="linear")], [("x", x(1, 2, 3, 2))], ["y"], [("s", np.array([1, 1, 2, 2], F))])
    bn = [("s", x(3, lo=0.5)), ("b", x(3)), ("m", x(3)), ("v", x(3, lo=0.5, hi=2))]
    case("batchnorm7_spatial", 7, [n("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], spatial=1, epsilon=1e-3)], [("x", x(2, 3, 4))], ["y"], bn)
    case("batchnorm6_is_test", 6, [n("BatchNormalization", ["x", "s", "b", "m", "v"], ["y"], is_test=1)], [("x", x(2, 3, 2, 2))], ["y"], bn)
    case("add6_axis1", 6, [n("Add", ["a", "b"], ["y"], broadcast=1, axis=1)], [("a", x(2, 3, 4, 5)), ("b", x(3, 4))], ["y"])
    case("mul6_axis0", 6, [n("Mul", ["a", "b"], ["y"], broadcast=1, axis=0)], [("a", x(2, 3)), ("b", x(2))], ["y"])
    case("sub6_suffix", 6, [n("Sub", ["a", "b"], ["y"], broadcast=1)], [("a", x(2, 3)), ("b", x(3))], ["y"])
    case("div6_const_axis", 6, [n("Div", ["a", "b"], ["y"], broadcast=1, axis=1)], [("a", x(2, 3, 2))], ["y"], [("b", x(3, lo=0.5))])
    case("prelu6_channel", 6, [n("PRelu", ["x", "s"], ["y"])], [("x", x(2, 3, 4))], ["y"], [("s", x(3))])
    case("dropout7", 7, [n("Dropout", ["x"], ["y"], ratio=0.3)], [("x", x(3, 4))], ["y"])
    case("dropout12_mask_unused", 12, [n("Dropout", ["x"], ["y", "mask"])], [("x", x(3, 4))], ["y"])
    case("cast6", 6, [n("Cast", ["x"], ["y"], to=T.INT32)], [("x", x(3, 4, lo=-9, hi=9))], ["y"])
    case("gemm6_broadcast", 6, [n("Gemm", ["a", "w", "c"], ["y"], broadcast=1, transB=1)], [("a", x(2, 3))], ["y"], [("w", x(4, 3)), ("c", x(4))])
    case("imagescaler8", 8, [n("ImageScaler", ["x"], ["y"], scale=0.5, bias=[1.0, -2.0, 0.25])], [("x", x(2, 3, 2, 2))], ["y"])
    idx = np.array([[1, 0, 2], [0, 2, 1]], np.int64)
    case("scatter9", 9, [n("Scatter", ["x", "i", "u"], ["y"], axis=1)], [("x", x(2, 3))], ["y"], [("i", idx), ("u", x(2, 3))])


if __name__ == "__main__":
    OUT = sys.argv[1]
    main()
