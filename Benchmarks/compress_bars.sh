#!/bin/sh
# Reproduces the compression-toolkit bars (docs/COMPRESSION.md): builds the benchmark models,
# compresses them and prints the original vs compressed figures from the reports.
#   Benchmarks/compress_bars.sh [BIN] [DIR]    (BIN default: .build/release/edge-assistant)
# Bars: channel-prune 30 % on a CNN >= 1.5x faster; prune 80 % beats dense (sparse kernel);
# lowrank rank-ratio 0.25 on an MLP layer >= 2x faster for that layer.
set -eu
BIN=${1:-.build/release/edge-assistant}
DIR=${2:-/tmp/edge-compress-bars}
RUNS=${RUNS:-200}
mkdir -p "$DIR"
python3 "$(dirname "$0")/make_models.py" "$DIR" >/dev/null

summary() {  # report.json → one line
    python3 - "$1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
o, c = r["original"], r["compressed"]
print(f'{r["method"]:>16} {r["parameters"]}: p50 {o["latencyP50Ms"]:.3f} -> {c["latencyP50Ms"]:.3f} ms '
      f'({o["latencyP50Ms"] / c["latencyP50Ms"]:.2f}x), MACs {o["macs"]} -> {c["macs"]}, '
      f'bytes {o["sizeBytes"]} -> {c["sizeBytes"]}, nonzero params {o["nonzeroParameters"]} -> {c["nonzeroParameters"]}')
PY
}

for m in speech-ds-cnn detector-320; do
    "$BIN" compress "$DIR/$m.onnx" -o "$DIR/$m-cp30.edge" --method channel-prune --ratio 0.3 --runs "$RUNS" >/dev/null
    echo "$m"; summary "$DIR/$m-cp30.report.json"
    "$BIN" compress "$DIR/$m.onnx" -o "$DIR/$m-sp80.edge" --method prune --sparsity 0.8 --runs "$RUNS" >/dev/null
    summary "$DIR/$m-sp80.report.json"
    "$BIN" compress "$DIR/$m.onnx" -o "$DIR/$m-cp30-sp80.edge" --method channel-prune+prune --ratio 0.3 --sparsity 0.8 --runs "$RUNS" >/dev/null
    summary "$DIR/$m-cp30-sp80.report.json"
done

m=match-ranker
"$BIN" compress "$DIR/$m.onnx" -o "$DIR/$m-lr25.edge" --method lowrank --rank-ratio 0.25 --runs "$RUNS" >/dev/null
echo "$m"; summary "$DIR/$m-lr25.report.json"
"$BIN" compress "$DIR/$m.onnx" -o "$DIR/$m-sp80.edge" --method prune --sparsity 0.8 --runs "$RUNS" >/dev/null
summary "$DIR/$m-sp80.report.json"

# Per-layer view: the Gemm layers before and after factorization, and sparse vs dense layers.
for f in "$DIR/$m.onnx" "$DIR/$m-lr25.edge" "$DIR/speech-ds-cnn.onnx" "$DIR/speech-ds-cnn-sp80.edge"; do
    echo "== $(basename "$f")"
    "$BIN" bench "$f" --runs "$RUNS" --profile | sed -n '/^op /,/^slowest/p'
done
