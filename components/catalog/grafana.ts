import {
    DASHBOARD_FILE, DASHBOARD_PROVIDER_FILE, DATASOURCES_FILE, DataSource, grafanaDashboard, grafanaDashboardProvider, grafanaDataSources,
    TRACING_DATASOURCES_FILE,
} from "../generated/grafana";
import { FileSpec } from "../model";
import { jaeger } from "./jaeger";
import { CatalogType, ServiceContext } from "./types";

/** Jaeger's query API (and UI), which Grafana's Jaeger data source reads traces from. */
const JAEGER_QUERY_PORT = jaeger.ports.find((p) => p.name === "ui")!.port;

/** A dashboard uid: at most 40 characters of [a-zA-Z0-9_-]. */
const dashboardUid = (name: string) => `slipway-${name.toLowerCase().replace(/[^a-z0-9_-]+/g, "-")}`.slice(0, 40);

/** The platform's name as a dashboard shows it: the bundled platform's, else the stack's. */
const platformName = (ctx: ServiceContext) => ctx.platform.platform ?? `${ctx.platform.project}/${ctx.platform.stack}`;

export const grafana: CatalogType = {
    type: "grafana",
    image: "grafana/grafana:11.6.0",
    ports: [{ name: "http", port: 3000, access: "client" }],
    // Every setting of [auth.*] and [security] (anonymous access, the admin password, auth
    // proxies that trust a header) changes who may log in; grafana maps GF_<SECTION>_<KEY> onto them.
    ownedEnv: ["GF_AUTH_*", "GF_SECURITY_*", "GF_USERS_ALLOW_SIGN_UP", "GF_ANALYTICS_*", "GF_PATHS_*"],
    scheme: "http",
    // The image's grafana user is 472 in group 0 (its files are group-0 writable).
    user: { uid: 472, gid: 0 },
    volumes: [{ name: "data", path: "/var/lib/grafana" }],
    scratch: ["/tmp"],
    // Read-only: the image's run.sh writes only into the data volume (it makes the plugins
    // directory there) and logs to the console (`cfg:default.log.mode="console"`,
    // grafana/grafana packaging/docker/run.sh); the server writes its database, plugins and
    // renders under /var/lib/grafana and temporary files under /tmp (grafana-community/helm-charts#729
    // lists /tmp as the one other writable path it needs). Provisioning is read, never written.
    readOnlyRootFilesystem: true,
    health: { kind: "http", path: "/api/health" },
    healthCommand: "curl -fsS -o /dev/null http://127.0.0.1:3000/api/health",
    startSeconds: 60,
    resources: { cpu: 0.25, memoryMiB: 256, storageGiB: 1 },
    owns: { password: true },
    connection: (ctx) => ({ username: "admin", password: ctx.credentials.password }),
    metrics: () => ({ port: 3000, path: "/metrics" }),
    configure: (ctx, peers) => {
        const metrics: DataSource[] = peers
            .filter((p) => p.type === "prometheus")
            .map((p) => ({ name: p.name, type: "prometheus", url: `http://${p.name}:${p.port}` }));
        const traces: DataSource[] = peers
            .filter((p) => p.type === "jaeger")
            .map((p) => ({ name: p.name, type: "jaeger", url: `http://${p.name}:${JAEGER_QUERY_PORT}` }));
        const files: FileSpec[] = [{ path: DATASOURCES_FILE, content: grafanaDataSources(metrics), secret: false }];
        // Jaeger's sources in a file of their own, which never claims the default.
        if (traces.length) files.push({ path: TRACING_DATASOURCES_FILE, content: grafanaDataSources(traces, { isDefault: false }), secret: false });
        if (metrics.length) {
            // The dashboard queries the default (first) Prometheus, which scrapes every service with metrics.
            const cadvisor = peers.find((p) => p.type === "cadvisor" && p.metrics);
            const dashboard = grafanaDashboard({
                title: `Slipway — ${platformName(ctx)}`,
                uid: dashboardUid(platformName(ctx)),
                prometheus: metrics[0].name,
                services: peers.filter((p) => p.metrics).map((p) => ({ name: p.name, type: p.type })),
                cadvisor: cadvisor && { service: cadvisor.name, project: ctx.platform.project, stack: ctx.platform.stack },
            });
            files.push(
                { path: DASHBOARD_PROVIDER_FILE, content: grafanaDashboardProvider(), secret: false },
                { path: DASHBOARD_FILE, content: dashboard, secret: false },
            );
        }
        return {
            env: {
                GF_SECURITY_ADMIN_USER: "admin",
                GF_USERS_ALLOW_SIGN_UP: "false",
                GF_AUTH_ANONYMOUS_ENABLED: "false",
                GF_ANALYTICS_REPORTING_ENABLED: "false",
                GF_ANALYTICS_CHECK_FOR_UPDATES: "false",
            },
            secretEnv: { GF_SECURITY_ADMIN_PASSWORD: ctx.credentials.password! },
            files,
            // Its data sources: network policy lets Grafana reach them, and only them.
            reaches: [...metrics, ...traces].map((s) => s.name),
        };
    },
};
