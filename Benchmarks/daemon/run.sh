#!/usr/bin/env bash
# Daemon benchmark: /v1/health round trip over the Unix socket, daemon pinned to one core.
#   [BIN=path] [REQ_PATH=/v1/status] [MODELS=dir] Benchmarks/daemon/run.sh [seconds]
# Needs a release build (swift build -c release --product edge-assistant).
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_RUN=${1:-5}
BIN=${BIN:-.build/release/edge-assistant}
REQ_PATH=${REQ_PATH:-/v1/health}
DIR=$(mktemp -d /tmp/edge-bench.XXXXXX)
trap 'kill $PID 2>/dev/null || true; rm -rf "$DIR"' EXIT
cc -O2 -pthread -o "$DIR/loadgen" Benchmarks/daemon/loadgen.c
mkdir -p "$DIR/models"
taskset -c 0 "$BIN" serve --socket "$DIR/d.sock" --state-dir "$DIR/var" --models "${MODELS:-$DIR/models}" 2>"$DIR/log" &
PID=$!
for _ in $(seq 100); do [ -S "$DIR/d.sock" ] && break; sleep 0.1; done
echo "daemon pid $PID pinned to CPU 0; load client on CPU 1"
taskset -c 1 "$DIR/loadgen" "$DIR/d.sock" 1 "$SECONDS_RUN" "$REQ_PATH"       # latency: one connection
taskset -c 1 "$DIR/loadgen" "$DIR/d.sock" 16 "$SECONDS_RUN" "$REQ_PATH"      # throughput: 16 keep-alive connections
echo "daemon RSS: $(awk '/VmRSS/ {print $2, $3}' /proc/$PID/status) (HWM $(awk '/VmHWM/ {print $2, $3}' /proc/$PID/status))"
