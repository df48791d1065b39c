import { grafanaDataSources } from "../generated/grafana";
import { CatalogType } from "./types";

export const grafana: CatalogType = {
    type: "grafana",
    image: "grafana/grafana:11.6.0",
    ports: [{ name: "http", port: 3000 }],
    scheme: "http",
    // The image's grafana user is 472 in group 0 (its files are group-0 writable).
    user: { uid: 472, gid: 0 },
    volumes: [{ name: "data", path: "/var/lib/grafana" }],
    scratch: ["/tmp"],
    // Not yet verified to run with a read-only root filesystem; writable until it is.
    readOnlyRootFilesystem: false,
    health: { kind: "http", path: "/api/health" },
    healthCommand: "curl -fsS -o /dev/null http://127.0.0.1:3000/api/health",
    startSeconds: 60,
    resources: { cpu: 0.25, memoryMiB: 256, storageGiB: 1 },
    owns: { password: true },
    connection: (ctx) => ({ username: "admin", password: ctx.credentials.password }),
    metrics: () => ({ port: 3000, path: "/metrics" }),
    configure: (ctx, peers) => {
        const sources = peers
            .filter((p) => p.type === "prometheus")
            .map((p) => ({ name: p.name, type: "prometheus" as const, url: `http://${p.name}:${p.port}` }));
        return {
            env: {
                GF_SECURITY_ADMIN_USER: "admin",
                GF_USERS_ALLOW_SIGN_UP: "false",
                GF_AUTH_ANONYMOUS_ENABLED: "false",
                GF_ANALYTICS_REPORTING_ENABLED: "false",
                GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
            },
            secretEnv: { GF_SECURITY_ADMIN_PASSWORD: ctx.credentials.password! },
            files: [{ path: "/etc/grafana/provisioning/datasources/slipway.yaml", content: grafanaDataSources(sources), secret: false }],
            reaches: sources.map((s) => s.name),
        };
    },
};
