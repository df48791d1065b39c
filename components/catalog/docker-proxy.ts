import { CatalogType } from "./types";

// tecnativa/docker-socket-proxy: HAProxy (the official Alpine image, so busybox wget) in front of
// the host's Docker socket, answering on 2375 and refusing every API section its environment does
// not grant (403). It runs as root: the socket is root:docker 0660, and root as its
// owner needs no capability to connect to it, so every capability stays dropped. Its entrypoint
// renders haproxy.cfg from a template inside the image at start, so the root filesystem stays
// writable.
// Read-only: POST=0 denies every method but GET and HEAD before any other rule, so nothing can be
// created, started, stopped or deleted through it. But a read-only API still shows a great deal:
// CONTAINERS=1 lets a client inspect containers, including their environment, where the
// platform's generated credentials are, and GET alone still reads their logs and files (logs,
// archive, export). So whoever reaches it reads every secret of the platform: it is never
// public (validation refuses `public` and `hostPort`), and only the services that `use` it reach
// it (consumersOnly: on Docker it sits on a network of its own that only they join).
// Pinned to 0.3.0 (Docker Hub tags drop the git tag's `v`); later releases exist.
export const dockerProxy: CatalogType = {
    type: "docker-proxy",
    image: "tecnativa/docker-socket-proxy:0.3.0",
    ports: [{ name: "http", port: 2375, access: "client" }],
    scheme: "http",
    user: { uid: 0, gid: 0 },
    hostAccess: {
        reason: "the Docker API proxy forwards read-only requests to the host's Docker socket",
        mounts: [{ hostPath: "/var/run/docker.sock", path: "/var/run/docker.sock" }],
        root: true,
    },
    neverPublic: "whoever reaches the Docker API proxy can inspect every container, and so read every generated credential in their environment; only the services that use it reach it",
    consumersOnly: true,
    // Each variable opens or closes one section of the Docker API (its README); ALLOW_START,
    // ALLOW_STOP and GRPC are later releases' own.
    ownedEnv: [
        "CONTAINERS", "IMAGES", "INFO", "NETWORKS", "VOLUMES", "EVENTS", "PING", "VERSION", "POST", "ALLOW_RESTARTS", "ALLOW_START",
        "ALLOW_STOP", "AUTH", "BUILD", "COMMIT", "CONFIGS", "DISTRIBUTION", "EXEC", "GRPC", "NODES", "PLUGINS", "SECRETS", "SERVICES",
        "SESSION", "SWARM", "SYSTEM", "TASKS", "DISABLE_IPV6", "SOCKET_PATH", "BIND_CONFIG", "LOG_LEVEL",
    ],
    readOnlyRootFilesystem: false,
    // GET /_ping goes through HAProxy to the Docker engine: healthy means the socket answers too.
    health: { kind: "http", path: "/_ping" },
    healthCommand: "wget -q -O /dev/null http://127.0.0.1:2375/_ping",
    resources: { cpu: 0.1, memoryMiB: 64, storageGiB: 0 },
    configure: () => ({
        env: {
            // Read-only sections a dashboard and cAdvisor need, besides the defaults EVENTS, PING
            // and VERSION: cAdvisor reads /info and inspects containers (google/cadvisor v0.53.0
            // container/docker/docker.go and handler.go).
            CONTAINERS: "1",
            IMAGES: "1",
            INFO: "1",
            NETWORKS: "1",
            VOLUMES: "1",
            EVENTS: "1",
            PING: "1",
            VERSION: "1",
            // Only GET and HEAD; everything that changes or reaches into the engine stays closed.
            POST: "0",
            ALLOW_RESTARTS: "0",
            AUTH: "0",
            BUILD: "0",
            COMMIT: "0",
            CONFIGS: "0",
            DISTRIBUTION: "0",
            EXEC: "0",
            NODES: "0",
            PLUGINS: "0",
            SECRETS: "0",
            SERVICES: "0",
            SESSION: "0",
            SWARM: "0",
            SYSTEM: "0",
            TASKS: "0",
            // Bind IPv4 only: since 0.1.2 the proxy binds [::]:2375 and fails to start where the
            // host has IPv6 turned off; the platform network is IPv4.
            DISABLE_IPV6: "1",
        },
    }),
};
