#!/usr/bin/env python3
"""Our int8 post-training quantization (`compress --method int8`) next to ONNX Runtime's
`quantize_static` on the same float model and the same calibration data, in one run:

1. writes CAL/image_<i>.npy (16 seeded standard-normal inputs: the exact feeds
   quantize_detector.py gives ORT) and EVAL/image_<i>.npy (16 others, seed 2);
2. ORT int8: quantize_detector.py (QDQ, per-channel int8 weights, uint8 activations, MinMax);
3. ours: edge-assistant compress --method int8 --calibration CAL --eval EVAL [extra args], then
   edge-assistant export to ONNX;
4. agreement with the float model over EVAL (mean/min cosine of all outputs) for ORT's int8, our
   int8 run by us, and our int8 export run by ORT;
5. latency: compare_ort.py on the float model, ORT's int8 and our exported int8 (each run by ORT
   and by us, 1 thread) and `bench` on our .edge.

usage: ptq_detector.py MODEL.onnx WORKDIR [--bin .build/release/edge-assistant] [--runs 200] [-- extra compress args]
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np
import onnxruntime as ort

HERE = os.path.dirname(os.path.abspath(__file__))


def write_set(model, path, seed, count=16):
    os.makedirs(path, exist_ok=True)
    sess = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(seed)
    for k in range(count):
        for i in sess.get_inputs():
            shape = [d if isinstance(d, int) else 1 for d in i.shape]
            np.save(os.path.join(path, f"{i.name}_{k}.npy"), rng.standard_normal(shape).astype(np.float32))


def feeds(path, sess):
    names = sorted({f.rsplit("_", 1)[1][:-4] for f in os.listdir(path)}, key=int)
    return [{i.name: np.load(os.path.join(path, f"{i.name}_{k}.npy")) for i in sess.get_inputs()} for k in names]


def cosines(a, b):
    out = []
    for x, y in zip(a, b):
        x, y = x.astype(np.float64).ravel(), y.astype(np.float64).ravel()
        out.append(float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y) + 1e-30)))
    return out


def main():
    argv = sys.argv[1:]
    extra = argv[argv.index("--") + 1:] if "--" in argv else []
    argv = argv[:argv.index("--")] if "--" in argv else argv
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("workdir")
    ap.add_argument("--bin", default=os.path.join(HERE, "..", ".build", "release", "edge-assistant"))
    ap.add_argument("--runs", type=int, default=200)
    a = ap.parse_args(argv)
    os.makedirs(a.workdir, exist_ok=True)
    cal, ev = os.path.join(a.workdir, "cal"), os.path.join(a.workdir, "eval")
    write_set(a.model, cal, 1)
    write_set(a.model, ev, 2)
    ort_int8 = os.path.join(a.workdir, "ort-int8.onnx")
    subprocess.run([sys.executable, os.path.join(HERE, "quantize_detector.py"), a.model, ort_int8], check=True)
    ours = os.path.join(a.workdir, "ours-int8.edge")
    cmd = [a.bin, "compress", a.model, "-o", ours, "--method", "int8", "--calibration", cal, "--eval", ev, *extra]
    print("$", " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True)
    ours_onnx = os.path.join(a.workdir, "ours-int8.onnx")
    subprocess.run([a.bin, "export", ours, "-o", ours_onnx], check=True)

    ref = ort.InferenceSession(a.model, providers=["CPUExecutionProvider"])
    samples = feeds(ev, ref)
    float_out = [ref.run(None, f) for f in samples]
    report = json.load(open(os.path.splitext(ours)[0] + ".report.json"))
    rows = {"ours int8 (our engine)": (report["agreement"]["cosineSimilarity"], report["agreement"]["minCosineSimilarity"])}
    for name, path in [("ORT quantize_static int8 (ORT)", ort_int8), ("ours int8 export (ORT)", ours_onnx)]:
        s = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        cs = [c for f, r in zip(samples, float_out) for c in cosines(r, s.run(None, f))]
        rows[name] = (float(np.mean(cs)), float(np.min(cs)))
    print("| int8 model | mean cosine vs float | min cosine |\n|---|---|---|")
    for k, (m, n) in rows.items():
        print(f"| {k} | {m:.5f} | {n:.5f} |")
    print(f"\nour compress report: float p50 {report['original']['latencyP50Ms']:.3f} ms → int8 p50 "
          f"{report['compressed']['latencyP50Ms']:.3f} ms; bytes {report['original']['sizeBytes']} → {report['compressed']['sizeBytes']}\n")
    sys.stdout.flush()
    subprocess.run([sys.executable, os.path.join(HERE, "compare_ort.py"), a.model, ort_int8, ours_onnx,
                    "--bin", a.bin, "--runs", str(a.runs)], check=True)


if __name__ == "__main__":
    main()
