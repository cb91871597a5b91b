#!/usr/bin/env bash
# Kipf & Welling's GCN (and Veličković et al.'s GAT) on Cora, the Planetoid split: test accuracy after 200 epochs.
# Usage: examples/cora-gcn/run.sh [SEEDS]   (SHARED defaults to ../shared beside the repository)
set -euo pipefail
source "$(dirname "$0")/../common.sh"
seeds="${1:-0,1,2,3,4}"

$lmkit gnn-train --data "$shared/data/cora" --model gcn --seeds "$seeds"
$lmkit gnn-train --data "$shared/data/cora" --model gat --seeds "$seeds"
