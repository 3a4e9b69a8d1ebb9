# Shared steps of the model families' build.sh scripts (sourced, not run): measuring a variant,
# writing card.json (contract: docs/ARCHITECTURE.md "Model contracts") and replacing the figures
# block of MODEL.md. Rows are '|'-separated: name|technique|accuracy|bytes|macs|p50|p99|cpu|extra
# where extra is a JSON fragment of family-specific fields (may be empty).

# bench_fields MODEL INPUT_ARGS… → "bytes|macs|p50_ms|p99_ms|cpu_ms" for one request, 1 thread.
bench_fields() {
    local f=$1; shift
    local j
    j=$("$BIN" bench "$f" "$@" --threads 1 --runs "${BENCH_RUNS:-1000}" --warmup 50 --json)
    get() { echo "$j" | sed -E "s/.*\"$1\": \"?([0-9.]+).*/\1/"; }
    echo "$(stat -c %s "$f")|$(get macs)|$(get p50_ms)|$(get p99_ms)|$(get cpu_ms_per_run)"
}

# sort_rows ROW… → the rows, most accurate first (the card contract's order), one per line.
sort_rows() { printf '%s\n' "$@" | sort -t'|' -k3,3 -r -g; }

# write_card OUT FAMILY TASK METRIC LABELS_JSON < rows
write_card() {
    local out=$1 family=$2 task=$3 metric=$4 labels=$5 sep="" r
    {
        printf '{ "family": "%s", "task": "%s", "metric": "%s", "labels": %s,\n  "variants": [\n' "$family" "$task" "$metric" "$labels"
        while IFS='|' read -r v tech acc b m p50 p99 cpu extra; do
            printf '%s    { "name": "%s", "file": "%s.edge", "technique": "%s", "accuracy": %s, %s"bytes": %s, "macs": %s, "latency_ms_p50": %s, "latency_ms_p99": %s, "cpu_ms": %s }' \
                "$sep" "$v" "$v" "$tech" "$acc" "${extra:+$extra, }" "$b" "$m" "$p50" "$p99" "$cpu"
            sep=$',\n'
        done
        printf '\n  ] }\n'
    } > "$out"
}

# replace_figures MODEL_MD FIGURES_FILE: swaps the block between <!-- figures:begin --> and
# <!-- figures:end --> for the file's content.
replace_figures() {
    awk -v f="$2" '
        /<!-- figures:begin -->/ { print; while ((getline l < f) > 0) print l; skip = 1; next }
        /<!-- figures:end -->/ { skip = 0 }
        !skip' "$1" > "$1.tmp" && mv "$1.tmp" "$1"
}
