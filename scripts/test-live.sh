#!/usr/bin/env bash
# The live tier (README "Live test"): the demo, governance, agent-layers and observability
# platforms replayed on a real Docker engine, every consumer proving its connections.
#
# It uses your Docker engine when one answers (DOCKER_HOST or the default socket). On a Debian
# or Ubuntu machine with none, it installs docker.io and runs a private dockerd for the run,
# with its own data root, socket and pidfile, and stops that daemon, and only that one, at the
# end. Its data root (/var/tmp/slipway-dockerd, or SLIPWAY_DOCKERD_ROOT) is kept, so that the
# stand-in images built from Debian packages are built once.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d node_modules ] || npm ci --no-audit --no-fund

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
run_dir=""

install() {
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "scripts/test-live.sh: $1 is missing and this is not a Debian or Ubuntu machine; install it and run again" >&2
        exit 1
    fi
    echo "scripts/test-live.sh: installing $*"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

stop_own_daemon() {
    [ -n "$run_dir" ] || return 0
    if [ -s "$run_dir/dockerd.pid" ]; then
        pid=$(cat "$run_dir/dockerd.pid")
        $sudo kill "$pid" 2>/dev/null || true
        for _ in $(seq 60); do $sudo kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    fi
    $sudo rm -rf "$run_dir"
}
trap stop_own_daemon EXIT

if docker info >/dev/null 2>&1; then
    echo "scripts/test-live.sh: using the Docker engine at ${DOCKER_HOST:-the default socket}"
else
    command -v dockerd >/dev/null 2>&1 || install docker.io
    command -v docker >/dev/null 2>&1 || install docker.io
    run_dir=$(mktemp -d /tmp/slipway-dockerd.XXXXXX)
    data_root="${SLIPWAY_DOCKERD_ROOT:-/var/tmp/slipway-dockerd}"
    $sudo mkdir -p "$data_root"
    driver=overlay2
    for attempt in 1 2; do
        $sudo dockerd --data-root "$data_root/$driver" --exec-root "$run_dir/exec" --pidfile "$run_dir/dockerd.pid" \
            -H "unix://$run_dir/docker.sock" --storage-driver "$driver" >"$run_dir/dockerd.log" 2>&1 &
        export DOCKER_HOST="unix://$run_dir/docker.sock"
        for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
        docker info >/dev/null 2>&1 && break
        echo "scripts/test-live.sh: dockerd did not start with $driver:" >&2
        tail -5 "$run_dir/dockerd.log" >&2
        [ "$attempt" -eq 1 ] || exit 1
        [ -s "$run_dir/dockerd.pid" ] && $sudo kill "$(cat "$run_dir/dockerd.pid")" 2>/dev/null || true
        sleep 2
        driver=vfs
    done
    $sudo chmod 666 "$run_dir/docker.sock"
    echo "scripts/test-live.sh: started a private dockerd ($driver) at $DOCKER_HOST"
fi

# Images that cannot be pulled are replaced by stand-ins built from Debian packages with
# debootstrap; an engine that can pull every image needs none.
if ! command -v debootstrap >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then install debootstrap; fi

npx mocha --no-config -r ts-node/register/transpile-only --timeout 1800000 --reporter spec 'test/live/*.live.ts'
