#!/usr/bin/env python3
"""A seeded (untrained) DS-CNN with the speech contract's shapes, for voice-path benchmarks
before the trained model (issue 4) exists: input `features` [1, 1, 98, 40], output `logits`
[1, 12]. Same blocks as Benchmarks/make_models.py's DS-CNN (64 channels, 4 depthwise-separable
blocks), so its cost is that of a typical keyword spotter on a 1 s window.

usage: make_speech_model.py OUT.onnx
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from make_models import Builder, ds_cnn_trunk  # noqa: E402


def main(out):
    b = Builder(4)
    p = ds_cnn_trunk(b, "features")
    w = b.rng.standard_normal((12, 64)).astype(np.float32) * 0.1
    b.nodes.append(helper.make_node("Gemm", [p, b.const(w), b.const(np.zeros(12, np.float32))], ["logits"], transB=1, name="head"))
    m = b.model("speech-ds-cnn-98x40-bench", [helper.make_tensor_value_info("features", TensorProto.FLOAT, [1, 1, 98, 40])],
                [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 12])])
    onnx.save(m, out)
    print(out)


if __name__ == "__main__":
    main(sys.argv[1])
