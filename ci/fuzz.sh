#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each one.
#   ci/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
# Crashes are written to build-fuzz/findings/<target>/ and make the script fail.
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/setup.sh
seconds="${1:-60}"
# Every library gets coverage instrumentation (fuzzer-no-link); the targets link libFuzzer itself.
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DMARGO_FUZZ=ON -DMARGO_BUILD_TESTS=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link,address,undefined" >/dev/null
targets=(fuzz_manifest fuzz_bundle fuzz_application_deployment fuzz_config fuzz_structured_fields
         fuzz_signature_verifier fuzz_http_response)
cmake --build build-fuzz $(printf -- '--target %s ' "${targets[@]}") >&2
# The bundle target's seed: a first byte of 1 (gzip the rest) and a real ustar archive of one
# deployment file, so the fuzzer starts from headers with valid checksums.
seed_bundle() {
  local dir
  dir=$(mktemp -d)
  printf 'apiVersion: margo.org/v1-alpha1\nkind: ApplicationDeployment\n' >"$dir/5f0c2b7e.yaml"
  { printf '\001'; tar -C "$dir" --format=ustar --owner=0 --group=0 -cf - 5f0c2b7e.yaml; } >"$1/seed-ustar"
  rm -rf "$dir"
}

# The response target's seeds: real framings (a first byte of 0x10 feeds them in 9-byte pieces).
seed_http_response() {
  printf '\020\007HTTP/1.1 304 Not Modified\r\nETag: "a"\r\n\r\n' >"$1/seed-304"
  printf '\020\007HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\n0\r\nT: v\r\n\r\n' \
    >"$1/seed-chunked"
  printf '\020\007HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok' >"$1/seed-interim"
  { printf '\020\007HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n'; printf 'margo' | gzip -c; } >"$1/seed-gzip"
}

status=0
for target in "${targets[@]}"; do
  findings="build-fuzz/findings/$target"
  corpus="build-fuzz/corpus/$target"
  mkdir -p "$findings" "$corpus"
  if [[ $target == fuzz_bundle && ! -e $corpus/seed-ustar ]]; then seed_bundle "$corpus"; fi
  if [[ $target == fuzz_http_response && ! -e $corpus/seed-304 ]]; then seed_http_response "$corpus"; fi
  echo "== $target (${seconds}s)"
  if ! "build-fuzz/bin/$target" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
       -artifact_prefix="$findings/" "$corpus" 2>&1 | grep -E "DONE|ERROR|SUMMARY"; then
    status=1
  fi
  if ls "$findings"/crash-* "$findings"/leak-* "$findings"/timeout-* >/dev/null 2>&1; then status=1; fi
done
exit $status
