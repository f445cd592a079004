#!/usr/bin/env bash
# Drives traffic at a running API (scripts/traffic/README.md): ensures the pinned Node like
# scripts/api.sh, then runs the TypeScript CLI directly through Node's type stripping.
#   npm run traffic -- --url http://127.0.0.1:3000 --scenario normal --requests 2000 --duration 60s --concurrency 4
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/runtime.sh
mtv_ensure_node
# Node 24 runs the TypeScript directly (type stripping), like every script of the project; the one
# warning silenced says only that the .ts files are ES modules.
exec node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON scripts/traffic/cli.ts "$@"
