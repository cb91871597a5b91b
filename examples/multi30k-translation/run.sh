#!/usr/bin/env bash
# Multi30k English→German with a small encoder-decoder Transformer: joint byte-level BPE of 8000 tokens,
# shared embeddings, pre-norm, label smoothing 0.1; ends with the validation BLEU (sacreBLEU-compatible,
# tok 13a, greedy), then translates a sentence. About 40 minutes on one core (see README.md). Extra flags
# after OUT_DIR override the recipe (e.g. --max-steps 500 for a quick look).
# Usage: examples/multi30k-translation/run.sh [OUT_DIR] [flags...]   (LMKIT_SHARED: the shared folder)
set -euo pipefail
source "$(dirname "$0")/../common.sh"
data="$shared/data/multi30k"
out="${1:-$repo/out/multi30k-en-de}"

$lmkit train-seq2seq --src "$data/train.en" --tgt "$data/train.de" --val-src "$data/val.en" --val-tgt "$data/val.de" \
  --tokenizer bpe:8000 --d-model 256 --nhead 4 --encoder-layers 3 --decoder-layers 3 --dim-feedforward 1024 \
  --norm-first --lr 1e-3 --warmup-steps 400 --batch-size 48 --max-tokens 64 --max-steps 3000 \
  --eval-interval 500 --eval-iters 10 --out "$out" "${@:2}"

$lmkit translate --model "$out" --num-beams 4 "A little girl climbing into a wooden playhouse."
