# Sourced by the project's scripts: Go tools the tests use, built through the Go module proxy into
# the cache outside the repository, once per version.
# shellcheck shell=bash
MTV_CACHE_DIR="${MTV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mytelevision}"
# prom2json: Prometheus's own text-format parser (prometheus/common expfmt) as a command; the tests
# read every exposition through it. The JS parsers on npm mis-read labelled histograms.
MTV_PROM2JSON_VERSION="v1.4.2"

mtv_ensure_prom2json() {
  local bin="$MTV_CACHE_DIR/go-tools/prom2json-$MTV_PROM2JSON_VERSION/prom2json"
  if [ ! -x "$bin" ]; then
    command -v go >/dev/null 2>&1 || { echo "go-tools: Go is required to build prom2json" >&2; return 1; }
    echo "go-tools: building prom2json $MTV_PROM2JSON_VERSION" >&2
    GOBIN="$(dirname "$bin")" GOFLAGS=-mod=mod go install "github.com/prometheus/prom2json/cmd/prom2json@$MTV_PROM2JSON_VERSION"
  fi
  export MTV_PROM2JSON="$bin"
}
