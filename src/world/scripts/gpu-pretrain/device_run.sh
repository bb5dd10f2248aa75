#!/bin/bash
# Dev-only: the one prepared check run on a GPU machine (PyTorch, no Java, no network).
# Expects .gpu/ carried (see README.md beside this file): a jlinked Temurin JRE, the world's jars
# and the compiled DumpPretraining. Writes to $OUT: bench.md, train.log and one
# model.safetensors + gpu_pretrain.json per run. MINUTES: training budget per run.
set -u
here=$(cd "$(dirname "$0")" && pwd)
MINUTES=${MINUTES-5}
POOL=${POOL:-400000}
if [ ! -f /tmp/dump/crossed_classes.txt ]; then
tar xzf .gpu/jre25.tgz -C /tmp || exit 1
/tmp/jre25/bin/java -Djava.awt.headless=true \
  -cp .gpu/dumpcls:.gpu/calmon-world.jar:.gpu/calmon-core.jar \
  io.calmon.pretrain.DumpPretraining /tmp/dump "$POOL" 24 0.25 100 > /tmp/dump.log 2>&1 \
  || { cat /tmp/dump.log; exit 1; }
cat /tmp/dump.log
fi
nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv
[ -n "${SKIP_BENCH:-}" ] || { python3 "$here/gpu_bench.py" > "$OUT/bench.md" 2>&1; cat "$OUT/bench.md"; }
export PYTHONUNBUFFERED=1
P="python3 $here/gpu_pretrain.py --data /tmp/dump --init src/world/model${MINUTES:+ --minutes $MINUTES}"
# RUNS: "LABEL:ARGS;LABEL:ARGS;...". Default: runs A, B, C of src/world/model/README.md (A and B
# continued from --init, which then held the three-stage CPU model, not the shipped one).
RUNS=${RUNS:-"A:--batch 64 --lr 5e-4 --warmup 50 --seed 31;B:--batch 256 --lr 5e-4 --warmup 50 --seed 32;C:--batch 256 --lr 1e-3 --warmup 500 --seed 33 --scratch"}
labels=()
IFS=';' read -ra specs <<< "$RUNS"
for spec in "${specs[@]}"; do
  r=${spec%%:*}; labels+=("$r")
  $P --label "$r" --out "/tmp/$r" ${spec#*:} > "/tmp/$r.log" 2>&1 &
done
wait
for r in "${labels[@]}"; do cat "/tmp/$r.log"; done > "$OUT/train.log"
for r in "${labels[@]}"; do grep -h "ms a step\|step [0-9]*:\|saved\|Error\|error" "/tmp/$r.log"; done
for r in "${labels[@]}"; do
  mkdir -p "$OUT/$r"
  cp /tmp/$r/model.safetensors /tmp/$r/gpu_pretrain.json "$OUT/$r/" 2>/dev/null
done
