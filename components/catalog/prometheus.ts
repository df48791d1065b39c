import { caFile, prometheusConfig, prometheusRules, RULES_FILE } from "../generated/prometheus";
import { CatalogType } from "./types";

export const prometheus: CatalogType = {
    type: "prometheus",
    image: "prom/prometheus:v3.4.1",
    ports: [{ name: "http", port: 9090, access: "client" }],
    ownedEnv: [],
    // Its flags name its configuration; one more (--web.enable-admin-api, --web.enable-lifecycle)
    // would open unauthenticated endpoints that delete data or stop it.
    scheme: "http",
    user: { uid: 65534, gid: 65534 },
    volumes: [{ name: "data", path: "/prometheus" }],
    readOnlyRootFilesystem: true,
    health: { kind: "http", path: "/-/healthy" },
    healthCommand: "wget -q -O /dev/null http://127.0.0.1:9090/-/healthy",
    resources: { cpu: 0.5, memoryMiB: 512, storageGiB: 10 },
    metrics: () => ({ port: 9090, path: "/metrics" }),
    configure: (ctx, peers) => {
        const targets = peers.flatMap((p) => (p.metrics ? [{ name: p.name, type: p.type, metrics: p.metrics }] : []));
        const alertmanagers = peers.filter((p) => p.type === "alertmanager");
        return {
            files: [
                {
                    path: "/etc/prometheus/prometheus.yml",
                    content: prometheusConfig(targets, alertmanagers.map((a) => `${a.name}:${a.port}`)),
                    secret: targets.some((t) => t.metrics.bearerToken !== undefined),
                },
                {
                    // ServiceDown for every target, and each scraped type's own rules.
                    path: `/etc/prometheus/${RULES_FILE}`,
                    content: prometheusRules(targets, { project: ctx.platform.project, stack: ctx.platform.stack }),
                    secret: false,
                },
                // The CA of each target that serves TLS with a generated one (server-mode Vault).
                ...targets.flatMap((t) => (t.metrics.caCert !== undefined ? [{ path: caFile(t.name), content: t.metrics.caCert, secret: false }] : [])),
            ],
            args: [
                "--config.file=/etc/prometheus/prometheus.yml",
                "--storage.tsdb.path=/prometheus",
                // Keep a fifth of the volume free for compaction.
                `--storage.tsdb.retention.size=${Math.floor(ctx.resources.storageGiB * 0.8 * 1024)}MB`,
            ],
            reaches: [...targets.map((t) => t.name), ...alertmanagers.map((a) => a.name)],
        };
    },
};
