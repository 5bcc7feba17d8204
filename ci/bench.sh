#!/usr/bin/env bash
# Builds and runs the benchmarks, printing their figures.
#   ci/bench.sh [SECONDS]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/setup.sh
bash ci/build.sh build --target bench_poll >&2
build/bin/bench_poll "${1:-60}"
