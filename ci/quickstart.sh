#!/usr/bin/env bash
# Sets everything up and runs the main job on the embedded default: the agent core against the
# embedded fake WFM in virtual time (margo-sim's built-in quickstart scenario), printing a timeline
# of what the agent did and a summary.
#   bash ci/quickstart.sh --docker   runs it for real instead: margo-agent deploying a busybox compose
#                                    workload on a Docker engine (ci/quickstart-docker.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ "${1:-}" == --docker ]]; then exec bash ci/quickstart-docker.sh; fi

bash ci/setup.sh
bash ci/build.sh build --target margo-sim >&2
exec build/bin/margo-sim "$@"
