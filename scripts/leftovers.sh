#!/usr/bin/env bash
# What a stack left behind, to run after `destroy`:
#   bash scripts/leftovers.sh pr-123
# - Docker (when the docker CLI is installed): every container, volume and network labelled
#   dev.slipway.stack=<stack>, the label the docker target puts on each;
# - Kubernetes (when kubectl is installed and has a context: SLIPWAY_KUBE_CONTEXT, or the current
#   one): the namespace slipway-<stack>, and any namespace labelled dev.slipway.stack=<stack>.
# Prints one line per leftover ("container slipway-pr-123-postgres"). Exits 0 when nothing is
# left, 1 when something is, and 2 when the Docker engine or the cluster does not answer, so that
# nothing could be said (stderr says which).
set -uo pipefail

if [ $# -ne 1 ] || [[ ! "$1" =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]]; then
    echo "usage: bash scripts/leftovers.sh <stack>" >&2
    exit 2
fi
stack=$1
label="dev.slipway.stack=$stack"
left=0
unchecked=0

# report KIND SUFFIX: one line per name on standard input.
report() {
    local name
    while IFS= read -r name; do
        [ -n "$name" ] || continue
        echo "$1 $name$2"
        left=$((left + 1))
    done
}

if command -v docker >/dev/null 2>&1; then
    for kind in container volume network; do
        case $kind in
            container) list=(ps --all --filter "label=$label" --format '{{.Names}}') ;;
            volume) list=(volume ls --filter "label=$label" --format '{{.Name}}') ;;
            network) list=(network ls --filter "label=$label" --format '{{.Name}}') ;;
        esac
        if names=$(docker "${list[@]}"); then
            report "$kind" "" <<<"$names"
        else
            echo "leftovers: the Docker engine does not answer (docker ${list[*]}): Docker not checked" >&2
            unchecked=1
            break
        fi
    done
else
    echo "leftovers: no docker CLI here: Docker not checked" >&2
fi

if command -v kubectl >/dev/null 2>&1; then
    context=${SLIPWAY_KUBE_CONTEXT:-$(kubectl config current-context 2>/dev/null)}
    if [ -z "$context" ]; then
        echo "leftovers: kubectl has no context: Kubernetes not checked" >&2
    elif named=$(kubectl --context "$context" --request-timeout 20s get namespace "slipway-$stack" --ignore-not-found --output name) &&
        labelled=$(kubectl --context "$context" --request-timeout 20s get namespaces --selector "$label" --output name); then
        declare -A seen=()
        namespaces=""
        while IFS= read -r ns; do
            ns=${ns#namespace/}
            if [ -z "$ns" ] || [ -n "${seen[$ns]:-}" ]; then continue; fi
            seen[$ns]=1
            namespaces+="$ns"$'\n'
        done <<<"$named"$'\n'"$labelled"
        report namespace " (context $context)" <<<"$namespaces"
    else
        echo "leftovers: the cluster of context $context does not answer: Kubernetes not checked" >&2
        unchecked=1
    fi
fi

if [ "$left" -gt 0 ]; then
    echo "leftovers: $left left of stack $stack" >&2
    exit 1
fi
if [ "$unchecked" -ne 0 ]; then
    exit 2
fi
echo "leftovers: nothing of stack $stack is left" >&2
exit 0
