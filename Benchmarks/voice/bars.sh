#!/usr/bin/env bash
# Issue 7's recognition bars on generated 1-hour streams (docs/VOICE.md "Measuring"):
# a tuning stream (seed 101) to choose smoothing and per-command thresholds, and a separate
# measurement stream (seed 202) scored with the shipped defaults. Needs a release build,
# espeak-ng, and the speech data set's dataset.json (for its held-out `test` voices).
#   bash Benchmarks/voice/bars.sh [WORK_DIR] [SPEECH_MODEL.edge] [DATASET_JSON] [SPLITS]
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${1:-/tmp/voice-bars}
MODEL=${2:-models/speech-commands/student.edge}
DATASET=${3:-data/speech/dataset.json}
SPLITS=${4:-test}
SECONDS_LONG=${STREAM_SECONDS:-3600}
BIN=.build/release/edge-assistant
[ -x "$BIN" ] || swift build -c release --product edge-assistant
mkdir -p "$WORK"
for s in tune:101 measure:202; do
  name=${s%%:*}; seed=${s##*:}
  [ -f "$WORK/$name/truth.json" ] || "$BIN" voice stream-make --out "$WORK/$name" --seed "$seed" \
    --seconds "$SECONDS_LONG" --voices-from "$DATASET" --splits "$SPLITS"
done
echo "model: $MODEL  load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== tuning stream (seed 101): current defaults, then tuned =="
"$BIN" voice tune "$MODEL" "$WORK/tune/stream.wav" "$WORK/tune/truth.json" --out "$WORK/tuned.json"
echo "== measurement stream (seed 202), shipped defaults =="
"$BIN" voice score "$MODEL" "$WORK/measure/stream.wav" "$WORK/measure/truth.json" --json "$WORK/measure-score.json"
