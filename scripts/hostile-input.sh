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
exec node --experimental-strip-types --disable-warning=ExperimentalWarning \
  --disable-warning=MODULE_TYPELESS_PACKAGE_JSON scripts/security/replay.ts "$@"
