#!/bin/sh
# Installs the Node benchmark peers (TF.js, onnxruntime-node; shared/bench/peers/package.json) once into
# ~/.cache/lmkit-peers (or $LMKIT_PEERS_DIR), where `npm run bench` finds them through NODE_PATH.
# shared/ is read-only, hence the separate folder. onnxruntime-node's CPU library ships in its package;
# its install script only fetches CUDA extras and fails offline, hence ONNXRUNTIME_NODE_INSTALL=skip.
#
#     sh scripts/install-peers.sh [SHARED_DIR]      (default: $LMKIT_SHARED, else ../shared beside the repo)
#
# The PyTorch peer needs no install here: Debian's python3-torch (apt-get install -y python3-torch).
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
shared=${1:-${LMKIT_SHARED:-$repo/../shared}}
manifest=$shared/bench/peers/package.json
if [ ! -f "$manifest" ]; then
  echo "install-peers: $manifest not found (pass the shared folder as the first argument or set LMKIT_SHARED)" >&2
  exit 1
fi
P=${LMKIT_PEERS_DIR:-$HOME/.cache/lmkit-peers}
mkdir -p "$P"
cp "$manifest" "$P/package.json"
chmod u+w "$P/package.json"
ONNXRUNTIME_NODE_INSTALL=skip npm install --prefix "$P" --no-package-lock --no-audit --no-fund
echo "install-peers: Node peers installed in $P/node_modules"
