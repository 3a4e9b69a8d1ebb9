#!/usr/bin/env bash
# Issue 5 bar: a bounded, loopback-only load test at 2× the sustainable rate for 5 minutes —
# no crash, 503s instead of unbounded queues, RSS flat, every accepted request answered.
# 1. Sustainable rate S: closed-loop clients posting a raw 128×128 frame to /v1/vision/detect.
# 2. Open loop at 2·S (rate-paced connections, `loadgen … rate`) for DURATION seconds while the
#    daemon's RSS is sampled every 30 s.
#   Benchmarks/daemon/overload.sh FRAME.rgb [duration_s=300] [connections=32]
# FRAME.rgb: 128×128 rgb24 bytes (49 152). Needs a release build and models/ar-landmarks.
set -euo pipefail
cd "$(dirname "$0")/../.."
FRAME=${1:?usage: overload.sh FRAME.rgb [duration_s] [connections]}
DURATION=${2:-300}
CONNS=${3:-32}
source Benchmarks/daemon/lib.sh
start_daemon
ROUTE="/v1/vision/detect?format=rgb24&width=128&height=128"
rss() { awk '/VmRSS/ {print $2}' "/proc/$PID/status"; }

SUSTAINED=$("$DIR/loadgen" "$DIR/d.sock" 4 10 "$ROUTE" "$FRAME" application/octet-stream)
S=$(echo "$SUSTAINED" | sed -E 's/.*req\/s=([0-9]+).*/\1/')
RATE=$((2 * S))
echo "sustainable (4 closed-loop clients, 10 s): $SUSTAINED"
echo "overload: $RATE req/s offered over $CONNS paced connections for $DURATION s; RSS every 30 s"
"$DIR/loadgen" "$DIR/d.sock" "$CONNS" "$DURATION" "$ROUTE" "$FRAME" application/octet-stream "$RATE" > "$DIR/over.txt" &
LOAD=$!
RSS0=$(rss); SAMPLES="$RSS0"
while kill -0 $LOAD 2>/dev/null; do sleep 30; kill -0 $PID || { echo "daemon died" >&2; exit 1; }; SAMPLES="$SAMPLES $(rss)"; done
wait $LOAD || true
echo "result: $(cat "$DIR/over.txt")"
echo "RSS kB every 30 s: $SAMPLES"
echo "health after: $(curl -sS --unix-socket "$DIR/d.sock" http://localhost/v1/health)"
