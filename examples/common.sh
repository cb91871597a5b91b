# Sourced by the example scripts: where the repository, the shared data and the built CLI are.
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
shared="${LMKIT_SHARED:-$repo/../shared}"
lmkit="node $repo/dist/cli/main.js"
