#!/usr/bin/env bash
# The quickstart on a real Docker engine: the production margo-agent against margo-wfm serve over
# HTTPS on 127.0.0.1 (signed requests, verified by the fake WFM), deploying a busybox compose
# workload: install, update with a changed parameter (the data in its named volume survives), a
# container killed behind the agent's back (monitoring reports it and re-deploys), removal. Prints the
# status reports the WFM received and the agent's log lines about the deployment.
#   bash ci/quickstart.sh --docker      (or this script directly)
#   ci/quickstart-docker.sh --no-build BUILD_DIR   uses binaries already built (the test suite does)
# Exits non-zero when any step does not turn out as shown.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

say() { printf '\n== %s\n' "$*"; }
fail() { echo "quickstart-docker: FAILED: $*" >&2; exit 1; }

bin=$root/build/bin
if [[ "${1:-}" == --no-build ]]; then
  bin=$(realpath "$2")/bin
  if [[ "${MARGO_SKIP_DOCKER:-}" == 1 ]]; then
    echo "quickstart-docker: SKIPPED ON PURPOSE (MARGO_SKIP_DOCKER=1)"
    exit 0
  fi
else
  bash ci/setup.sh
  [[ "${MARGO_SKIP_DOCKER:-}" == 1 ]] && fail "MARGO_SKIP_DOCKER=1, so there is no Docker engine to run it on"
  bash ci/build.sh build --target margo-agent --target margo-wfm >&2
fi
bash ci/docker.sh
bash ci/gen-dev-keys.sh >/dev/null

work=$(mktemp -d /tmp/margo-quickstart-docker.XXXXXX)
agent_pid=""
wfm_pid=""
cleanup() {
  [[ -n $agent_pid ]] && kill "$agent_pid" 2>/dev/null && wait "$agent_pid" 2>/dev/null || true
  [[ -n $wfm_pid ]] && kill "$wfm_pid" 2>/dev/null && wait "$wfm_pid" 2>/dev/null || true
  # Whatever the demo left behind on the engine (normally nothing: the removal takes it all).
  docker ps -aq --filter label=com.docker.compose.service=greeter | xargs -r docker rm -f >/dev/null
  docker volume ls -q --filter label=com.docker.compose.volume=greetings | xargs -r docker volume rm >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

keys=$root/config/dev-keys
deployment_id=3f1c9a52-7d4e-4b8a-9c61-2e5f0a7b8d90

# The workload: a busybox container that appends its greeting to a file in a named volume, then idles.
mkdir -p "$work/package"
cat >"$work/package/compose.yaml" <<'YAML'
services:
  greeter:
    image: margo-test/busybox:1
    network_mode: none
    environment:
      GREETING: ${GREETING}
    command: ["sh", "-c", "echo \"$$GREETING\" >> /data/greetings; exec sleep 2147483647"]
    volumes:
      - greetings:/data
volumes:
  greetings: {}
YAML
package_digest="sha256:$(sha256sum "$work/package/compose.yaml" | cut -d' ' -f1)"

deployment_yaml() {  # $1: the greeting
  cat <<YAML
apiVersion: application.margo.org/v1alpha1
kind: ApplicationDeployment
id: $deployment_id
metadata:
  name: greeter
  namespace: quickstart
spec:
  applicationId: greeter
  deploymentProfile:
    type: compose
    components:
      - name: greeter
        properties:
          packageLocation: $work/package/compose.yaml
          packageDigest: $package_digest
          wait: true
          timeout: 1m0s
  parameters:
    greeting:
      value: "$1"
      targets:
        - pointer: GREETING
          components: [greeter]
YAML
}

cat >"$work/config.yaml" <<YAML
logging: {level: INFO}
database: {dataDir: $work/data}
deviceRootIdentity:
  identityType: PKI
  attestation: {pki: {pubCertPath: $keys/device-ecdsa.crt}}
wfm:
  sbiUrl: https://127.0.0.1:PORT
  clientPlugins:
    requestSigner: {enabled: true, signatureAlgo: ecdsa, keyRef: {path: $keys/device-ecdsa.key}}
    tlsHelper: {enabled: true, caKeyRef: {path: $keys/ca.crt}}
stateSeeking: {interval: 1}
runtimes:
  - type: DOCKER
    # The demo cleans up after itself; the default (false) keeps a removed deployment's volumes.
    docker: {url: unix:///var/run/docker.sock, removeVolumes: true}
monitoring: {interval: 2s, redeployDelay: 3s}
capabilities: {readFromFile: $root/config/capabilities.json}
YAML

say "starting margo-wfm serve (HTTPS, 127.0.0.1) and margo-agent"
"$bin/margo-wfm" serve --listen 127.0.0.1:0 --tls-cert "$keys/wfm-server.crt" --tls-key "$keys/wfm-server.key" \
  >"$work/wfm.out" 2>"$work/wfm.log" &
wfm_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/wfm.out" && break; sleep 0.1; done
wfm_url=$(sed -n 's/^margo-wfm: listening on //p' "$work/wfm.out")
[[ -n $wfm_url ]] || { echo "margo-wfm did not start:" >&2; cat "$work/wfm.log" >&2; exit 1; }
sed -i "s|https://127.0.0.1:PORT|$wfm_url|" "$work/config.yaml"
"$bin/margo-agent" run --config "$work/config.yaml" 2>"$work/agent.log" &
agent_pid=$!

admin() { curl -sS --fail --cacert "$keys/ca.crt" "$wfm_url/_fake/$1" "${@:2}"; }
set_deployments() { admin deployments -X POST -H 'Content-Type: application/json' --data-binary @- >/dev/null; }
reports() { admin status-reports | jq -r --arg id "$deployment_id" '[.[] | select(.deploymentId == $id) | .state] | join(" ")'; }
# Waits until the WFM has received `$1` as the latest state, more than $2 reports in all.
wait_for_state() {
  local state=$1 after=$2
  for _ in $(seq 240); do
    local seen
    seen=$(reports)
    if [[ $(wc -w <<<"$seen") -gt $after && ${seen##* } == "$state" ]]; then return 0; fi
    kill -0 "$agent_pid" 2>/dev/null || { echo "margo-agent exited:" >&2; tail -20 "$work/agent.log" >&2; exit 1; }
    sleep 0.5
  done
  echo "timed out waiting for '$state'; the agent's log ends with:" >&2
  tail -20 "$work/agent.log" >&2
  exit 1
}
count() { reports | wc -w; }
greetings() { docker exec "$(docker ps -q --filter label=com.docker.compose.service=greeter | head -1)" cat /data/greetings | paste -sd' '; }

say "the WFM wants greeter, GREETING=hello"
deployment_yaml hello | jq -Rs --arg id "$deployment_id" '[{deploymentId: $id, yaml: .}]' | set_deployments
wait_for_state installed 0
echo "the container wrote: $(greetings)"
[[ $(greetings) == hello ]] || fail "expected the container to write hello"

say "update: GREETING=bonjour"
before=$(count)
deployment_yaml bonjour | jq -Rs --arg id "$deployment_id" '[{deploymentId: $id, yaml: .}]' | set_deployments
wait_for_state installed "$before"
echo "the volume holds: $(greetings)   (the first line survived the update)"
[[ $(greetings) == "hello bonjour" ]] || fail "expected the volume to hold 'hello bonjour'"

say "the container is killed behind the agent's back"
before=$(count)
docker kill "$(docker ps -q --filter label=com.docker.compose.service=greeter | head -1)" >/dev/null
wait_for_state installed "$((before + 1))"
echo "re-deployed; the volume holds: $(greetings)"

say "the WFM no longer lists greeter"
printf '[]' | set_deployments
wait_for_state removed 0
left=$(docker ps -aq --filter label=com.docker.compose.service=greeter | wc -l)
echo "containers left: $left"
[[ $left == 0 ]] || fail "the removal left containers behind"
volumes=$(docker volume ls -q --filter label=com.docker.compose.volume=greetings | wc -l)
echo "volumes left: $volumes   (removeVolumes: true in this demo's config)"
[[ $volumes == 0 ]] || fail "the removal left the volume behind"

say "status reports the WFM received for $deployment_id"
admin status-reports | jq -r --arg id "$deployment_id" \
  '.[] | select(.deploymentId == $id) | "  \(.state)\(if .body.status.error then "  (\(.body.status.error.code): \(.body.status.error.message))" else "" end)"'
say "the agent's log, about deployments and the runtime"
grep -E 'component=(compose|reconciler|monitor)|compose' "$work/agent.log" | grep -vE 'level=debug' | sed 's/^/  /' | head -60
say "requests the WFM verified: $(admin exchanges | jq '[.[] | select(.signature == "verified")] | length') of $(admin exchanges | jq 'length') signed and verified"
kill "$agent_pid"
wait "$agent_pid" && echo "margo-agent stopped cleanly (exit 0)"
agent_pid=""
