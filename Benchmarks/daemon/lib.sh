# Shared by the daemon benchmark scripts (sourced from the repository root): a scratch
# directory, the C load client, and a daemon on the shipped models whose socket is ready.

# start_daemon [PIN_CMD…] — sets DIR (removed on exit), builds DIR/loadgen, starts
# `serve --models models` (optionally under PIN_CMD, e.g. `taskset -c 0`) with its socket at
# DIR/d.sock and its pid in PID, and waits until the socket exists.
start_daemon() {
    BIN=${BIN:-.build/release/edge-assistant}
    DIR=$(mktemp -d /tmp/edge-bench.XXXXXX)
    trap 'kill $PID 2>/dev/null || true; rm -rf "$DIR"' EXIT
    cc -O2 -pthread -o "$DIR/loadgen" Benchmarks/daemon/loadgen.c
    "$@" "$BIN" serve --socket "$DIR/d.sock" --state-dir "$DIR/var" --models "${MODELS:-models}" 2>"$DIR/log" &
    PID=$!
    for _ in $(seq 100); do [ -S "$DIR/d.sock" ] && return 0; sleep 0.1; done
    echo "daemon did not open its socket; log: $(cat "$DIR/log")" >&2
    return 1
}
