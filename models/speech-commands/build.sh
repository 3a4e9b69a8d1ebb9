#!/usr/bin/env bash
# Rebuilds the speech-commands model family from scratch (docs: models/speech-commands/MODEL.md):
# synthesized data (fixed seed) → DS-CNN teacher → distilled DS-CNN student → compressed rungs →
# accuracy on held-out voices (test/) and on the held-out TTS engine (test_engine/) → latency and
# CPU per 1 s window → card.json and the figures table of MODEL.md. Choices between candidate
# rungs are made on val/, never on test/.
# Usage: models/speech-commands/build.sh   (BIN, WORK, SEED, THREADS, PER_WORD may be overridden;
#        KEEP_DATA=1 reuses an existing WORK data set made with the same seed; FROM=rungs also
#        reuses WORK's teacher.edge, student.edge and student-ck/ — deterministic for the seed and
#        thread count — and redoes only the compressed rungs, evaluation and card)
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-.build/release/edge-assistant}
WORK=${WORK:-data/speech}
SEED=${SEED:-1}
THREADS=${THREADS:-2}
PER_WORD=${PER_WORD:-600}
OUT=models/speech-commands
START=$(date +%s)
source models/family-lib.sh
[ -x "$BIN" ] || { echo "build the CLI first: swift build -c release --product edge-assistant" >&2; exit 1; }

# 1. Data: 12 classes × PER_WORD espeak-ng clips split by speaker variant 80/10/10, plus the
#    flite clips of test_engine/ (docs/SPEECH_DATA.md). Calibration batches come from train/.
if [ "${FROM:-}" = rungs ] || { [ "${KEEP_DATA:-0}" = 1 ] && [ -f "$WORK/dataset.json" ]; }; then
    "$BIN" data check-speech "$WORK"
else
    "$BIN" data speech --out "$WORK" --seed "$SEED" --per-word "$PER_WORD"
fi
"$BIN" data calibration --from "$WORK/train" --input features --count 32 --batch 8 --out "$WORK/calibration"
"$BIN" data calibration --from "$WORK/test" --input features --count 1 --batch 1 --out "$WORK/request"

COMMON=(--task speech --data "$WORK/train" --val "$WORK/val" --threads "$THREADS" --seed "$SEED"
        --optimizer adamw --weight-decay 1e-4 --batch 32 --label-smoothing 0.1)
if [ "${FROM:-}" != rungs ]; then
# 2. Teacher: DS-CNN, 120 channels, 4 depthwise-separable blocks.
"$BIN" train "${COMMON[@]}" --arch ds-cnn --width 120 --depth 4 --epochs 16 --lr 2e-3 --warmup 200 -o "$WORK/teacher.edge"
# 3. Student: DS-CNN, 64 channels, 4 blocks (under 1/3 of the teacher's MACs), distilled; its
#    checkpoint is kept for the pruning fine-tune.
"$BIN" distill "${COMMON[@]}" --teacher "$WORK/teacher.edge" --student-arch ds-cnn --width 64 --depth 4 \
    --alpha 0.7 --temperature 4 --epochs 20 --lr 3e-3 --warmup 200 --checkpoint-dir "$WORK/student-ck" -o "$WORK/student.edge"
fi

# 4. Compressed rungs of the student. int8: static, per-channel weights, the activation observer
#    chosen on val/. Pruned: 50% of every dense conv / linear weight zeroed by magnitude and the
#    rest fine-tuned (distill --init --prune, 4 epochs), then compress puts those layers on the
#    sparse kernels.
acc() { "$BIN" eval "$1" --data "$2" --json | sed -E 's/.*"accuracy": ([0-9.]+).*/\1/'; }
C=(--runs 20 --threads 1)
BEST=""; BESTV=-1
for obs in minmax percentile mse; do
    "$BIN" compress "$WORK/student.edge" --method int8 --calibration "$WORK/calibration" --observer "$obs" \
        --variant int8 "${C[@]}" -o "$WORK/student-int8-$obs.edge" > /dev/null
    v=$(acc "$WORK/student-int8-$obs.edge" "$WORK/val"); echo "int8 $obs: val accuracy $v"
    if awk -v a="$v" -v b="$BESTV" 'BEGIN { exit !(a > b) }'; then BEST=$obs; BESTV=$v; fi
done
"$BIN" distill "${COMMON[@]}" --teacher "$WORK/teacher.edge" --student-arch ds-cnn --width 64 --depth 4 \
    --alpha 0.7 --temperature 4 --init "$WORK/student-ck/last.ckpt" --prune 0.5 --epochs 4 --lr 5e-4 --warmup 0 \
    -o "$WORK/student-pruned-ft.edge"
"$BIN" compress "$WORK/student-pruned-ft.edge" --method prune --sparsity 0.5 --variant pruned "${C[@]}" -o "$WORK/student-pruned.edge" > /dev/null

# 5. Ship: copy the rungs, evaluate on test/ (held-out voices) and test_engine/ (held-out TTS
#    engine), measure each on one 1 s window.
ship "$OUT" "$WORK" teacher=teacher.edge student=student.edge student-int8="student-int8-$BEST.edge" \
    student-pruned=student-pruned.edge
declare -A TECH=([teacher]=float [student]="distilled float" [student-int8]="int8 static, $BEST observer (per-channel weights)"
                 [student-pruned]="50% magnitude pruning, fine-tuned (sparse kernels)")
ROWS=()
for v in teacher student student-int8 student-pruned; do
    f="$OUT/$v.edge"
    j=$("$BIN" bench "$f" --input "features=$WORK/request/features_0.npy" --threads 1 --runs 1000 --warmup 50 --json)
    ROWS+=("$(bench_row "$v" "$(acc "$f" "$WORK/test")" "$(acc "$f" "$WORK/test_engine")" "$(acc "$f" "$WORK/val")" "$(stat -c %s "$f")" "$j")")
done
# Most accurate (test accuracy) first, as the card contract asks.
mapfile -t ROWS < <(printf '%s\n' "${ROWS[@]}" | sort -t'|' -k2,2 -r -g)
write_card "$OUT/card.json" speech-commands speech accuracy \
    '["_silence_", "_unknown_", "yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]' accuracy_held_out_engine

TOTAL=$(( $(date +%s) - START ))
{
    figures_table "test accuracy (held-out voices)" "flite accuracy (held-out engine)" "val accuracy" window
    echo
    echo "int8 observer chosen on val: $BEST (val accuracy $BESTV)."
    echo "Pipeline wall time: ${TOTAL} s ($(nproc) cores, training on $THREADS threads; load average at the end $(cut -d' ' -f1-3 /proc/loadavg))."
} > "$WORK/figures.md"
replace_figures "$OUT/MODEL.md" "$WORK/figures.md"
cat "$WORK/figures.md"
