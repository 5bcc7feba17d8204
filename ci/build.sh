#!/usr/bin/env bash
# Configures and builds into a build directory.
#   ci/build.sh [BUILD_DIR] [--sanitize] [--tests KINDS] [--asan-dir DIR] [--target T]...
# Warnings are errors; each target's files are compiled in unity batches; ccache is used when present.
# --tests "unit;contract": only those test folders (default: all kinds).
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
cmake_args=(-G Ninja -DMARGO_WERROR=ON -DMARGO_UNITY_BUILD=ON)
targets=()
while (($#)); do
  case "$1" in
    # Line tables (-g1) are all the sanitizers' reports need.
    --sanitize) cmake_args+=(-DMARGO_SANITIZE=ON "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1") ;;
    --tests) cmake_args+=("-DMARGO_TEST_KINDS=$2"); shift ;;
    --target) targets+=(--target "$2"); shift ;;
    --asan-dir) cmake_args+=(-DMARGO_SANITIZER_BUILD_DIR="$(realpath -m "$2")"); shift ;;
    *) build_dir="$1" ;;
  esac
  shift
done

cmake -S . -B "$build_dir" "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" "${targets[@]}" -- -j"$(nproc)"
