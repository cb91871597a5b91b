#!/usr/bin/env bash
# The design document's LSTM generator on the same data and schedule as the baby GPT.
set -euo pipefail
source "$(dirname "$0")/../common.sh"
out="${1:-$repo/out/shakespeare-char-lstm}"

$lmkit train --data "$shared/data/tinyshakespeare/input.txt" --tokenizer char \
  --arch lstm --n-layer 2 --n-embd 128 --n-hidden 256 --block-size 64 --batch-size 12 \
  --max-steps 2000 --lr 1e-3 --min-lr 1e-4 --warmup-steps 100 --lr-decay-steps 2000 \
  --beta1 0.9 --beta2 0.99 --weight-decay 0.1 --grad-clip 1.0 --dropout 0 \
  --val-fraction 0.1 --eval-interval 250 --eval-iters 20 --out "$out" "${@:2}"

$lmkit generate --model "$out" --prompt "ROMEO:" --max-new-tokens 500 --seed 1
