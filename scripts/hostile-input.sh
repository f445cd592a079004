#!/usr/bin/env bash
# Replays the hostile-input review against the built API in production mode (scripts/security/README.md):
# every bad-input class over every route, then the rate-limit bypass; prints the answers by status.
#   npm run hostile-input -- --rounds 3
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/runtime.sh
mtv_ensure_node
mtv_ensure_node_modules
mtv_ensure_build
# Node 24 runs the TypeScript directly (type stripping), like every script of the project.
exec node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON scripts/security/replay.ts "$@"
