import * as pulumi from "@pulumi/pulumi";
import { bashHttpCheck, CatalogType } from "./types";

// qdrant/qdrant publishes `-unprivileged` tags built with USER_ID=1000 (its docker-image workflow):
// user and group qdrant 1000:1000 owning /qdrant. The image is Debian slim with bash but no curl
// or wget (curl is only meant for the root build). Storage in /qdrant/storage; the entrypoint also
// writes /qdrant/.qdrant-initialized, so the root filesystem stays writable.
// The generated API key guards every endpoint but /healthz, /livez and /readyz, including
// /metrics, which Prometheus reaches with the key as a bearer token.
export const qdrant: CatalogType = {
    type: "qdrant",
    image: "qdrant/qdrant:v1.14.1-unprivileged",
    ports: [
        { name: "http", port: 6333, access: "client" },
        { name: "grpc", port: 6334, access: "client" },
    ],
    scheme: "http",
    user: { uid: 1000, gid: 1000 },
    dataStore: true,
    // QDRANT__SERVICE__API_KEY is its credential; QDRANT__SERVICE__* also sets where it listens.
    ownedEnv: ["QDRANT__SERVICE__*", "QDRANT__TELEMETRY_DISABLED"],
    volumes: [{ name: "data", path: "/qdrant/storage" }],
    // Snapshots are downloads/backups, not state: kept on scratch space.
    scratch: ["/qdrant/snapshots", "/tmp"],
    readOnlyRootFilesystem: false,
    health: { kind: "http", path: "/readyz" },
    // No HTTP client in the image: bash's /dev/tcp sends the request and the status line is checked.
    healthCommand: bashHttpCheck(6333, "/readyz"),
    startSeconds: 60,
    resources: { cpu: 0.5, memoryMiB: 1024, storageGiB: 10 },
    owns: { token: true },
    connection: (ctx) => ({ token: ctx.credentials.token }),
    metrics: (ctx) => ({ port: 6333, path: "/metrics", bearerToken: pulumi.secret(ctx.credentials.token!) }),
    configure: (ctx) => ({
        env: { QDRANT__TELEMETRY_DISABLED: "true" },
        secretEnv: { QDRANT__SERVICE__API_KEY: ctx.credentials.token! },
    }),
};
