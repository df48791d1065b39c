#!/usr/bin/env bash
# Checks every endpoint of a deployed stack for real (SLIPWAY_STACK, default dev).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/pulumi.sh stack output endpoints --json | node -r ts-node/register/transpile-only scripts/verify.ts
