import { CatalogType, secretInterpolate } from "./types";

export const redis: CatalogType = {
    type: "redis",
    image: "redis:7.4.3-alpine",
    ports: [{ name: "redis", port: 6379, access: "client" }],
    dataStore: true,
    ownedEnv: ["REDIS_PASSWORD", "REDISCLI_AUTH"],
    // Its flags carry the password (--requirepass), and redis-server takes the last of a repeated
    // flag, so arguments of the user's could undo it: they are refused.
    args: "refuse",
    scheme: "redis",
    user: { uid: 999, gid: 1000 },
    volumes: [{ name: "data", path: "/data" }],
    scratch: ["/tmp"],
    readOnlyRootFilesystem: true,
    health: { kind: "tcp" },
    // The password reaches redis-cli through the environment, never the command line.
    healthCommand: `REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG`,
    resources: { cpu: 0.25, memoryMiB: 256, storageGiB: 2 },
    owns: { password: true },
    connection: (ctx) => ({
        username: "default",
        password: ctx.credentials.password,
        url: secretInterpolate`redis://default:${ctx.credentials.password}@${ctx.name}:${ctx.port}/0`,
    }),
    configure: (ctx) => ({
        secretEnv: { REDIS_PASSWORD: ctx.credentials.password! },
        // A shell expands the password from the environment so it never sits in the container's
        // command line (which Docker and Kubernetes show in plain text). maxmemory leaves a fifth
        // of the memory limit for Redis' own overhead, and evicts least-recently-used keys as a
        // cache should rather than failing writes.
        command: ["/bin/sh", "-c"],
        args: [
            `exec redis-server --requirepass "$REDIS_PASSWORD" --appendonly yes --dir /data ` +
                `--maxmemory ${Math.floor(ctx.resources.memoryMiB * 0.8)}mb --maxmemory-policy allkeys-lru`,
        ],
    }),
};
