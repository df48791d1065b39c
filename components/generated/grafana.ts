// Grafana provisioning generated from the platform: its data sources (Prometheus for metrics,
// Jaeger for traces), and one dashboard of the platform's services, provisioned from files.
import { CADVISOR_LABELS } from "./prometheus-rules";
import { toYaml } from "./yaml";

export interface DataSource {
    readonly name: string;
    readonly type: "prometheus" | "jaeger";
    readonly url: string;
}

/** Data sources that serve metrics (Prometheus). */
export const DATASOURCES_FILE = "/etc/grafana/provisioning/datasources/slipway.yaml";
/** Data sources that serve traces (Jaeger); only when the platform has one. */
export const TRACING_DATASOURCES_FILE = "/etc/grafana/provisioning/datasources/slipway-tracing.yaml";
/** The dashboard provider: Grafana loads every dashboard JSON file under DASHBOARDS_DIR. */
export const DASHBOARD_PROVIDER_FILE = "/etc/grafana/provisioning/dashboards/slipway.yaml";
/** Outside /var/lib/grafana, which is Grafana's data volume. */
export const DASHBOARDS_DIR = "/etc/grafana/dashboards/slipway";
export const DASHBOARD_FILE = `${DASHBOARDS_DIR}/platform.json`;

/**
 * A datasource provisioning file. Each source's uid is its service name, which dashboards refer
 * to. The first source is the default unless `isDefault` is false (an organisation has one
 * default, so only one file may claim it).
 */
export function grafanaDataSources(sources: readonly DataSource[], opts: { isDefault?: boolean } = {}): string {
    return toYaml({
        apiVersion: 1,
        datasources: sources.map((s, i) => ({
            name: s.name,
            uid: s.name,
            type: s.type,
            access: "proxy",
            url: s.url,
            isDefault: (opts.isDefault ?? true) && i === 0,
            editable: false,
        })),
    });
}

/** The dashboard provider: dashboards are files, changed by Slipway only. */
export function grafanaDashboardProvider(): string {
    return toYaml({
        apiVersion: 1,
        providers: [
            {
                name: "slipway",
                orgId: 1,
                folder: "Slipway",
                type: "file",
                disableDeletion: true,
                allowUiUpdates: false,
                updateIntervalSeconds: 60,
                options: { path: DASHBOARDS_DIR, foldersFromFilesStructure: false },
            },
        ],
    });
}

export interface DashboardInput {
    /** "Slipway — <platform>". */
    readonly title: string;
    readonly uid: string;
    /** The Prometheus data source (its uid) every panel queries. */
    readonly prometheus: string;
    /** Services Prometheus scrapes, in the platform's order. */
    readonly services: readonly { readonly name: string; readonly type: string }[];
    /** The platform's cAdvisor, and the stack whose containers it shows. */
    readonly cadvisor?: { readonly service: string; readonly project: string; readonly stack: string };
}

interface Target {
    readonly expr: string;
    readonly legendFormat: string;
}

/** A PromQL string literal. */
const str = (s: string) => JSON.stringify(s);

/** A refId per query: A … Z, AA, AB … */
const refId = (i: number): string => (i < 26 ? String.fromCharCode(65 + i) : refId(Math.floor(i / 26) - 1) + refId(i % 26));

/** Up and down per service, process CPU and memory, and container CPU and memory where cAdvisor runs. */
export function grafanaDashboard(input: DashboardInput): string {
    const ds = { type: "prometheus", uid: input.prometheus };
    const panels: Record<string, unknown>[] = [];
    let y = 0;
    const row = (title: string) => {
        panels.push({ id: panels.length + 1, type: "row", title, collapsed: false, panels: [], gridPos: { h: 1, w: 24, x: 0, y } });
        y += 1;
    };
    const targets = (ts: readonly Target[], instant = false) =>
        ts.map((t, i) => ({ refId: refId(i), datasource: ds, expr: t.expr, legendFormat: t.legendFormat, ...(instant ? { instant: true, range: false } : {}) }));
    const timeseries = (title: string, unit: string, x: number, ts: readonly Target[], description: string) =>
        panels.push({
            id: panels.length + 1,
            type: "timeseries",
            title,
            description,
            datasource: ds,
            gridPos: { h: 8, w: 12, x, y },
            fieldConfig: { defaults: { unit, min: 0 }, overrides: [] },
            options: { legend: { displayMode: "table", placement: "right", calcs: ["lastNotNull", "max"] }, tooltip: { mode: "multi", sort: "desc" } },
            targets: targets(ts),
        });

    row("Services: up or down");
    const width = 4;
    input.services.forEach((s, i) => {
        const x = (i % (24 / width)) * width;
        if (i > 0 && x === 0) y += 4;
        panels.push({
            id: panels.length + 1,
            type: "stat",
            title: s.name,
            description: `Whether Prometheus can scrape ${s.name} (${s.type}).`,
            datasource: ds,
            gridPos: { h: 4, w: width, x, y },
            fieldConfig: {
                defaults: {
                    mappings: [{ type: "value", options: { "0": { text: "DOWN", color: "red", index: 0 }, "1": { text: "UP", color: "green", index: 1 } } }],
                    thresholds: { mode: "absolute", steps: [{ color: "red", value: null }, { color: "green", value: 1 }] },
                    noValue: "NO DATA",
                },
                overrides: [],
            },
            options: {
                reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
                colorMode: "background",
                graphMode: "none",
                textMode: "value",
                justifyMode: "center",
                orientation: "auto",
            },
            targets: targets([{ expr: `up{service=${str(s.name)}}`, legendFormat: "{{instance}}" }], true),
        });
    });
    if (input.services.length) y += 4;

    row("Process CPU and memory");
    timeseries("CPU (cores)", "short", 0,
        input.services.map((s) => ({ expr: `rate(process_cpu_seconds_total{service=${str(s.name)}}[5m])`, legendFormat: s.name })),
        "CPU time each service's process uses, from its own metrics; services whose metrics carry no process_* series show no line.");
    timeseries("Resident memory", "bytes", 12,
        input.services.map((s) => ({ expr: `process_resident_memory_bytes{service=${str(s.name)}}`, legendFormat: s.name })),
        "Resident memory of each service's process, from its own metrics; services whose metrics carry no process_* series show no line.");
    y += 8;

    if (input.cadvisor) {
        const c = input.cadvisor;
        const mine = `service=${str(c.service)},${CADVISOR_LABELS.project}=${str(c.project)},${CADVISOR_LABELS.stack}=${str(c.stack)}`;
        const by = `sum by (${CADVISOR_LABELS.service})`;
        const legend = `{{${CADVISOR_LABELS.service}}}`;
        row(`Containers (measured by ${c.service})`);
        timeseries("Container CPU (cores)", "short", 0, [{ expr: `${by} (rate(container_cpu_usage_seconds_total{${mine}}[5m]))`, legendFormat: legend }],
            "CPU each of the stack's containers uses, as cAdvisor measures it.");
        timeseries("Container memory (working set)", "bytes", 12, [{ expr: `${by} (container_memory_working_set_bytes{${mine}})`, legendFormat: legend }],
            "Working-set memory of each of the stack's containers, the figure its memory limit is enforced on.");
        y += 8;
    }

    return `${JSON.stringify(
        {
            uid: input.uid,
            title: input.title,
            tags: ["slipway"],
            editable: false,
            graphTooltip: 1,
            refresh: "30s",
            schemaVersion: 39,
            version: 1,
            time: { from: "now-1h", to: "now" },
            timezone: "browser",
            annotations: { list: [] },
            templating: { list: [] },
            links: [],
            panels,
        },
        null,
        2,
    )}\n`;
}
