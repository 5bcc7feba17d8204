#!/usr/bin/env bash
# Configures and builds into a build directory.
#   ci/build.sh [BUILD_DIR] [--sanitize] [--target T]...
# Warnings are errors. ccache is used when present.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build
cmake_args=(-G Ninja -DMARGO_WERROR=ON)
targets=()
while (($#)); do
  case "$1" in
    --sanitize) cmake_args+=(-DMARGO_SANITIZE=ON "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g") ;;
    --target) targets+=(--target "$2"); shift ;;
    --asan-dir) cmake_args+=(-DMARGO_SANITIZER_BUILD_DIR="$(realpath -m "$2")"); shift ;;
    *) build_dir="$1" ;;
  esac
  shift
done

cmake -S . -B "$build_dir" "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" "${targets[@]}" -- -j"$(nproc)"
