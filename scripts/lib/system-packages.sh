# Sourced by the project's scripts: installs the Debian packages the stack and its tests run
# (idempotent: only what is missing, one apt-get call).
# shellcheck shell=bash
# Prometheus, Alertmanager, node_exporter and postgres_exporter are not among them:
# scripts/lib/go-tools.sh builds the versions compose ships. redis_exporter and blackbox_exporter are
# Debian's (README "Versions").
# openssl: the private CA and server certificates (scripts/tls/make-certs.sh).
MTV_DEBIAN_PACKAGES=(postgresql redis-server openssl prometheus-redis-exporter prometheus-blackbox-exporter)

mtv_ensure_system_packages() {
  local missing=() p
  for p in "${MTV_DEBIAN_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || { echo "system: missing ${missing[*]} and no apt-get" >&2; return 1; }
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "system: installing ${missing[*]}" >&2
  $sudo apt-get update -qq >/dev/null
  # --no-install-recommends and policy-rc.d-free: we start every server ourselves on loopback.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
