#!/bin/sh
# Training throughput (forward + backward + AdamW step, random data) of the model-family
# architectures: DS-CNN speech student/teacher on [B,1,98,40], the 128×128 MobileNet-style
# detector, the DLRM-like ranker. Release build; 2 threads by default.
set -eu
cd "$(dirname "$0")/.."
swift build -c release --product edge-assistant >/dev/null
exec .build/release/edge-assistant train-bench --threads "${THREADS:-2}" --steps "${STEPS:-5}"
