#!/usr/bin/env bash
# Sets everything up and runs the main job on the embedded default: the agent core against the
# embedded fake WFM in virtual time (margo-sim's built-in quickstart scenario), printing a timeline
# of what the agent did and a summary.
set -euo pipefail
cd "$(dirname "$0")/.."

bash ci/setup.sh
bash ci/build.sh build --target margo-sim >&2
exec build/bin/margo-sim "$@"
