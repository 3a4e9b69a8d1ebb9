#!/usr/bin/env bash
# Issue 6 bar: 1,000 level switches under concurrent load from several clients — zero failed
# requests, daemon RSS growth ≤ 5%. The daemon serves the shipped families (models/); clients
# send rank requests (match-quality) on keep-alive connections while a switcher cycles the
# family's level through its variants with PUT /v1/models/match-quality/level.
#   Benchmarks/daemon/switch_soak.sh [switches=1000] [connections=4]
# Needs a release build (swift build -c release --product edge-assistant) and curl.
set -euo pipefail
cd "$(dirname "$0")/../.."
SWITCHES=${1:-1000}
CONNS=${2:-4}
FAMILY=match-quality
source Benchmarks/daemon/lib.sh
start_daemon
api() { curl -sS --unix-socket "$DIR/d.sock" -o /dev/null -w '%{http_code}' -X "$1" "http://localhost$2" \
            -H 'Content-Type: application/json' --data "$3"; }
rss() { awk '/VmRSS/ {print $2}' "/proc/$PID/status"; }

# Twenty players, one rank request of 16 candidates.
for i in $(seq 1 20); do
    code=$(api PUT "/v1/match/players/p$i" "{\"skill\": $((1200 + i * 30)), \"region\": \"eu\", \"latency_ms\": 40, \"play_style\": \"casual\", \"toxicity\": 0.1, \"quit_rate\": 0.05, \"party_size\": 1, \"matches_played\": 10}")
    [ "$code" = 200 ] || { echo "player p$i: HTTP $code" >&2; exit 1; }
done
printf '{"player": "p1", "candidates": [%s], "limit": 5}' "$(seq -s, 2 17 | sed -E 's/([0-9]+)/"p\1"/g')" > "$DIR/rank.json"
mapfile -t VARIANTS < <(sed -nE 's/.*"name": "([^"]+)", "file".*/\1/p' "models/$FAMILY/card.json")
echo "daemon pid $PID; variants: ${VARIANTS[*]}; $SWITCHES switches under $CONNS rank clients"

# Warm-up: every variant once under load, then the baseline RSS.
"$DIR/loadgen" "$DIR/d.sock" "$CONNS" 3 /v1/match/rank "$DIR/rank.json" application/json > /dev/null &
WARM=$!
for v in "${VARIANTS[@]}" auto; do api PUT "/v1/models/$FAMILY/level" "{\"level\": \"$v\"}" > /dev/null; sleep 0.3; done
wait $WARM
BASE=$(rss)

# The soak: clients for as long as the switcher runs (bounded by a generous time limit).
"$DIR/loadgen" "$DIR/d.sock" "$CONNS" 600 /v1/match/rank "$DIR/rank.json" application/json > "$DIR/load.txt" &
LOAD=$!
START=$(date +%s.%N); FAILED=0; PEAK=$BASE
for i in $(seq 1 "$SWITCHES"); do
    v=${VARIANTS[$((i % ${#VARIANTS[@]}))]}
    code=$(api PUT "/v1/models/$FAMILY/level" "{\"level\": \"$v\"}")
    [ "$code" = 200 ] || FAILED=$((FAILED + 1))
    if (( i % 100 == 0 )); then r=$(rss); (( r > PEAK )) && PEAK=$r; echo "  $i switches, RSS ${r} kB"; fi
done
END=$(date +%s.%N)
kill -INT $LOAD; wait $LOAD || true; cat "$DIR/load.txt"
FINAL=$(rss)
echo "switches: $SWITCHES in $(echo "$END - $START" | bc) s, failed switch calls: $FAILED"
echo "RSS baseline ${BASE} kB, peak ${PEAK} kB, final ${FINAL} kB, growth $(echo "scale=2; 100 * ($FINAL - $BASE) / $BASE" | bc)%"
echo "daemon still running: $(kill -0 $PID && echo yes)"
