#!/usr/bin/env bash
# Makes a Docker engine and the compose test image ready for tests/integration/compose_docker:
#   1. docker.io, docker-compose (v1) and busybox-static are installed (apt-get only when missing);
#   2. an engine answers `docker info`; when none does, dockerd is started here with no bridge and no
#      iptables rules (tests use network_mode none or host only), logging to a file, with a pid file;
#   3. the image margo-test/busybox:1 exists; when it does not, it is made with `docker import` from a
#      rootfs holding busybox-static and the applet links the tests use (no registry is ever asked).
# Idempotent and a fast no-op when everything is ready. Exits non-zero, saying why, when the engine
# cannot be started. MARGO_SKIP_DOCKER=1 skips all of it on purpose (and the integration tests then
# say they are skipped).
set -euo pipefail

readonly IMAGE=margo-test/busybox:1
readonly STATE_DIR=${MARGO_DOCKER_STATE_DIR:-/var/tmp/margo-docker}
readonly LOG_FILE=$STATE_DIR/dockerd.log
readonly PID_FILE=$STATE_DIR/dockerd.pid
readonly READY_WAIT_SECONDS=${MARGO_DOCKER_READY_WAIT:-60}
# The applets the test compose files and the tests' `docker exec` commands use.
readonly APPLETS=(sh cat echo env id kill ls mkdir rm sleep test touch true false wc)

say() { echo "ci/docker.sh: $*" >&2; }

if [[ "${MARGO_SKIP_DOCKER:-}" == 1 ]]; then
  say "################################################################################"
  say "MARGO_SKIP_DOCKER=1: Docker is NOT set up and the Docker integration tests are"
  say "SKIPPED ON PURPOSE. The compose runtime has not been tested against a real engine."
  say "################################################################################"
  exit 0
fi

install_missing_packages() {
  local missing=()
  for package in docker.io docker-compose busybox-static; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  ((${#missing[@]} == 0)) && return 0
  say "installing ${missing[*]}"
  if [[ $(id -u) -ne 0 ]]; then
    say "need root to install packages (run as root or with sudo)"
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

engine_answers() { docker info >/dev/null 2>&1; }

start_engine() {
  mkdir -p "$STATE_DIR"
  # Two callers at once must not start two daemons on one socket.
  exec 9>"$STATE_DIR/start.lock"
  flock 9
  if engine_answers; then return 0; fi
  if [[ -f $PID_FILE ]] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    say "dockerd (pid $(cat "$PID_FILE")) is running but not answering yet; waiting"
  else
    if ! command -v dockerd >/dev/null; then
      say "dockerd is not installed (package docker.io)"
      exit 1
    fi
    say "starting dockerd --bridge=none --iptables=false (log: $LOG_FILE)"
    # setsid: the daemon outlives this script and is not killed with the caller's process group.
    setsid dockerd --bridge=none --iptables=false --pidfile "$PID_FILE" </dev/null >>"$LOG_FILE" 2>&1 &
  fi
  local deadline=$((SECONDS + READY_WAIT_SECONDS))
  until engine_answers; do
    if ((SECONDS >= deadline)); then
      say "ERROR: the Docker engine did not answer within ${READY_WAIT_SECONDS}s; last lines of $LOG_FILE:"
      tail -n 30 "$LOG_FILE" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
  say "Docker engine ready: $(docker info --format '{{.ServerVersion}}' 2>/dev/null)"
}

build_test_image() {
  docker image inspect "$IMAGE" >/dev/null 2>&1 && return 0
  # busybox-static installs a statically linked /bin/busybox: the image needs nothing else.
  local busybox=/bin/busybox
  [[ -x $busybox ]] || { say "ERROR: $busybox is missing (package busybox-static)"; exit 1; }
  local rootfs
  rootfs=$(mktemp -d)
  trap 'rm -rf "$rootfs"' RETURN
  mkdir -p "$rootfs/rootfs/bin" "$rootfs/rootfs/tmp" "$rootfs/rootfs/data" "$rootfs/rootfs/etc"
  chmod 1777 "$rootfs/rootfs/tmp"
  cp "$busybox" "$rootfs/rootfs/bin/busybox"
  for applet in "${APPLETS[@]}"; do ln -s busybox "$rootfs/rootfs/bin/$applet"; done
  tar -C "$rootfs/rootfs" -cf "$rootfs/rootfs.tar" .
  docker import -c 'CMD ["/bin/sh"]' -c 'ENV PATH=/bin' "$rootfs/rootfs.tar" "$IMAGE" >/dev/null
  say "built $IMAGE from busybox-static"
}

install_missing_packages
engine_answers || start_engine
build_test_image
