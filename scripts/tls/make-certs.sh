#!/bin/sh
# The stack's private CA and its one server certificate, made with openssl. The same script runs
# natively (`npm run stack -- up`, Debian's openssl) and in the `tls-certs` one-shot of docker compose.
#
#   make-certs.sh DIR [NAME...]
#
# Writes, once, into DIR (never committed; the native data dir or a compose volume):
#   ca.crt      the CA certificate every client trusts (curl --cacert, Prometheus ca_file, Node's
#               NODE_EXTRA_CA_CERTS, PostgreSQL sslrootcert)
#   ca.key      the CA's private key (0600; kept only to re-issue the server certificate)
#   server.crt  the server certificate (also a client one: Alertmanager peers use it both ways),
#               signed by the CA, for localhost, 127.0.0.1, ::1 and every
#               compose service name below plus each extra NAME given
#               The file holds the chain (server certificate, then the CA's), so clients that match
#               the CA's key in the presented chain (Chromium's SPKI list) see it
#   server.key  its private key (0600)
# An existing pair is kept while it is valid for at least one more day (so `up` is idempotent and
# clients keep trusting the same CA); an expired or missing one is re-issued by the same CA.
# POSIX sh + openssl only (busybox/alpine images included). ECDSA P-256, SHA-256.
set -eu

dir=${1:?usage: make-certs.sh DIR [NAME...]}
shift
mkdir -p "$dir"
cd "$dir"
umask 077

# Compose service names that serve TLS (docker-compose*.yml): a client inside the compose network
# reaches each by its service name, and that name must be in the certificate.
services="api prometheus alertmanager grafana otel-collector node-exporter postgres-exporter redis-exporter blackbox-exporter postgres redis cadvisor"
# The HA overlay's replicas and Thanos Query (docker-compose.ha.yml): the same certificate names them too.
services="$services api-b prometheus-b alertmanager-b alertmanager-c thanos-query"

if [ ! -s ca.crt ] || [ ! -s ca.key ] || ! openssl x509 -checkend 86400 -noout -in ca.crt >/dev/null 2>&1; then
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 \
    -keyout ca.key -out ca.crt -days 3650 -subj "/O=MyTelevision/CN=MyTelevision private CA" \
    -addext "basicConstraints=critical,CA:true,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  rm -f server.crt
fi

# A certificate missing one of the names (a service added since it was issued) is re-issued.
names_present() {
  sans=$(openssl x509 -noout -ext subjectAltName -in server.crt 2>/dev/null) || return 1
  for name in $services "$@"; do
    case "$sans" in *"DNS:$name,"* | *"DNS:$name") ;; *) return 1 ;; esac
  done
}

if [ -s server.crt ] && [ -s server.key ] &&
  [ "$(grep -c 'BEGIN CERTIFICATE' server.crt)" -ge 2 ] &&
  names_present "$@" &&
  openssl x509 -checkend 86400 -noout -in server.crt >/dev/null 2>&1 &&
  openssl verify -CAfile ca.crt server.crt >/dev/null 2>&1; then
  exit 0
fi

san="DNS:localhost,IP:127.0.0.1,IP:::1"
for name in $services "$@"; do san="$san,DNS:$name"; done
ext=$(mktemp)
trap 'rm -f "$ext" server.csr' EXIT
printf '%s\n' \
  "basicConstraints=critical,CA:false" \
  "keyUsage=critical,digitalSignature,keyEncipherment" \
  "extendedKeyUsage=serverAuth,clientAuth" \
  "subjectAltName=$san" >"$ext"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -sha256 \
  -keyout server.key -out server.csr -subj "/O=MyTelevision/CN=mytelevision" 2>/dev/null
# 825 days: the longest validity clients accept for a server certificate.
openssl x509 -req -sha256 -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 \
  -extfile "$ext" -out server.leaf.crt 2>/dev/null
cat server.leaf.crt ca.crt >server.crt
rm -f ca.srl server.leaf.crt
chmod 644 ca.crt server.crt
chmod 600 ca.key server.key
echo "make-certs: issued $dir/server.crt ($san), trusted through $dir/ca.crt"
