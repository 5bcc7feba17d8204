#!/usr/bin/env bash
# Installs the build and test dependencies from Debian's archive. A fast no-op when all are present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config openssl
  libssl-dev libpoco-dev libyaml-cpp-dev nlohmann-json3-dev libcpp-httplib-dev libboost-dev
  catch2 libtrompeloeil-cpp-dev
  chromium  # headless, loads the HTML conformance report in tests/integration/html_report
)

missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "ci/setup.sh: installing ${missing[*]}" >&2
if [[ $(id -u) -ne 0 ]]; then
  echo "ci/setup.sh: need root to install packages (run as root or with sudo)" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
