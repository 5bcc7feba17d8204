#!/usr/bin/env bash
# Sets everything up and runs every test in one ctest run: the unit and contract tests built with
# AddressSanitizer + UndefinedBehaviorSanitizer (build-asan, names "asan+ubsan ..."), the integration and
# interop tests against the normal optimised build (build), whose ctest schedules both. The compose
# runtime is tested on a real Docker engine, which ci/docker.sh starts when none runs.
set -euo pipefail
cd "$(dirname "$0")/.."
phase_start=$SECONDS
phase() { echo "ci/test.sh: $1 took $((SECONDS - phase_start)) s" >&2; phase_start=$SECONDS; }

bash ci/setup.sh
# Go, Node.js and Debian's python3-cryptography for the interop suite's WFM stand-ins (before the build:
# CMake looks for go).
bash ci/interop.sh
# A Docker engine and the test image for the compose runtime's tests (MARGO_SKIP_DOCKER=1: skipped, loudly).
bash ci/docker.sh
phase "setup: packages, interop tools, Docker"
bash ci/build.sh build-asan --sanitize --tests "unit;contract" --target margo-tests
phase "the sanitizer build"
bash ci/build.sh build --asan-dir build-asan --tests "integration;interop"
phase "the optimised build"
cd build
# Parallel: the tests take free ports and their own temporary directories and Docker projects. Four at a
# time on two cores: the longest tests (the interop figures, started first) mostly wait.
# The ten slowest tests are printed at the end, so the next slowdown is seen.
status=0
ctest --output-on-failure --timeout 900 -j4 "$@" | tee ctest-output.txt || status=$?
phase "ctest"
echo "slowest tests:"
grep -E '^ *[0-9]+/[0-9]+ Test +#' ctest-output.txt | sed -E 's/.*Test +#[0-9]+: (.*[^ .]) \.+.* ([0-9.]+) sec$/\2 s  \1/' |
  sort -rn | head -10 || true
exit "$status"
