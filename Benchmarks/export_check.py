#!/usr/bin/env python3
"""Checks that an ONNX model exported by edge-assistant (`edge-assistant export`) is valid ONNX
and that ONNX Runtime reproduces the expected outputs.

Runs onnx.checker (full check with shape inference), then ONNX Runtime single-threaded on the
given inputs, and compares each output with EXPECTED_DIR/<output name>.npy (names sanitised as
by the CLI) within --rtol / --atol. Exit status 0 when every output matches, 1 otherwise.

usage: export_check.py EXPORTED.onnx EXPECTED_DIR [--input NAME=FILE.npy ...] [--rtol 1e-3] [--atol 1e-4]
"""
import argparse
import os
import sys

import numpy as np
import onnx

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from onnx_reference import random_input, safe_name, session  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("expected_dir")
    ap.add_argument("--input", action="append", default=[], metavar="NAME=FILE.npy")
    ap.add_argument("--seed", type=int, default=42, help="seed for inputs not given (as in onnx_reference.py)")
    ap.add_argument("--rtol", type=float, default=1e-3)
    ap.add_argument("--atol", type=float, default=1e-4)
    args = ap.parse_args()

    model = onnx.load(args.model)
    onnx.checker.check_model(model, full_check=True)
    print(f"onnx.checker: ok (ir_version {model.ir_version}, opset {[o.version for o in model.opset_import]})")

    sess = session(args.model)
    given = {}
    for spec in args.input:
        name, sep, path = spec.partition("=")
        if not sep:
            sys.exit(f"--input must be NAME=FILE.npy, got '{spec}'")
        given[name] = np.load(path)
    rng = np.random.default_rng(args.seed)
    feeds = {i.name: given[i.name] if i.name in given else random_input(i, rng) for i in sess.get_inputs()}
    ok = True
    for info, got in zip(sess.get_outputs(), sess.run(None, feeds)):
        path = os.path.join(args.expected_dir, safe_name(info.name) + ".npy")
        if not os.path.exists(path):
            print(f"{info.name}: no expected file {path}")
            ok = False
            continue
        want = np.load(path)
        if got.shape != want.shape:
            print(f"{info.name}: shape {list(got.shape)}, expected {list(want.shape)}")
            ok = False
            continue
        diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
        close = np.allclose(got, want, rtol=args.rtol, atol=args.atol, equal_nan=True)
        print(f"{info.name}: max abs diff {diff.max() if diff.size else 0:.3g} {'ok' if close else 'MISMATCH'}")
        ok = ok and close
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
