#!/usr/bin/env bash
# Issue 5 bar: detect end to end ≤ 1.15× the bare inference time. One keep-alive client posts
# the same image to POST /v1/vision/detect (HTTP over the Unix socket, PNG decode, letterbox,
# inference, decoding + NMS, JSON) back to back; `edge-assistant bench` times the bare model
# (the same variant, pinned with PUT …/level) on a 128×128 input. Both pinned to CPU 0, the
# client on CPU 1. Ratio = daemon round-trip p50 / bare inference p50.
#   Benchmarks/daemon/detect_e2e.sh IMAGE.png [variant=student] [seconds=10]
# Needs a release build and the ar-landmarks family in models/.
set -euo pipefail
cd "$(dirname "$0")/../.."
IMAGE=${1:?usage: detect_e2e.sh IMAGE.png [variant] [seconds]}
VARIANT=${2:-student}
SECONDS_RUN=${3:-10}
FAMILY=ar-landmarks
source Benchmarks/daemon/lib.sh
start_daemon taskset -c 0
curl -sS --unix-socket "$DIR/d.sock" -X PUT "http://localhost/v1/models/$FAMILY/level" \
    -H 'Content-Type: application/json' --data "{\"level\": \"$VARIANT\"}" > /dev/null
echo "one detection answer: $(curl -sS --unix-socket "$DIR/d.sock" -X POST http://localhost/v1/vision/detect \
    -H 'Content-Type: image/png' --data-binary "@$IMAGE")"
taskset -c 1 "$DIR/loadgen" "$DIR/d.sock" 1 2 /v1/vision/detect "$IMAGE" image/png > /dev/null   # warm-up
E2E=$(taskset -c 1 "$DIR/loadgen" "$DIR/d.sock" 1 "$SECONDS_RUN" /v1/vision/detect "$IMAGE" image/png)
echo "daemon:  $E2E"
kill $PID; wait $PID 2>/dev/null || true
BARE=$(taskset -c 0 "$BIN" bench "models/$FAMILY/$VARIANT.edge" --threads 1 --runs 2000 --warmup 100 --json)
P50_BARE=$(echo "$BARE" | sed -E 's/.*"p50_ms": ([0-9.]+).*/\1/')
P50_E2E=$(echo "$E2E" | sed -E 's/.*p50_us=([0-9.]+).*/\1/')
echo "bare:    p50 ${P50_BARE} ms ($VARIANT, edge-assistant bench, 1 thread)"
echo "ratio:   $(echo "scale=3; $P50_E2E / 1000 / $P50_BARE" | bc) (end-to-end p50 / bare inference p50)"
