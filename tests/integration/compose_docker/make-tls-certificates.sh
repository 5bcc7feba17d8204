#!/usr/bin/env bash
# Makes, in DIR: a CA (ca.pem), a server certificate for 127.0.0.1 (server.pem, server.key) and a client
# certificate (client.pem, client.key) signed by it, and a second CA that signed nothing (other-ca.pem).
#   make-tls-certificates.sh DIR
set -euo pipefail
cd "$1"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
for ca in ca other-ca; do
  key "$ca.key"
  openssl req -x509 -new -key "$ca.key" -days 2 -subj "/CN=$ca" -out "$ca.pem"
done
sign() {  # NAME EXTENSIONS
  key "$1.key"
  openssl req -new -key "$1.key" -subj "/CN=$1" -out "$1.csr"
  printf '%s\n' "$2" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile "$1.ext" \
    -out "$1.pem" 2>/dev/null
}
sign server $'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth'
sign client 'extendedKeyUsage=clientAuth'
