#!/usr/bin/env bash
# Voice-path benchmarks: CPU share of one core while listening to silence and to continuous
# speech (unpaced compute cost, then the paced capture + recognition threads), and the
# per-period processing latency. Needs a release build, numpy/onnx and espeak-ng.
#   bash Benchmarks/voice/run.sh [WORK_DIR] [SPEECH_MODEL.edge]
# Without SPEECH_MODEL a seeded, untrained DS-CNN with the contract's shapes is built.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${1:-/tmp/voice-bench}
BIN=.build/release/edge-assistant
mkdir -p "$WORK"
[ -x "$BIN" ] || swift build -c release --product edge-assistant
MODEL=${2:-}
if [ -z "$MODEL" ]; then
  python3 Benchmarks/voice/make_speech_model.py "$WORK/ds-cnn-98x40.onnx" >/dev/null
  "$BIN" import "$WORK/ds-cnn-98x40.onnx" -o "$WORK/ds-cnn-98x40.edge" \
    --labels _silence_,_unknown_,yes,no,up,down,left,right,on,off,stop,go >/dev/null
  MODEL="$WORK/ds-cnn-98x40.edge"
fi
[ -f "$WORK/speech.wav" ] || python3 Benchmarks/voice/make_audio.py "$WORK" >/dev/null
echo "model: $MODEL  load: $(cut -d' ' -f1-3 /proc/loadavg)"
for f in silence speech words; do "$BIN" voice bench "$MODEL" "$WORK/$f.wav" --name "$f"; done
for f in silence speech; do "$BIN" voice bench "$MODEL" "$WORK/$f.wav" --name "$f" --paced; done
