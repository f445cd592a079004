#!/usr/bin/env bash
# `npm run stack -- up|down|status|logs|alerts`: the whole stack without Docker (scripts/stack/README.md).
# On a fresh Debian machine `up` first installs what is missing — Debian's PostgreSQL, Redis and
# redis exporter; Node at versions.env (the system's Node 20 is too old); the node modules; the API
# build; Prometheus (with its web UI bundle), Alertmanager, node and postgres exporters and the
# Collector built at versions.env's versions through the Go module proxy (scripts/lib/go-tools.sh) —
# each step idempotent and skipped when already done (cached per version outside the repository). Then the CLI (scripts/stack/cli.ts) does the work.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/runtime.sh
source scripts/lib/system-packages.sh

command="${1:-}"
if [ "$command" = "up" ]; then
  mtv_ensure_system_packages
  mtv_ensure_node
  mtv_ensure_node_modules
  mtv_ensure_build
  source scripts/lib/go-tools.sh
  mtv_ensure_prometheus_tools
  mtv_ensure_prometheus_ui
  mtv_ensure_exporters
  case " $* " in *" --ha "*) mtv_ensure_thanos ;; esac
  scripts/collector.sh build
  bash scripts/stack/cadvisor.sh 2>/dev/null || echo "stack: cAdvisor cannot be built here (not served by the Go module proxy): job cadvisor has no native target" >&2
else
  mtv_ensure_node
fi
# The CLI is TypeScript run by Node's type stripping (ESM syntax in a package without "type").
exec node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON scripts/stack/cli.ts "$@"
