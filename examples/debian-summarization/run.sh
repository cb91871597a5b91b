#!/usr/bin/env bash
# Summarization as headline generation: a Debian package's long description → its short description
# (shared/data/debian-descriptions, package<TAB>short<TAB>long). The columns are cut into OUT/data/ (never
# committed), then the same encoder-decoder recipe as translation runs, scored with ROUGE-1/2/L at the end.
# Usage: examples/debian-summarization/run.sh [OUT_DIR] [flags...]   (LMKIT_SHARED: the shared folder)
set -euo pipefail
source "$(dirname "$0")/../common.sh"
data="$shared/data/debian-descriptions"
out="${1:-$repo/out/debian-summarization}"

mkdir -p "$out/data"
for split in train val; do
  cut -f3 "$data/$split.tsv" > "$out/data/$split.long"
  cut -f2 "$data/$split.tsv" > "$out/data/$split.short"
done

$lmkit train-seq2seq --src "$out/data/train.long" --tgt "$out/data/train.short" \
  --val-src "$out/data/val.long" --val-tgt "$out/data/val.short" --metric rouge \
  --tokenizer bpe:8000 --d-model 256 --nhead 4 --encoder-layers 3 --decoder-layers 3 --dim-feedforward 1024 \
  --norm-first --max-tokens 256 --lr 7e-4 --warmup-steps 200 --batch-size 32 --max-steps 3000 \
  --eval-interval 250 --eval-iters 5 --num-beams 4 --out "$out" "${@:2}"

head -3 "$out/data/val.long" | $lmkit summarize --model "$out" --num-beams 4 --max-new-tokens 24
