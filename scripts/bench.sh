#!/usr/bin/env bash
# `npm run bench`: the performance benchmarks (bench/README.md). Installs Node 24 (versions.env) and the node
# modules if needed, builds (the benchmarks measure the compiled API), then runs bench/run.ts.
# Arguments select sections: record, scrape, memory, api (default: all).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/runtime.sh
mtv_ensure_node
mtv_ensure_node_modules
mtv_ensure_build
exec node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON bench/run.ts "$@"
