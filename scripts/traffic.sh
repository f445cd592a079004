#!/usr/bin/env bash
# Drives traffic at a running API (scripts/traffic/README.md): ensures Node >= 22.15 like
# scripts/api.sh, then runs the TypeScript CLI directly through Node's type stripping.
#   npm run traffic -- --url http://127.0.0.1:3000 --scenario normal --requests 2000 --duration 60s --concurrency 4
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/runtime.sh
mtv_ensure_node
# Type stripping is on by default from Node 22.18; the flag keeps 22.15-22.17 working. The warnings
# silenced say only that stripping is experimental and that the .ts files are ES modules.
exec node --experimental-strip-types --disable-warning=ExperimentalWarning \
  --disable-warning=MODULE_TYPELESS_PACKAGE_JSON scripts/traffic/cli.ts "$@"
