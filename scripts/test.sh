#!/usr/bin/env bash
# Runs every test from a fresh clone: installs the npm dependencies and the real tools the tests
# call (promtool from Debian's `prometheus`, nginx from `nginx-light`, a PostgreSQL server from
# `postgresql`, a Redis server, envsubst, and Debian's Python with psycopg2 and redis for the
# live tier's probe), type-checks the program once, then runs the mocha suite. CI runs exactly
# this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund

missing=()
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v envsubst >/dev/null 2>&1 || missing+=(gettext-base)
# busybox's sh: the shell of the Alpine images whose start scripts the tests run (Vault's).
command -v busybox >/dev/null 2>&1 || missing+=(busybox)
/usr/bin/python3 -c "import psycopg2, redis" >/dev/null 2>&1 || missing+=(python3 python3-psycopg2 python3-redis)
if [ ${#missing[@]} -gt 0 ]; then
    if command -v apt-get >/dev/null 2>&1; then
        sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        echo "scripts/test.sh: installing ${missing[*]}"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "scripts/test.sh: the tests need promtool, nginx, PostgreSQL (initdb), redis-server, envsubst and Debian's python3 with psycopg2 and redis; and busybox; install ${missing[*]} and run again" >&2
        exit 1
    fi
fi

npm test
