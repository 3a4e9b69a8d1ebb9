#!/usr/bin/env python3
"""Runs ONNX Runtime and EdgeAssistant on the same model and the same inputs, one after the
other in one invocation, both single-threaded, and prints max abs/rel output difference and the
latency ratio ours/ORT (< 1.0 means we are faster).

usage: compare_ort.py MODEL.onnx [MODEL.onnx ...] [--runs 200] [--bin .build/release/edge-assistant] [--json]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnxruntime as ort


def ort_session(path):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])


def make_inputs(sess, seed=0):
    rng = np.random.default_rng(seed)
    feeds = {}
    for i in sess.get_inputs():
        shape = [d if isinstance(d, int) else 1 for d in i.shape]
        if "int64" in i.type:
            feeds[i.name] = rng.integers(0, 100, shape).astype(np.int64)
        elif "int32" in i.type:
            feeds[i.name] = rng.integers(0, 100, shape).astype(np.int32)
        else:
            feeds[i.name] = rng.standard_normal(shape).astype(np.float32)
    return feeds


def time_ort(sess, feeds, runs, warmup=10):
    for _ in range(warmup):
        sess.run(None, feeds)
    lat = []
    cpu0 = time.process_time()
    for _ in range(runs):
        t = time.perf_counter()
        sess.run(None, feeds)
        lat.append((time.perf_counter() - t) * 1000)
    cpu = (time.process_time() - cpu0) * 1000 / runs
    lat.sort()
    return {"p50_ms": lat[len(lat) // 2], "p99_ms": lat[min(len(lat) - 1, int(len(lat) * 0.99))], "cpu_ms_per_run": cpu}


def safe(name):
    s = "".join(c if (c.isalnum() or c in "._-") else "_" for c in name)
    return s if s not in ("", ".", "..") else "_" + s


def compare(model, binary, runs, workdir):
    sess = ort_session(model)
    feeds = make_inputs(sess)
    expected = sess.run(None, feeds)
    args = []
    for name, arr in feeds.items():
        p = os.path.join(workdir, safe(name) + ".in.npy")
        np.save(p, arr)
        args += ["--input", f"{name}={p}"]
    outdir = os.path.join(workdir, "out")
    subprocess.run([binary, "run", model, *args, "--output-dir", outdir], check=True, capture_output=True)
    max_abs, max_rel = 0.0, 0.0
    for o, ref in zip(sess.get_outputs(), expected):
        ours = np.load(os.path.join(outdir, safe(o.name) + ".npy"))
        if ours.shape != ref.shape:
            raise SystemExit(f"{model}: output {o.name} shape {ours.shape} != ORT {ref.shape}")
        d = np.abs(ours.astype(np.float64) - ref.astype(np.float64))
        max_abs = max(max_abs, float(d.max(initial=0)))
        max_rel = max(max_rel, float((d / np.maximum(np.abs(ref), 1e-6)).max(initial=0)))
    ort_t = time_ort(sess, feeds, runs)
    res = subprocess.run([binary, "bench", model, *args, "--runs", str(runs), "--warmup", "10", "--threads", "1", "--json"],
                         check=True, capture_output=True, text=True)
    ours_t = json.loads(res.stdout.strip().splitlines()[-1])
    return {
        "model": os.path.basename(model),
        "max_abs_diff": max_abs, "max_rel_diff": max_rel,
        "ort_p50_ms": ort_t["p50_ms"], "ours_p50_ms": ours_t["p50_ms"],
        "ort_cpu_ms": ort_t["cpu_ms_per_run"], "ours_cpu_ms": ours_t["cpu_ms_per_run"],
        "ratio_p50": ours_t["p50_ms"] / ort_t["p50_ms"],
        "isa": ours_t.get("isa", "?"),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="+")
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--bin", default=os.path.join(os.path.dirname(__file__), "..", ".build", "release", "edge-assistant"))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    print(f"onnxruntime {ort.__version__}, numpy {np.__version__}, 1 thread each", file=sys.stderr)
    rows = []
    for m in args.models:
        with tempfile.TemporaryDirectory() as d:
            rows.append(compare(m, args.bin, args.runs, d))
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"| model | max abs diff | max rel diff | ORT p50 ms | ours p50 ms | ours/ORT | ORT CPU ms | ours CPU ms |")
    print(f"|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['model']} | {r['max_abs_diff']:.2e} | {r['max_rel_diff']:.2e} | {r['ort_p50_ms']:.3f} | {r['ours_p50_ms']:.3f} | "
              f"{r['ratio_p50']:.2f} | {r['ort_cpu_ms']:.3f} | {r['ours_cpu_ms']:.3f} |")


if __name__ == "__main__":
    main()
