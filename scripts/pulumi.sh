#!/usr/bin/env bash
# The Pulumi CLI with a local state backend: no account, state in .pulumi/ next to the code.
#   bash scripts/pulumi.sh up                     # the dev stack
#   SLIPWAY_STACK=staging bash scripts/pulumi.sh preview --diff
# Secrets in the state are encrypted with a passphrase. Unless PULUMI_CONFIG_PASSPHRASE or
# PULUMI_CONFIG_PASSPHRASE_FILE is set, one is generated once into .pulumi/passphrase (mode
# 0600, never committed): keep it, it is the only way to read this state's secrets.
# PULUMI_BACKEND_URL, when set, wins over the local backend (e.g. s3://… for a team).
set -euo pipefail
cd "$(dirname "$0")/.."

stack="${SLIPWAY_STACK:-dev}"
pulumi="${PULUMI:-node_modules/.bin/pulumi}"
[ -d node_modules ] || npm ci --no-audit --no-fund
# Pulumi runs the program's JavaScript build (Pulumi.yaml: main bin/index.js), so build it first;
# this does nothing when bin/ is already built from the current sources.
${SLIPWAY_BUILD:-node scripts/build.js}

state="$PWD/.pulumi"
mkdir -p "$state"
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$state}"
if [ -z "${PULUMI_CONFIG_PASSPHRASE:-}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
    if [ ! -s "$state/passphrase" ]; then
        (umask 077 && node -e 'process.stdout.write(require("crypto").randomBytes(32).toString("base64"))' >"$state/passphrase")
        echo "slipway: generated .pulumi/passphrase; keep it, it decrypts this state's secrets" >&2
    fi
    export PULUMI_CONFIG_PASSPHRASE_FILE="$state/passphrase"
fi

# Before a deploy, say what the machine lacks (SLIPWAY_SKIP_PREFLIGHT=1 skips it).
if [ "${1:-}" = up ] && [ "${SLIPWAY_SKIP_PREFLIGHT:-0}" != 1 ]; then
    ${SLIPWAY_PREFLIGHT:-node -r ts-node/register/transpile-only scripts/preflight.ts} "$stack"
fi

"$pulumi" stack select --create "$stack" >/dev/null
exec "$pulumi" "$@" --stack "$stack"
