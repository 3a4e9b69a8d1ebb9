#!/usr/bin/env python3
"""Writes the int8 version of an fp32 ONNX model with ONNX Runtime's static quantization, after
ONNX Runtime's recommended pre-processing (quant_pre_process: shape inference and graph
optimization, which folds BatchNormalization into Conv so convolutions get quantized): QDQ format, per-channel symmetric int8 weights, uint8 activations, MinMax calibration on a few
seeded random inputs (standard normal, like compare_ort.py's inputs).

usage: quantize_detector.py MODEL.onnx [OUT.onnx] [--calibration 16]
       (default OUT: MODEL-int8.onnx next to MODEL)
then:  python3 Benchmarks/compare_ort.py MODEL.onnx MODEL-int8.onnx --bin .build/release/edge-assistant
"""
import argparse
import os
import tempfile

import numpy as np
import onnx
from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
from onnxruntime.quantization.shape_inference import quant_pre_process


class RandomReader(CalibrationDataReader):
    """Seeded standard-normal feeds for every float input of the model (symbolic dims → 1)."""

    def __init__(self, model, count, seed=1):
        rng = np.random.default_rng(seed)
        inits = {i.name for i in model.graph.initializer}
        specs = []
        for i in model.graph.input:
            if i.name in inits:
                continue
            dims = [d.dim_value if d.dim_value > 0 else 1 for d in i.type.tensor_type.shape.dim]
            specs.append((i.name, dims))
        self.feeds = iter([{n: rng.standard_normal(s).astype(np.float32) for n, s in specs} for _ in range(count)])

    def get_next(self):
        return next(self.feeds, None)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("out", nargs="?")
    ap.add_argument("--calibration", type=int, default=16)
    args = ap.parse_args()
    out = args.out or os.path.splitext(args.model)[0] + "-int8.onnx"
    with tempfile.TemporaryDirectory() as tmp:
        prepared = os.path.join(tmp, "prepared.onnx")
        quant_pre_process(args.model, prepared)
        reader = RandomReader(onnx.load(prepared), args.calibration)
        quantize_static(prepared, out, reader, quant_format=QuantFormat.QDQ, per_channel=True,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8)
    ops = {}
    for n in onnx.load(out).graph.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    print(f"wrote {out}: " + ", ".join(f"{k}×{v}" for k, v in sorted(ops.items())))


if __name__ == "__main__":
    main()
