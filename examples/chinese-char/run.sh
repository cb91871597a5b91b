#!/usr/bin/env bash
# A character-level GPT on Chinese text (Debian's fortunes-zh), then a sample.
set -euo pipefail
source "$(dirname "$0")/../common.sh"
out="${1:-$repo/out/chinese-char}"

$lmkit train --data "$shared/data/zh/fortunes-zh.txt" --tokenizer char \
  --arch gpt --n-layer 4 --n-head 4 --n-embd 128 --block-size 64 --batch-size 12 \
  --max-steps 2000 --eval-interval 250 --eval-iters 20 --no-bias --out "$out" "${@:2}"

$lmkit generate --model "$out" --prompt "人生" --max-new-tokens 200 --seed 1
