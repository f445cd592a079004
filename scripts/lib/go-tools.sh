# Sourced by the project's scripts: the Go programs the stack and the tests run, built through the
# Go module proxy at the versions pinned in versions.env, into a cache OUTSIDE the repository
# (${MTV_CACHE_DIR}/<tool>-<version>/bin), once per version, and put first on PATH.
#   prom2json    Prometheus's own text-format parser (expfmt) as a command: the tests read every
#                exposition through it (the JS parsers on npm mis-read labelled histograms).
#   prometheus   prometheus + promtool, the release compose ships (not Debian's 2.42).
#   alertmanager alertmanager + amtool, the release compose ships (not Debian's 0.25).
#   thanos       the HA profile's long-term storage and deduplicating query (sidecar, store, query,
#                compact), built with the tags its release uses (netgo,slicelabels: without
#                slicelabels Receive panics in the gRPC buffer pool on the first call from Query).
# shellcheck shell=bash
# shellcheck source=../../versions.env
source "$(dirname "${BASH_SOURCE[0]}")/../../versions.env"
MTV_CACHE_DIR="${MTV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mytelevision}"

mtv_go() {
  command -v go >/dev/null 2>&1 || PATH="/usr/local/go/bin:$PATH"
  command -v go >/dev/null 2>&1 || { echo "go-tools: Go is required (https://go.dev/doc/install)" >&2; return 1; }
  GOFLAGS=-mod=mod go "$@"
}

# mtv_go_build NAME VERSION MODULE@MODVERSION PACKAGE... : builds the main PACKAGEs of MODULE into
# $MTV_CACHE_DIR/NAME-VERSION/bin unless already there. The build runs in a throw-away wrapper
# module that requires MODULE and copies MODULE's own replace directives (`go install pkg@version`
# refuses a module whose go.mod has any), with the version stamped as its release does.
# One build at a time per tool (flock): the test command and a test file may ask together.
# Build tags: netgo, plus MTV_GO_BUILD_TAGS (comma-separated) when the caller sets it.
mtv_go_build() {
  local name=$1 version=$2 module=$3 modversion=${4#*@}
  shift 4
  local dir="$MTV_CACHE_DIR/$name-$version" pkg
  local want=("$@") missing=0 tags="netgo${MTV_GO_BUILD_TAGS:+,$MTV_GO_BUILD_TAGS}"
  for pkg in "${want[@]}"; do [ -x "$dir/bin/$(basename "$pkg")" ] || missing=1; done
  [ "$missing" -eq 0 ] && return 0
  mkdir -p "$MTV_CACHE_DIR"
  (
    flock 9
    missing=0
    for pkg in "${want[@]}"; do [ -x "$dir/bin/$(basename "$pkg")" ] || missing=1; done
    [ "$missing" -eq 0 ] && exit 0
    local started tmp gomod
    started=$(date +%s)
    tmp=$(mktemp -d "$MTV_CACHE_DIR/.build-$name.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    echo "go-tools: building $name $version ($module@$modversion, tags $tags; cold builds take minutes)" >&2
    gomod=$(mtv_go mod download -json "$module@$modversion" | sed -n 's/^\s*"GoMod": "\(.*\)",\?$/\1/p')
    {
      echo "module mytelevision.local/build/$name"
      echo "go 1.24"
      grep -E '^replace [^(]' "$gomod" || true
      sed -n '/^replace (/,/^)/p' "$gomod"
    } >"$tmp/go.mod"
    (cd "$tmp" && mtv_go get "${want[@]/%/@$modversion}" >"$tmp/get.log" 2>&1) || { tail -20 "$tmp/get.log" >&2; exit 1; }
    local ldflags="-X github.com/prometheus/common/version.Version=$version -X github.com/prometheus/common/version.Branch=HEAD"
    ldflags+=" -X github.com/prometheus/common/version.BuildUser=mytelevision -X github.com/prometheus/common/version.Revision=$modversion"
    (cd "$tmp" && CGO_ENABLED=0 mtv_go build -trimpath -tags "$tags" -ldflags "$ldflags" -o "$tmp/bin/" "${want[@]}") ||
      { echo "go-tools: $name build failed" >&2; exit 1; }
    mkdir -p "$dir" && rm -rf "$dir/bin" && mv "$tmp/bin" "$dir/bin"
    echo "go-tools: built $name $version into $dir/bin in $(($(date +%s) - started)) s" >&2
  ) 9>"$MTV_CACHE_DIR/.build-$name.lock"
}

mtv_ensure_prom2json() {
  mtv_go_build prom2json "$PROM2JSON_VERSION" github.com/prometheus/prom2json "@v$PROM2JSON_VERSION" \
    github.com/prometheus/prom2json/cmd/prom2json
  export MTV_PROM2JSON="$MTV_CACHE_DIR/prom2json-$PROM2JSON_VERSION/bin/prom2json"
}

# Prometheus 3.x is published on the Go module proxy as v0.3XX.Y (v3.5.0 -> v0.305.0).
mtv_prometheus_module_version() {
  local major minor patch
  IFS=. read -r major minor patch <<<"$1"
  printf 'v0.%d%02d.%d' "$major" "$minor" "$patch"
}

# prometheus, promtool, alertmanager and amtool at versions.env's versions, first on PATH; every
# script and test calls them by name. Exits non-zero if the binary on PATH is another version.
mtv_ensure_prometheus_tools() {
  mtv_go_build prometheus "$PROMETHEUS_VERSION" github.com/prometheus/prometheus \
    "@$(mtv_prometheus_module_version "$PROMETHEUS_VERSION")" \
    github.com/prometheus/prometheus/cmd/prometheus github.com/prometheus/prometheus/cmd/promtool || return 1
  mtv_go_build alertmanager "$ALERTMANAGER_VERSION" github.com/prometheus/alertmanager "@v$ALERTMANAGER_VERSION" \
    github.com/prometheus/alertmanager/cmd/alertmanager github.com/prometheus/alertmanager/cmd/amtool || return 1
  export PATH="$MTV_CACHE_DIR/prometheus-$PROMETHEUS_VERSION/bin:$MTV_CACHE_DIR/alertmanager-$ALERTMANAGER_VERSION/bin:$PATH"
  local tool want
  for tool in prometheus:$PROMETHEUS_VERSION promtool:$PROMETHEUS_VERSION alertmanager:$ALERTMANAGER_VERSION amtool:$ALERTMANAGER_VERSION; do
    want=${tool#*:}
    "${tool%%:*}" --version 2>&1 | grep -q "version $want " ||
      { echo "go-tools: ${tool%%:*} on PATH is not version $want" >&2; return 1; }
  done
}

# thanos at versions.env's THANOS_VERSION (the HA profile only); exports MTV_THANOS.
mtv_ensure_thanos() {
  MTV_GO_BUILD_TAGS=slicelabels mtv_go_build thanos "$THANOS_VERSION" github.com/thanos-io/thanos "@v$THANOS_VERSION" \
    github.com/thanos-io/thanos/cmd/thanos || return 1
  export MTV_THANOS="$MTV_CACHE_DIR/thanos-$THANOS_VERSION/bin/thanos"
  "$MTV_THANOS" --version 2>&1 | grep -q "version $THANOS_VERSION " ||
    { echo "go-tools: $MTV_THANOS is not version $THANOS_VERSION" >&2; return 1; }
}
