import { CatalogType } from "./types";

const HEALTH_QUERY = 'http.send({"method": "get", "url": "http://127.0.0.1:8181/health", "timeout": "3s"}).status_code == 200';

export const opa: CatalogType = {
    type: "opa",
    image: "openpolicyagent/opa:1.4.2-static",
    ports: [{ name: "http", port: 8181, access: "client" }],
    ownedEnv: [],
    // Its flags set where it listens and how it authenticates: a stack's are refused.
    args: "refuse",
    scheme: "http",
    user: { uid: 1000, gid: 1000 },
    readOnlyRootFilesystem: true,
    health: { kind: "http", path: "/health" },
    // The static image has no shell and no HTTP client, but OPA is one: `eval --fail` exits
    // non-zero unless the server's /health answers 200.
    healthCommand: ["/opa", "eval", "--fail", HEALTH_QUERY],
    resources: { cpu: 0.25, memoryMiB: 128, storageGiB: 0 },
    metrics: () => ({ port: 8181, path: "/metrics" }),
    configure: () => ({
        // OPA 1.x listens on localhost unless told otherwise.
        args: ["run", "--server", "--addr=0.0.0.0:8181", "--log-level=info", "--log-format=json"],
    }),
};
