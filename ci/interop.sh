#!/usr/bin/env bash
# Installs what the interop suite (tests/interop, ctest -L interop) needs to run its WFM stand-ins:
# Debian's python3 with python3-cryptography (the Python stand-in runs on /usr/bin/python3), Node.js and
# Go. A fast no-op when all are present.
set -euo pipefail

missing=()
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

[[ -x /usr/bin/python3 ]] || missing+=(python3)
installed python3-cryptography || missing+=(python3-cryptography)
[[ -x /usr/bin/node ]] || command -v node >/dev/null || missing+=(nodejs)
# Go: the machine's own toolchain in /usr/local/go when there is one, else Debian's.
[[ -x /usr/local/go/bin/go ]] || command -v go >/dev/null || missing+=(golang-go)

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "ci/interop.sh: installing ${missing[*]}" >&2
if [[ $(id -u) -ne 0 ]]; then
  echo "ci/interop.sh: need root to install packages (run as root or with sudo)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
