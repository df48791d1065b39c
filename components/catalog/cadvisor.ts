import { CatalogType, usedPeer } from "./types";

// cAdvisor reads every container's cgroups and the container runtime's state from the host, as
// root: its README (docs/running.md at v0.53.0) runs it with /, /var/run, /sys and
// /var/lib/docker mounted read-only (and --privileged plus /dev/kmsg, which Slipway does not
// grant: OOM events from the kernel log and some disk statistics are then missing).
// /var/run is not mounted here: it holds the Docker socket, and a read-only mount does not stop a
// process from talking to a socket, so it would be the whole Docker API as root. cAdvisor only
// needs that socket to ask the engine about containers (/info, /version, container inspect:
// container/docker/docker.go and handler.go), and its `-docker` flag names the endpoint to ask
// (container/docker/factory.go: flag "docker", default unix:///var/run/docker.sock). So it asks
// the read-only Docker API proxy it `uses` instead: `-docker=tcp://<docker-proxy>:2375`.
// Without /var/run its containerd and CRI-O plugins find no socket, and stay off.
// Registry: images from v0.53.0 on are published to ghcr.io/google/cadvisor (before: gcr.io).
// Docker Engine 29 raised its minimum API version to 1.44; cAdvisor releases before v0.56 speak an
// older API, so on Engine 29 containers show up by cgroup path without names or labels. Override
// `image` with a newer release there (not pinned here: no 2025 release was confirmed to fix it).
export const cadvisor: CatalogType = {
    type: "cadvisor",
    image: "ghcr.io/google/cadvisor:v0.53.0",
    ports: [{ name: "http", port: 8080, access: "client" }],
    scheme: "http",
    user: { uid: 0, gid: 0 },
    needs: ["docker-proxy"],
    hostAccess: {
        reason: "cAdvisor reads the host's cgroups, /sys and the container runtime's state to measure every container",
        mounts: [
            { hostPath: "/", path: "/rootfs" },
            { hostPath: "/sys", path: "/sys" },
            { hostPath: "/var/lib/docker", path: "/var/lib/docker" },
        ],
        root: true,
    },
    ownedEnv: [],
    // Its flags choose what is measured and how often; none opens access (the Docker endpoint is
    // the proxy's: another one would name a socket that is not mounted). The user's come after its own.
    args: "append",
    // Unconfirmed that cAdvisor writes nothing (it keeps its state in memory).
    readOnlyRootFilesystem: false,
    health: { kind: "http", path: "/healthz" },
    // Alpine-based image; its own Dockerfile health check uses wget on /healthz.
    healthCommand: "wget -q -O /dev/null http://127.0.0.1:8080/healthz",
    resources: { cpu: 0.25, memoryMiB: 256, storageGiB: 0 },
    metrics: () => ({ port: 8080, path: "/metrics" }),
    configure: (ctx, peers) => {
        const proxy = usedPeer(ctx, peers, "docker-proxy");
        return {
            // Fewer, cheaper samples: every 30s is enough for dashboards on a small platform.
            args: [`-docker=tcp://${proxy.name}:${proxy.port}`, "--housekeeping_interval=30s", "--max_housekeeping_interval=60s"],
        };
    },
};
