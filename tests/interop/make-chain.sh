#!/usr/bin/env bash
# Makes a root -> intermediate -> leaf TLS chain with the openssl CLI, for the interop suite's
# "server chain with an intermediate CA" case (test keys only, never for production):
#   chain-root.crt               the root CA; the only certificate the agent trusts
#   chain-server.key             the server's private key
#   chain-server-fullchain.crt   the server's leaf (localhost, 127.0.0.1, ::1), then the intermediate CA
# Usage: tests/interop/make-chain.sh DIR
set -euo pipefail

dir=${1:?usage: make-chain.sh DIR}
mkdir -p "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

serial() { echo "0x$(openssl rand -hex 16)"; }
ec_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1"; }

ec_key "$work/root.key"
openssl req -x509 -new -key "$work/root.key" -sha256 -days 30 -set_serial "$(serial)" \
  -subj "/O=Margo interop/CN=Margo Interop Root CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "subjectKeyIdentifier=hash" \
  -out "$dir/chain-root.crt"

ec_key "$work/intermediate.key"
printf '%s\n' "basicConstraints=critical,CA:TRUE,pathlen:0" "keyUsage=critical,keyCertSign,cRLSign" \
  "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >"$work/intermediate.ext"
openssl req -new -key "$work/intermediate.key" -subj "/O=Margo interop/CN=Margo Interop Intermediate CA" \
  -out "$work/intermediate.csr"
openssl x509 -req -in "$work/intermediate.csr" -CA "$dir/chain-root.crt" -CAkey "$work/root.key" \
  -set_serial "$(serial)" -days 30 -sha256 -extfile "$work/intermediate.ext" \
  -out "$work/intermediate.crt" 2>/dev/null

(umask 077 && ec_key "$dir/chain-server.key")
printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
  "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" \
  "subjectKeyIdentifier=hash" "authorityKeyIdentifier=keyid" >"$work/server.ext"
openssl req -new -key "$dir/chain-server.key" -subj "/O=Margo interop/CN=localhost" -out "$work/server.csr"
openssl x509 -req -in "$work/server.csr" -CA "$work/intermediate.crt" -CAkey "$work/intermediate.key" \
  -set_serial "$(serial)" -days 30 -sha256 -extfile "$work/server.ext" -out "$work/server.crt" 2>/dev/null

cat "$work/server.crt" "$work/intermediate.crt" >"$dir/chain-server-fullchain.crt"
# The chain is sound: the leaf verifies against the root only through the intermediate.
openssl verify -CAfile "$dir/chain-root.crt" -untrusted "$work/intermediate.crt" "$work/server.crt" >/dev/null
