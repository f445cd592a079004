#!/usr/bin/env bash
# The project's test command (README "Quick start", and what .ci/run calls): on a fresh Debian
# machine it installs what the tests run (Debian's servers and chromium, Node at versions.env, node
# modules; Prometheus/Alertmanager and their tools, the Prometheus UI bundle, node/postgres exporters,
# the dashboard checker, Thanos and the Collector built once per version), builds the API, then runs every jest project:
# unit, integration, config, e2e and ha. Extra arguments go to jest (e.g. --selectProjects unit).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/runtime.sh
source scripts/lib/system-packages.sh

started=$(date +%s)
# chromium: the web-UI test opens Prometheus's and Alertmanager's pages in it (headless).
mtv_ensure_system_packages chromium
mtv_ensure_node
echo "test: node $(node --version), npm $(npm --version)"
npm ci --no-audit --no-fund --loglevel=error
npm run --silent build
npm run --silent typecheck
npm run --silent format:check
npm run --silent lint
source scripts/lib/go-tools.sh
mtv_ensure_prom2json
mtv_ensure_prometheus_tools
mtv_ensure_prometheus_ui
mtv_ensure_exporters
mtv_ensure_grafana_dashboard_check
mtv_ensure_thanos  # the ha project (HA profile: Thanos receive/store/query/compact)
if [ -x scripts/collector.sh ]; then scripts/collector.sh build; fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
status=0
# run_jest NAME ARGS...: one jest run, its JSON report kept for the closing line, its duration printed.
run_jest() {
  local name=$1 began
  shift
  began=$(date +%s)
  npx jest --ci --json --outputFile="$results/$name.json" "$@" || status=$?
  echo "test: $name took $(( $(date +%s) - began )) s"
}
if [ $# -gt 0 ]; then
  run_jest selection "$@"
else
  # The HA profile's tests run on their own, after the main suite, so each duration is its own.
  run_jest suite --selectProjects unit integration config e2e
  run_jest ha --selectProjects ha
fi
# One plain closing line that CI reads, whatever jest printed before it.
node -e '
  const fs = require("fs"), path = require("path");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of fs.readdirSync(process.argv[1])) {
    const r = JSON.parse(fs.readFileSync(path.join(process.argv[1], f), "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
    skipped += r.numPendingTests + r.numTodoTests;
  }
  console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results" || true
echo "test: finished in $(( $(date +%s) - started )) s"
exit $status
