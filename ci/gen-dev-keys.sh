#!/usr/bin/env bash
# Makes development keys and certificates with the openssl CLI (never for production):
#   ca.key, ca.crt                   a development CA
#   wfm-server.key, wfm-server.crt   the WFM's TLS server certificate (localhost, 127.0.0.1, ::1)
#   device-ecdsa.key, .crt           a device identity on P-256 (signature algorithm ecdsa)
#   device-rsa.key, .crt             a device identity on RSA 2048 (rsa and rsa-pss)
# Usage: ci/gen-dev-keys.sh [DIR]   (default: config/dev-keys under the repository root)
# Idempotent: existing files are kept; only missing ones are made. Private keys are unencrypted
# PKCS#8 PEM with mode 0600, certificates mode 0644. DIR gets a .gitignore that ignores everything in
# it, so the keys cannot be committed by accident.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${1:-$repo_root/config/dev-keys}
ca_days=3650
leaf_days=825

command -v openssl >/dev/null || {
  echo "gen-dev-keys: the openssl command is needed" >&2
  exit 1
}

mkdir -p "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

report() { echo "gen-dev-keys: $1 $dir/$2"; }

if [[ ! -e $dir/.gitignore ]]; then
  printf '# Development keys: never commit them.\n*\n' >"$dir/.gitignore"
  report made .gitignore
fi

# make_key NAME ALGORITHM: ALGORITHM is "ec" (P-256) or "rsa" (2048 bits).
make_key() {
  local name=$1 algorithm=$2
  if [[ -e $dir/$name ]]; then
    report kept "$name"
    return
  fi
  case $algorithm in
    ec) (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/$name") ;;
    rsa) (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/$name" 2>/dev/null) ;;
  esac
  chmod 0600 "$dir/$name"
  report made "$name"
}

random_serial() { echo "0x$(openssl rand -hex 16)"; }

make_ca_cert() {
  if [[ -e $dir/ca.crt ]]; then
    report kept ca.crt
    return
  fi
  openssl req -x509 -new -key "$dir/ca.key" -sha256 -days "$ca_days" -set_serial "$(random_serial)" \
    -subj "/O=Margo development/CN=Margo Development CA" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" \
    -out "$dir/ca.crt"
  chmod 0644 "$dir/ca.crt"
  report made ca.crt
}

# make_leaf_cert NAME COMMON_NAME EXTENSIONS: NAME.crt for NAME.key, signed by the CA.
make_leaf_cert() {
  local name=$1 common_name=$2 extensions=$3
  if [[ -e $dir/$name.crt ]]; then
    if ! openssl verify -CAfile "$dir/ca.crt" "$dir/$name.crt" >/dev/null 2>&1; then
      echo "gen-dev-keys: $dir/$name.crt is not signed by $dir/ca.crt; delete $dir to start over" >&2
      exit 1
    fi
    report kept "$name.crt"
    return
  fi
  printf '%s\n' "$extensions" >"$work/$name.ext"
  openssl req -new -key "$dir/$name.key" -subj "/O=Margo development/CN=$common_name" -out "$work/$name.csr"
  openssl x509 -req -in "$work/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
    -set_serial "$(random_serial)" -days "$leaf_days" -sha256 -extfile "$work/$name.ext" \
    -out "$dir/$name.crt" 2>/dev/null
  chmod 0644 "$dir/$name.crt"
  report made "$name.crt"
}

server_extensions="basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid"

device_extensions="basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid"

# A new CA would not have signed the certificates already there.
if [[ ! -e $dir/ca.key ]]; then
  for cert in ca wfm-server device-ecdsa device-rsa; do
    if [[ -e $dir/$cert.crt ]]; then
      echo "gen-dev-keys: $dir/$cert.crt exists without ca.key; delete $dir to start over" >&2
      exit 1
    fi
  done
fi

make_key ca.key ec
make_ca_cert
make_key wfm-server.key ec
make_leaf_cert wfm-server localhost "$server_extensions"
make_key device-ecdsa.key ec
make_leaf_cert device-ecdsa margo-dev-device-ecdsa "$device_extensions"
make_key device-rsa.key rsa
make_leaf_cert device-rsa margo-dev-device-rsa "$device_extensions"
