#!/usr/bin/env bash
# Starts the API alone on a fresh machine: installs the pinned Node (versions.env) and the node modules if needed,
# builds, then runs it exactly as production does (`node --require ./dist/tracing.js dist/main.js`).
# Without DATABASE_URL / REDIS_URL it uses the embedded defaults (PGlite, in-process store).
# PORT (default 3000) and HOST (default 127.0.0.1) choose where it listens.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/runtime.sh
mtv_ensure_node
mtv_ensure_node_modules
mtv_ensure_build
echo "api: starting on http://${HOST:-127.0.0.1}:${PORT:-3000} (metrics at /metrics, Ctrl-C stops it)"
exec node --require ./dist/tracing.js dist/main.js
