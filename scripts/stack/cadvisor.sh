#!/usr/bin/env bash
# cAdvisor is not packaged by Debian. Try to build the version compose pins with `go install`
# through the Go module proxy into the cache (like the Collector); exit 1 when it cannot be built.
# On this machine kind it cannot: cAdvisor's command lives in its own module
# (github.com/google/cadvisor/cmd) that the module proxy does not serve, and the root module has
# no cmd/cadvisor package (see scripts/stack/README.md). The stack then runs without it.
set -euo pipefail
# shellcheck source=../../versions.env
version="v$(. "$(dirname "$0")/../../versions.env" && echo "$CADVISOR_VERSION")"  # = the compose image tag
cache="${MTV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mytelevision}/go-tools/cadvisor-$version"
[ -x "$cache/cadvisor" ] && exit 0
command -v go >/dev/null 2>&1 || PATH="/usr/local/go/bin:$PATH"
command -v go >/dev/null 2>&1 || { echo "cadvisor: Go is required to build it" >&2; exit 1; }
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if GOBIN="$cache" GOFLAGS=-mod=mod go install "github.com/google/cadvisor/cmd/cadvisor@$version" >"$log" 2>&1; then
  echo "cadvisor: built $cache/cadvisor" >&2
else
  echo "cadvisor: go install github.com/google/cadvisor/cmd/cadvisor@$version failed: $(tail -n 2 "$log" | tr '\n' ' ')" >&2
  exit 1
fi
