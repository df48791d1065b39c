import * as pulumi from "@pulumi/pulumi";
import { CatalogType, Configured, usedPeer } from "./types";

// oliver006/redis_exporter: the `-alpine` variant of the release (the plain tag is FROM scratch,
// with no shell or HTTP client for a health check), USER 59000:59000, stateless. It reads
// REDIS_ADDR / REDIS_USER / REDIS_PASSWORD from the environment, so the password never appears
// on its command line; /health answers "ok".
export const redisExporter: CatalogType = {
    type: "redis-exporter",
    needs: ["redis"],
    image: "oliver006/redis_exporter:v1.67.0-alpine",
    ports: [{ name: "metrics", port: 9121, access: "client" }],
    ownedEnv: ["REDIS_ADDR", "REDIS_USER", "REDIS_PASSWORD", "REDIS_EXPORTER_*"],
    scheme: "http",
    user: { uid: 59000, gid: 59000 },
    readOnlyRootFilesystem: true,
    health: { kind: "http", path: "/health" },
    healthCommand: "wget -q -O /dev/null http://127.0.0.1:9121/health",
    resources: { cpu: 0.1, memoryMiB: 64, storageGiB: 0 },
    metrics: () => ({ port: 9121, path: "/metrics" }),
    configure: (ctx, peers): Configured => {
        // Its own ACL user where redis gives consumers their own (the commands its README lists).
        const c = usedPeer(ctx, peers, "redis").connectionFor(ctx.name).connection;
        // The scheme of the used redis' URL: rediss:// (TLS) for a managed equivalent that requires it.
        const scheme = c.url.apply((u) => u.slice(0, u.indexOf("://")));
        const env: Record<string, pulumi.Input<string>> = { REDIS_ADDR: pulumi.interpolate`${scheme}://${c.host}:${c.port}` };
        const secretEnv: Record<string, pulumi.Output<string>> = {};
        if (c.username !== undefined) env.REDIS_USER = c.username;
        if (c.password !== undefined) secretEnv.REDIS_PASSWORD = c.password;
        return { env, secretEnv };
    },
};
