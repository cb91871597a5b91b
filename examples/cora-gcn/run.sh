#!/usr/bin/env bash
# Kipf & Welling's GCN (and Veličković et al.'s GAT) on Cora, the Planetoid split: test accuracy after 200 epochs.
# Usage: examples/cora-gcn/run.sh [SEEDS]   (SHARED defaults to ../shared beside the repository)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
shared="${LMKIT_SHARED:-$repo/../shared}"
seeds="${1:-0,1,2,3,4}"
lmkit="node $repo/dist/cli/main.js"

$lmkit gnn-train --data "$shared/data/cora" --model gcn --seeds "$seeds"
$lmkit gnn-train --data "$shared/data/cora" --model gat --seeds "$seeds"
