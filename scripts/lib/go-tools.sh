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

# node_exporter and postgres_exporter at versions.env's versions (the compose images' releases),
# for the native stack. redis_exporter is not here: the Go module proxy refuses every version of
# github.com/oliver006/redis_exporter (403 "not available"), so natively Debian's package runs
# (see README "Versions").
mtv_ensure_exporters() {
  mtv_go_build node_exporter "$NODE_EXPORTER_VERSION" github.com/prometheus/node_exporter \
    "@v$NODE_EXPORTER_VERSION" github.com/prometheus/node_exporter || return 1
  mtv_go_build postgres_exporter "$POSTGRES_EXPORTER_VERSION" github.com/prometheus-community/postgres_exporter \
    "@v$POSTGRES_EXPORTER_VERSION" github.com/prometheus-community/postgres_exporter/cmd/postgres_exporter || return 1
  local tool want
  for tool in node_exporter:$NODE_EXPORTER_VERSION postgres_exporter:$POSTGRES_EXPORTER_VERSION; do
    want=${tool#*:}
    "$MTV_CACHE_DIR/${tool%%:*}-$want/bin/${tool%%:*}" --version 2>&1 | grep -q "version $want " ||
      { echo "go-tools: ${tool%%:*} is not version $want" >&2; return 1; }
  done
}

# The Prometheus web UI (Mantine) for the binary mtv_ensure_prometheus_tools builds. That build
# has no `builtinassets` tag, so the UI pages need the bundle on disk: Prometheus serves
# ./static relative to a working directory named `ui` (web/ui/ui.go). The module ships the UI's
# sources and lockfile (web/ui/); they are built with npm once per version into
# $MTV_CACHE_DIR/prometheus-<version>/ui/static/mantine-ui. Start Prometheus with
# `cd "$MTV_PROMETHEUS_UI_DIR"` and absolute config paths (scripts/stack does). Needs Node on PATH.
mtv_ensure_prometheus_ui() {
  local dir="$MTV_CACHE_DIR/prometheus-$PROMETHEUS_VERSION/ui"
  export MTV_PROMETHEUS_UI_DIR="$dir"
  [ -f "$dir/static/mantine-ui/index.html" ] && return 0
  mkdir -p "$MTV_CACHE_DIR"
  (
    flock 9
    [ -f "$dir/static/mantine-ui/index.html" ] && exit 0
    local started tmp src
    started=$(date +%s)
    src=$(mtv_go mod download -json "github.com/prometheus/prometheus@$(mtv_prometheus_module_version "$PROMETHEUS_VERSION")" |
      sed -n 's/^\s*"Dir": "\(.*\)",\?$/\1/p')
    [ -d "$src/web/ui/mantine-ui" ] || { echo "go-tools: no web/ui in $src" >&2; exit 1; }
    tmp=$(mktemp -d "$MTV_CACHE_DIR/.build-prometheus-ui.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    echo "go-tools: building the Prometheus $PROMETHEUS_VERSION UI with npm (cold builds take minutes)" >&2
    cp -r "$src/web/ui" "$tmp/ui" && chmod -R u+w "$tmp/ui"
    # The lockfile's exact dependencies; then the two workspace modules the UI imports, then the UI
    # (what the module's build_ui.sh does, minus the legacy react-app that Prometheus 3 no longer serves).
    (
      cd "$tmp/ui" &&
        npm ci --no-audit --no-fund --loglevel=error &&
        npm run build -w @prometheus-io/lezer-promql &&
        npm run build -w @prometheus-io/codemirror-promql &&
        npm run build -w @prometheus-io/mantine-ui
    ) >"$tmp/build.log" 2>&1 || { tail -30 "$tmp/build.log" >&2; echo "go-tools: Prometheus UI build failed" >&2; exit 1; }
    mkdir -p "$tmp/out/static" && mv "$tmp/ui/mantine-ui/dist" "$tmp/out/static/mantine-ui"
    rm -rf "$dir" && mv "$tmp/out" "$dir"
    echo "go-tools: built the Prometheus UI into $dir in $(($(date +%s) - started)) s" >&2
  ) 9>"$MTV_CACHE_DIR/.build-prometheus-ui.lock"
}

# grafana-dashboard-check (scripts/grafana-dashboard-check/): the dashboards unmarshalled strictly
# and validated by grafana-foundation-sdk's Go types at versions.env's GRAFANA_FOUNDATION_SDK_VERSION.
# Cached per SDK version and per hash of the program's source (a changed program is a new build).
mtv_grafana_dashboard_check_path() {
  local src key
  src="$(dirname "${BASH_SOURCE[0]}")/../grafana-dashboard-check"
  key=$(cat "$src/main.go" "$src/go.mod" "$src/go.sum" | sha256sum | cut -c1-16)
  echo "$MTV_CACHE_DIR/grafana-dashboard-check-$GRAFANA_FOUNDATION_SDK_VERSION-$key/grafana-dashboard-check"
}

mtv_ensure_grafana_dashboard_check() {
  local src binary
  src="$(cd "$(dirname "${BASH_SOURCE[0]}")/../grafana-dashboard-check" && pwd)"
  binary=$(mtv_grafana_dashboard_check_path)
  export MTV_GRAFANA_DASHBOARD_CHECK="$binary"
  [ -x "$binary" ] && return 0
  grep -q "grafana-foundation-sdk/go v$GRAFANA_FOUNDATION_SDK_VERSION\$" "$src/go.mod" ||
    { echo "go-tools: $src/go.mod does not require grafana-foundation-sdk v$GRAFANA_FOUNDATION_SDK_VERSION" >&2; return 1; }
  mkdir -p "$MTV_CACHE_DIR"
  (
    flock 9
    [ -x "$binary" ] && exit 0
    local started tmp
    started=$(date +%s)
    tmp=$(mktemp -d "$MTV_CACHE_DIR/.build-grafana-dashboard-check.XXXXXX")
    trap 'rm -rf "$tmp"' EXIT
    echo "go-tools: building grafana-dashboard-check (grafana-foundation-sdk v$GRAFANA_FOUNDATION_SDK_VERSION)" >&2
    # The committed go.mod/go.sum as they are (-mod=readonly): the build never rewrites the repository.
    mtv_go version >/dev/null &&
      (cd "$src" && CGO_ENABLED=0 GOFLAGS=-mod=readonly go build -trimpath -o "$tmp/grafana-dashboard-check" .) ||
      { echo "go-tools: grafana-dashboard-check build failed" >&2; exit 1; }
    mkdir -p "$(dirname "$binary")" && mv "$tmp/grafana-dashboard-check" "$binary"
    echo "go-tools: built $binary in $(($(date +%s) - started)) s" >&2
  ) 9>"$MTV_CACHE_DIR/.build-grafana-dashboard-check.lock"
}

# thanos at versions.env's THANOS_VERSION (the HA profile only); exports MTV_THANOS.
mtv_ensure_thanos() {
  MTV_GO_BUILD_TAGS=slicelabels mtv_go_build thanos "$THANOS_VERSION" github.com/thanos-io/thanos "@v$THANOS_VERSION" \
    github.com/thanos-io/thanos/cmd/thanos || return 1
  export MTV_THANOS="$MTV_CACHE_DIR/thanos-$THANOS_VERSION/bin/thanos"
  "$MTV_THANOS" --version 2>&1 | grep -q "version $THANOS_VERSION " ||
    { echo "go-tools: $MTV_THANOS is not version $THANOS_VERSION" >&2; return 1; }
}
