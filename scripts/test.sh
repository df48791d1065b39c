#!/usr/bin/env bash
# Runs every test from a fresh clone: installs the npm dependencies and the real tools the tests
# call (promtool from Debian's `prometheus`, nginx from `nginx-light`, a PostgreSQL server from
# `postgresql`), type-checks the program once, then runs the mocha suite. CI runs exactly this
# (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --no-audit --no-fund

missing=()
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
    if command -v apt-get >/dev/null 2>&1; then
        sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        echo "scripts/test.sh: installing ${missing[*]} (promtool, nginx -t, a PostgreSQL server)"
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "scripts/test.sh: the tests need promtool, nginx and PostgreSQL (initdb); install ${missing[*]} and run again" >&2
        exit 1
    fi
fi

npm test
