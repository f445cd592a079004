#!/usr/bin/env bash
# The MyTelevision OpenTelemetry Collector distribution (otel-collector/builder-config.yaml), built
# with the OpenTelemetry Collector Builder through the Go module proxy and cached OUTSIDE the repo:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/mytelevision/otelcol/<sha256(manifest)[0:16]>/otelcol-mytelevision
# A changed manifest gets a new key, hence a new build; an unchanged one is reused.
#
#   scripts/collector.sh build              build unless cached; prints the build time
#   scripts/collector.sh path [--no-build]  prints the binary's path (builds first unless --no-build)
#   scripts/collector.sh validate [ARGS…]   otelcol validate of otel-collector/config.yaml, alone and
#                                           with each overlay; ARGS replace those --config args
#
# Needs only Go and the Go module proxy. Go's module and build caches stay at their defaults.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

manifest="$repo/otel-collector/builder-config.yaml"
# shellcheck source=../versions.env
version=$(. "$repo/versions.env" && echo "$OTELCOL_VERSION")
cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/mytelevision/otelcol"
key=$(sha256sum "$manifest" | cut -c1-16)
binary="$cache_root/$key/otelcol-mytelevision"
builder="$cache_root/builder-v$version/builder"

tmp=""  # the build's temporary directory, removed on exit
log() { echo "collector: $*" >&2; }

ensure_go() {
  command -v go >/dev/null 2>&1 || PATH="/usr/local/go/bin:$PATH"
  command -v go >/dev/null 2>&1 || { log "Go is required (https://go.dev/doc/install)"; exit 1; }
  # The $version modules declare `go 1.26.0`; this machine kind ships Go 1.26 (GOTOOLCHAIN stays as set).
  local go_version
  go_version=$(go env GOVERSION | sed 's/^go//')
  if [ "$(printf '%s\n' 1.26 "$go_version" | sort -V | head -n1)" != 1.26 ]; then
    log "Go >= 1.26 is required to build Collector $version (found go$go_version)"
    exit 1
  fi
  # Modules are resolved from the proxy even where a vendor directory or workspace is around.
  export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod"
}

install_builder() {
  [ -x "$builder" ] && return 0
  log "installing the Collector Builder v$version into $(dirname "$builder")"
  GOBIN="$(dirname "$builder")" go install "go.opentelemetry.io/collector/cmd/builder@v$version"
}

build() {
  if [ -x "$binary" ]; then
    log "cached $binary (manifest $key)"
    return 0
  fi
  mkdir -p "$cache_root"
  # One build at a time (the test command and a test file may ask together): wait for the other.
  exec 9>"$cache_root/.build.lock"
  flock 9
  if [ -x "$binary" ]; then
    log "built meanwhile by another process: $binary"
    return 0
  fi
  ensure_go
  local started
  started=$(date +%s)
  install_builder
  # Build in a temporary directory on the cache's filesystem, then rename into place: the cache
  # path never holds a half-built binary. output_path in the manifest is relative to this directory.
  tmp=$(mktemp -d "$cache_root/.build.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  log "building otelcol-mytelevision $version from $manifest (cold builds take minutes)"
  (cd "$tmp" && "$builder" --config "$manifest") >"$tmp/builder.log" 2>&1 || {
    tail -n 40 "$tmp/builder.log" >&2
    log "build failed"
    exit 1
  }
  mkdir -p "$(dirname "$binary")"
  mv "$tmp/build/otelcol-mytelevision" "$binary"
  log "built $binary ($(du -h "$binary" | cut -f1)) in $(($(date +%s) - started)) s"
}

validate() {
  local configs=("$@")
  if [ ${#configs[@]} -eq 0 ]; then
    local base="$repo/otel-collector/config.yaml" overlay
    "$binary" validate --config "$base"
    for overlay in traces-file traces-backend; do
      "$binary" validate --config "$base" --config "$repo/otel-collector/$overlay.yaml"
    done
    log "valid: config.yaml alone and with each overlay (traces-file.yaml, traces-backend.yaml)"
  else
    "$binary" validate "${configs[@]}"
  fi
}

case "${1:-}" in
  build) build ;;
  path)
    if [ "${2:-}" != "--no-build" ]; then build; fi
    echo "$binary"
    ;;
  validate)
    shift
    build
    validate "$@"
    ;;
  *)
    echo "usage: $0 build | path [--no-build] | validate [--config FILE]..." >&2
    exit 2
    ;;
esac
