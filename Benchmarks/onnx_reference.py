#!/usr/bin/env python3
"""Runs an ONNX model in ONNX Runtime, single-threaded and without spinning, and writes every
output as OUT_DIR/<output name>.npy (characters outside [A-Za-z0-9._-] become '_', as in the
edge-assistant CLI). Inputs come from NAME=FILE.npy arguments; inputs not given are seeded
random float32 (int64/int32: integers in [0, 8)) of the declared shape, symbolic dims = 1.

usage: onnx_reference.py MODEL.onnx OUT_DIR [--input NAME=FILE.npy ...] [--seed 42] [--save-inputs]
"""
import argparse
import os
import re
import sys

import numpy as np
import onnxruntime as ort


def session(path):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    so.add_session_config_entry("session.inter_op.allow_spinning", "0")
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def safe_name(name):
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", name)
    return "_" + safe if safe in ("", ".", "..") else safe


def random_input(info, rng):
    shape = [d if isinstance(d, int) and d >= 0 else 1 for d in info.shape]
    if info.type == "tensor(float)":
        return rng.uniform(-1, 1, shape).astype(np.float32)
    if info.type == "tensor(int64)":
        return rng.integers(0, 8, shape).astype(np.int64)
    if info.type == "tensor(int32)":
        return rng.integers(0, 8, shape).astype(np.int32)
    sys.exit(f"cannot invent {info.type} input '{info.name}'; pass it with --input {info.name}=FILE.npy")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("model")
    ap.add_argument("out_dir")
    ap.add_argument("--input", action="append", default=[], metavar="NAME=FILE.npy")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--save-inputs", action="store_true", help="also write the inputs used as input_<name>.npy")
    args = ap.parse_args()

    sess = session(args.model)
    given = {}
    for spec in args.input:
        name, sep, path = spec.partition("=")
        if not sep or not name:
            sys.exit(f"--input must be NAME=FILE.npy, got '{spec}'")
        given[name] = np.load(path)
    known = {i.name for i in sess.get_inputs()}
    unknown = set(given) - known
    if unknown:
        sys.exit(f"unknown input(s) {sorted(unknown)}; the model takes {sorted(known)}")

    rng = np.random.default_rng(args.seed)
    feeds = {i.name: given[i.name] if i.name in given else random_input(i, rng) for i in sess.get_inputs()}
    outputs = sess.run(None, feeds)
    os.makedirs(args.out_dir, exist_ok=True)
    if args.save_inputs:
        for name, value in feeds.items():
            np.save(os.path.join(args.out_dir, "input_" + safe_name(name) + ".npy"), value)
    for info, value in zip(sess.get_outputs(), outputs):
        path = os.path.join(args.out_dir, safe_name(info.name) + ".npy")
        np.save(path, value)
        print(f"{info.name}: {value.dtype}{list(value.shape)} -> {path}")


if __name__ == "__main__":
    main()
