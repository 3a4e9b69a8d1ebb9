#!/usr/bin/env python3
"""Builds a small seeded CNN (3×3 conv + BN-free Relu, depthwise 3×3 s2 + Relu, pointwise conv,
residual Add, Clip, GlobalAveragePool, Gemm), quantizes it with ONNX Runtime's quantize_static
(QDQ, per-channel int8 weights, uint8 activations, MinMax calibration on seeded random inputs),
and writes into OUT_DIR:
    model_fp32.onnx, model_qdq.onnx, input.npy, ort_qdq.npy (ORT's output on the QDQ model),
    ort_step.npy (the output quantization step of the final Gemm's QuantizeLinear; for tolerances).

usage: make_qdq_cnn.py OUT_DIR
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
import onnxruntime as ort
from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static


def build(rng):
    inits, nodes = [], []

    def const(name, arr):
        inits.append(numpy_helper.from_array(arr.astype(np.float32), name))
        return name

    def conv(x, y, cin, cout, k, s=1, groups=1):
        w = rng.standard_normal((cout, cin // groups, k, k)) * np.sqrt(2.0 / (cin // groups * k * k))
        b = rng.uniform(-0.2, 0.2, cout)
        nodes.append(helper.make_node("Conv", [x, const(y + "_w", w), const(y + "_b", b)], [y], kernel_shape=[k, k],
                                      strides=[s, s], pads=[k // 2] * 4, group=groups))
        return y

    conv("image", "c1", 3, 16, 3, s=2)
    nodes.append(helper.make_node("Relu", ["c1"], ["r1"]))
    conv("r1", "c2", 16, 16, 3, s=2, groups=16)
    nodes.append(helper.make_node("Relu", ["c2"], ["r2"]))
    conv("r2", "c3", 16, 16, 1)
    nodes.append(helper.make_node("Add", ["r2", "c3"], ["a3"]))
    conv("a3", "c4", 16, 24, 3)
    nodes.append(helper.make_node("Clip", ["c4", const("lo", np.array(0.0)), const("hi", np.array(6.0))], ["r4"]))
    nodes.append(helper.make_node("GlobalAveragePool", ["r4"], ["gap"]))
    nodes.append(helper.make_node("Flatten", ["gap"], ["flat"], axis=1))
    wf = rng.standard_normal((10, 24)) * 0.3
    nodes.append(helper.make_node("Gemm", ["flat", const("fc_w", wf), const("fc_b", rng.uniform(-0.1, 0.1, 10))], ["logits"], transB=1))
    g = helper.make_graph(nodes, "qdq-cnn", [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, 32, 32])],
                          [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 10])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    onnx.checker.check_model(m)
    return m


class Reader(CalibrationDataReader):
    def __init__(self, seed, count, shape):
        rng = np.random.default_rng(seed)
        self.data = iter([{"image": rng.standard_normal(shape).astype(np.float32)} for _ in range(count)])

    def get_next(self):
        return next(self.data, None)


def quantize(fp32_path, qdq_path, input_name_shape, seed=1, count=8):
    name, shape = input_name_shape
    reader = Reader(seed, count, shape)
    reader.data = iter([{name: d["image"]} for d in reader.data])
    quantize_static(fp32_path, qdq_path, reader, quant_format=QuantFormat.QDQ, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(0)
    fp32, qdq = os.path.join(out, "model_fp32.onnx"), os.path.join(out, "model_qdq.onnx")
    onnx.save(build(rng), fp32)
    quantize(fp32, qdq, ("image", [1, 3, 32, 32]))
    x = np.random.default_rng(7).standard_normal((1, 3, 32, 32)).astype(np.float32)
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    y = ort.InferenceSession(qdq, so, providers=["CPUExecutionProvider"]).run(None, {"image": x})[0]
    np.save(os.path.join(out, "input.npy"), x)
    np.save(os.path.join(out, "ort_qdq.npy"), y.astype(np.float32))
    model = onnx.load(qdq)
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    last_q = [n for n in model.graph.node if n.op_type == "QuantizeLinear" and n.output[0].startswith("logits")]
    step = float(inits[last_q[-1].input[1]]) if last_q else 0.0
    np.save(os.path.join(out, "ort_step.npy"), np.array([step], np.float32))
    print(" ".join(n.op_type for n in model.graph.node))


if __name__ == "__main__":
    main()
