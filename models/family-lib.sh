# Steps shared by the model families' build.sh scripts (sourced, not run). Each script fills
#   ROWS: one "name|metric|extra|val-metric|bytes|macs|p50|p99|cpu" line per variant, most
#         accurate first;
#   TECH: associative array variant name → technique text;
# then calls write_card, figures_table and replace_figures.

# write_card PATH FAMILY TASK METRIC LABELS_JSON EXTRA_KEY — card.json per the family contract
# (accuracy = the family metric on test; EXTRA_KEY names the second test figure).
write_card() {
    local path=$1 family=$2 task=$3 metric=$4 labels=$5 extra=$6 sep="" r v a n va b m p50 p99 cpu
    {
        echo "{ \"family\": \"$family\", \"task\": \"$task\", \"metric\": \"$metric\", \"labels\": $labels,"
        echo '  "variants": ['
        for r in "${ROWS[@]}"; do
            IFS='|' read -r v a n va b m p50 p99 cpu <<<"$r"
            printf '%s    { "name": "%s", "file": "%s.edge", "technique": "%s", "accuracy": %s, "%s": %s, "bytes": %s, "macs": %s, "latency_ms_p50": %s, "latency_ms_p99": %s, "cpu_ms": %s }' \
                "$sep" "$v" "$v" "${TECH[$v]}" "$a" "$extra" "$n" "$b" "$m" "$p50" "$p99" "$cpu"
            sep=$',\n'
        done
        printf '\n  ] }\n'
    } > "$path"
}

# figures_table METRIC EXTRA VAL_METRIC UNIT — the markdown table of ROWS (UNIT: what MACs,
# latency and CPU are measured per).
figures_table() {
    local r v a n va b m p50 p99 cpu
    echo "| variant | technique | $1 | $2 | $3 | bytes | MACs / $4 | p50 ms | p99 ms | CPU ms |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    for r in "${ROWS[@]}"; do
        IFS='|' read -r v a n va b m p50 p99 cpu <<<"$r"
        printf '| %s | %s | %.4f | %.4f | %.4f | %s | %s | %.4f | %.4f | %.4f |\n' "$v" "${TECH[$v]}" "$a" "$n" "$va" "$b" "$m" "$p50" "$p99" "$cpu"
    done
}

# replace_figures MODEL_MD FIGURES_FILE — swaps the block between the figures markers.
replace_figures() {
    awk -v f="$2" '
        /<!-- figures:begin -->/ { print; while ((getline l < f) > 0) print l; skip = 1; next }
        /<!-- figures:end -->/ { skip = 0 }
        !skip' "$1" > "$1.tmp" && mv "$1.tmp" "$1"
}

# bench_row VARIANT METRIC EXTRA VAL BYTES BENCH_JSON — one ROWS line from bench --json output.
bench_row() {
    local json=$6 key out="$1|$2|$3|$4|$5"
    for key in macs p50_ms p99_ms cpu_ms_per_run; do out+="|$(echo "$json" | sed -E "s/.*\"$key\": \"?([0-9.]+).*/\1/")"; done
    echo "$out"
}

# ship OUT WORK VARIANT=FILE… — copies each chosen rung from WORK into the family directory OUT
# as VARIANT.edge.
ship() {
    local out=$1 work=$2 pair
    shift 2
    mkdir -p "$out"
    for pair in "$@"; do cp "$work/${pair#*=}" "$out/${pair%%=*}.edge"; done
}
