#!/usr/bin/env bash
# Dev-only: do the label-free measures of eval base2new (the text features' divergence ratio and
# deviation, measured without images or labels; the confidence lift over zero-shot, measured on
# unlabelled images) predict CoOp's rise in new-class ECE over zero-shot? Exports world tasks,
# runs zero-shot, CoOp and CoOp + DOR (or METHODS) on each (16 shots, 200 epochs, Adam 0.002,
# seeds 1-3: the reproduction's schedule, docs/WORLD.md) and writes one JSON per task, then the
# table (table.py).
#
#   [BAND=60-90,60-75|none] [METHODS=zeroshot,coop] src/world/scripts/prompt-health/evidence.sh \
#     OUT_DIR [TASK_SEEDS]
#
# Tasks are drawn in the zero-shot band (docs/WORLD.md, "Tasks in the band"); BAND=none takes each
# seed's task as it is.
# About 8 minutes per task on two idle cores. Run from the repository root.
set -euo pipefail
out="${1:?usage: evidence.sh OUT_DIR [TASK_SEEDS]}"
tasks="${2:-1 2 3 5 8}"
mkdir -p "$out"
for task in $tasks; do
  dataset="$out/task$task"
  [ -d "$dataset" ] || ./calmon world export --out "$dataset" --seed "$task" --band "${BAND:-60-90,60-75}" --shots 64 \
    --test-per-class 100 > "$out/task$task.export.log" 2>&1
  ./calmon eval base2new --dataset "$dataset" --model src/world/model --methods "${METHODS:-zeroshot,coop,coop+dor}" \
    --optimizer adam --lr 0.002 --epochs 200 --seeds 1,2,3 --shots 16 --format json \
    > "$out/task$task.json" 2> "$out/task$task.log"
  echo "task $task done" >&2
done
python3 "$(dirname "$0")/table.py" "$out"/task*.json
