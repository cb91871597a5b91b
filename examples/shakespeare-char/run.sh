#!/usr/bin/env bash
# nanoGPT's CPU "baby GPT" recipe on tiny Shakespeare (character level), then a sample from the model.
# Usage: examples/shakespeare-char/run.sh [OUT_DIR]   (SHARED defaults to ../shared beside the repository)
set -euo pipefail
source "$(dirname "$0")/../common.sh"
out="${1:-$repo/out/shakespeare-char}"

$lmkit train --data "$shared/data/tinyshakespeare/input.txt" --tokenizer char \
  --arch gpt --n-layer 4 --n-head 4 --n-embd 128 --block-size 64 --batch-size 12 \
  --max-steps 2000 --lr 1e-3 --min-lr 1e-4 --warmup-steps 100 --lr-decay-steps 2000 \
  --beta1 0.9 --beta2 0.99 --weight-decay 0.1 --grad-clip 1.0 --dropout 0 --no-bias \
  --val-fraction 0.1 --eval-interval 250 --eval-iters 20 --out "$out" "${@:2}"

$lmkit generate --model "$out" --prompt "ROMEO:" --max-new-tokens 500 --seed 1
