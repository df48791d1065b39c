import * as pulumi from "@pulumi/pulumi";
import { CatalogType, Configured, secretInterpolate, usedPeer } from "./types";

/** The user of redis-commander's own HTTP basic authentication; the password is generated. */
export const REDIS_COMMANDER_USER = "admin";

// ghcr.io/joeferner/redis-commander: Alpine with Node, USER 1000 (user redis, primary group root;
// its config directory is writable by them), UI on 8081 and an unauthenticated /healthcheck
// answering "ok". Its entrypoint turns REDIS_PASSWORD into a `--redis-password` command-line
// argument, visible to anyone who can list processes; REDIS_HOSTS instead is written into its
// config file, so the connection (label:host:port:db:password) goes there, from a secret variable.
// Generated passwords are letters and digits, so the colon-separated form is unambiguous.
// HTTP_USER / HTTP_PASSWORD are read by its config module, not passed as arguments.
export const redisCommander: CatalogType = {
    type: "redis-commander",
    needs: ["redis"],
    image: "ghcr.io/joeferner/redis-commander:0.9.0",
    ports: [{ name: "http", port: 8081, access: "client" }],
    ownedEnv: ["HTTP_USER", "HTTP_PASSWORD", "HTTP_PASSWORD_HASH", "REDIS_*"],
    scheme: "http",
    user: { uid: 1000, gid: 0 },
    readOnlyRootFilesystem: false,
    health: { kind: "http", path: "/healthcheck" },
    // Node is the one HTTP client the image is sure to have.
    healthCommand: [
        "node",
        "-e",
        "require('http').get('http://127.0.0.1:8081/healthcheck', (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))",
    ],
    resources: { cpu: 0.1, memoryMiB: 128, storageGiB: 0 },
    owns: { password: true },
    connection: (ctx) => ({ username: REDIS_COMMANDER_USER, password: ctx.credentials.password }),
    configure: (ctx, peers): Configured => {
        const redis = usedPeer(ctx, peers, "redis");
        const c = redis.connection;
        const env: Record<string, pulumi.Input<string>> = { HTTP_USER: REDIS_COMMANDER_USER };
        const secretEnv: Record<string, pulumi.Output<string>> = { HTTP_PASSWORD: ctx.credentials.password! };
        if (c.password !== undefined) secretEnv.REDIS_HOSTS = secretInterpolate`${redis.name}:${c.host}:${c.port}:0:${c.password}`;
        else env.REDIS_HOSTS = pulumi.interpolate`${redis.name}:${c.host}:${c.port}:0`;
        return { env, secretEnv };
    },
};
