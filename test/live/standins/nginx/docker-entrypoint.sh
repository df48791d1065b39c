#!/bin/sh
# nginxinc/docker-nginx entrypoint/docker-entrypoint.sh (the unprivileged image's too): for
# `nginx ...`, source *.envsh and run *.sh of /docker-entrypoint.d in order, then exec the command.
# STANDIN_ENTRYPOINT_D is the stand-in's own, so the unit tests can use a directory of their own.
set -e

dir="${STANDIN_ENTRYPOINT_D:-/docker-entrypoint.d}"

entrypoint_log() {
    if [ -z "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ]; then
        echo "$@"
    fi
}

if [ "$1" = "nginx" ] || [ "$1" = "nginx-debug" ]; then
    if /usr/bin/find "$dir/" -mindepth 1 -maxdepth 1 -type f -print -quit 2>/dev/null | read v; then
        entrypoint_log "$0: $dir/ is not empty, will attempt to perform configuration"
        # One subshell runs the loop: what an .envsh exports reaches the scripts after it.
        find "$dir/" -follow -type f -print | sort -V | while read -r f; do
            case "$f" in
                *.envsh)
                    if [ -x "$f" ]; then entrypoint_log "$0: Sourcing $f"; . "$f"
                    else entrypoint_log "$0: Ignoring $f, not executable"; fi ;;
                *.sh)
                    if [ -x "$f" ]; then entrypoint_log "$0: Launching $f"; "$f"
                    else entrypoint_log "$0: Ignoring $f, not executable"; fi ;;
                *) entrypoint_log "$0: Ignoring $f" ;;
            esac
        done
        entrypoint_log "$0: Configuration complete; ready for start up"
    else
        entrypoint_log "$0: No files found in $dir/, skipping configuration"
    fi
fi

exec "$@"
