// Observability of every bundled platform on docker: Prometheus' configuration and alert rules
// checked (and unit-tested) with promtool; Grafana's data sources, dashboard provider and
// dashboard checked, with every PromQL expression of the dashboard compiled by promtool.
// What each platform must scrape and alert on is written out below, not read from the program.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { filesOf, plain, ROOT, Run, runProgram } from "./harness";
import { check, checkFails } from "./tools";

const PLATFORMS = fs
    .readdirSync(path.join(ROOT, "platforms"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => path.basename(f, ".yaml"))
    .sort();

const definition = (name: string): Record<string, any> =>
    YAML.parse(fs.readFileSync(path.join(ROOT, "platforms", `${name}.yaml`), "utf8")).services;

const promtool = (args: string[]) => check("promtool", args);

/** Where the generated files are delivered. */
const RULES_FILE = "slipway-rules.yml";
const DATASOURCES_FILE = "/etc/grafana/provisioning/datasources/slipway.yaml";
const TRACING_DATASOURCES_FILE = "/etc/grafana/provisioning/datasources/slipway-tracing.yaml";
const DASHBOARD_PROVIDER_FILE = "/etc/grafana/provisioning/dashboards/slipway.yaml";

/**
 * cAdvisor's labels for the Docker labels the Docker target puts on each container
 * (dev.slipway.project, dev.slipway.stack, dev.slipway.service): `container_label_` and the label
 * with every character outside [a-zA-Z0-9_] turned into `_`.
 */
const CADVISOR = {
    project: "container_label_dev_slipway_project",
    stack: "container_label_dev_slipway_stack",
    service: "container_label_dev_slipway_service",
};

/**
 * The scrape jobs of each platform's Prometheus, service -> type: every service whose type
 * exposes Prometheus metrics (README's catalog table). connectors has no Prometheus.
 */
const SCRAPED: Record<string, Record<string, string>> = {
    "agent-layers": { prometheus: "prometheus", grafana: "grafana" },
    demo: { vault: "vault", opa: "opa", minio: "minio", prometheus: "prometheus", grafana: "grafana" },
    governance: { opa: "opa", prometheus: "prometheus", grafana: "grafana" },
    observability: {
        minio: "minio", prometheus: "prometheus", jupyter: "jupyter", cadvisor: "cadvisor", "node-exporter": "node-exporter",
        "postgres-exporter": "postgres-exporter", "redis-exporter": "redis-exporter", grafana: "grafana",
    },
    "service-mesh": { qdrant: "qdrant", consul: "consul", rabbitmq: "rabbitmq", jaeger: "jaeger", kong: "kong", prometheus: "prometheus", grafana: "grafana" },
};

/** The alerts of the rule group `slipway-<type>` that a scraped type brings. */
const TYPE_ALERTS: Record<string, string[]> = {
    prometheus: ["PrometheusConfigReloadFailed", "PrometheusRuleEvaluationFailures", "PrometheusNotificationsDropped", "PrometheusTsdbCompactionsFailed"],
    grafana: ["GrafanaServerErrors"],
    vault: ["VaultSealed"],
    opa: ["OpaDecisionsSlow", "OpaServerErrors"],
    minio: ["MinioNodesOffline", "MinioDrivesOffline", "MinioCapacityLow"],
    jupyter: ["JupyterServerErrors"],
    cadvisor: ["ContainerMemoryNearLimit", "ContainerRestarting", "ContainerCpuThrottled"],
    "node-exporter": ["HostDiskAlmostFull", "HostMemoryLow", "HostMemoryPressure", "HostOomKill"],
    "postgres-exporter": ["PostgresDown", "PostgresTooManyConnections", "PostgresDeadlocks"],
    "redis-exporter": ["RedisDown", "RedisMemoryNearLimit", "RedisRejectedConnections"],
    qdrant: ["QdrantRecoveryMode", "QdrantServerErrors"],
    consul: ["ConsulNoLeader"],
    rabbitmq: ["RabbitmqMemoryAlarm", "RabbitmqDiskAlarm", "RabbitmqFileDescriptorAlarm"],
    jaeger: ["JaegerSpansRefused", "JaegerSpansNotStored"],
    kong: ["KongSharedDictAlmostFull", "KongMetricErrors"],
};

type Upload = { file: string; content: string };
const uploads = (run: Run, service: string): Upload[] => filesOf(run, service);
const upload = (run: Run, service: string, file: string): Upload | undefined => uploads(run, service).find((u) => u.file === file);

/** Each platform is run once on docker, under mocks, and shared by the tests below. */
const runs = new Map<string, Run>();
async function dockerRun(name: string): Promise<Run> {
    if (!runs.has(name)) runs.set(name, await runProgram({ target: "docker", platform: name }, { stack: "test" }));
    return runs.get(name)!;
}

interface Rule {
    alert?: string;
    record?: string;
    expr: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
}

describe("observability: Prometheus rules and Grafana dashboards of every bundled platform", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-observability-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    for (const name of PLATFORMS) {
        const services = definition(name);
        const ofType = (type: string) => Object.keys(services).filter((s) => services[s].type === type);
        const [prometheus] = ofType("prometheus");
        const [grafana] = ofType("grafana");
        const jaegers = ofType("jaeger");

        describe(`${name} on docker`, () => {
            let run: Run;
            let work: string;
            /** service name -> type, of every scrape job this platform must have. */
            const scraped = SCRAPED[name] ?? {};
            before(async function () {
                this.timeout(60000);
                run = await dockerRun(name);
                work = fs.mkdtempSync(path.join(dir, `${name}-`));
            });

            if (!prometheus) {
                it("has no prometheus, so no rules (connectors)", () => {
                    assert.equal(name, "connectors");
                    assert.equal(grafana, undefined);
                });
                return;
            }

            it("prometheus.yml passes promtool check config, and the rules file promtool check rules", () => {
                for (const u of uploads(run, prometheus)) fs.writeFileSync(path.join(work, path.basename(u.file)), u.content);
                assert.match(promtool(["check", "config", path.join(work, "prometheus.yml")]), /SUCCESS/);
                const rules = YAML.parse(fs.readFileSync(path.join(work, RULES_FILE), "utf8"));
                const count = rules.groups.reduce((n: number, g: any) => n + g.rules.length, 0);
                assert.match(promtool(["check", "rules", path.join(work, RULES_FILE)]), new RegExp(`SUCCESS: ${count} rules found`));
            });

            it(`scrapes exactly ${Object.keys(scraped).join(", ")}, each labelled with its service and type`, () => {
                const config = YAML.parse(upload(run, prometheus, "/etc/prometheus/prometheus.yml")!.content);
                const jobs = config.scrape_configs.map((j: any) => [j.job_name, j.static_configs[0].labels.service, j.static_configs[0].labels.type]);
                assert.deepEqual(jobs.sort(), Object.entries(scraped).map(([s, type]) => [s, s, type]).sort());
                assert.deepEqual(config.rule_files, [RULES_FILE]);
            });

            it("has ServiceDown and ScrapeSlow, plus one rule group for each scraped type, and no other", () => {
                const groups: { name: string; rules: Rule[] }[] = YAML.parse(upload(run, prometheus, `/etc/prometheus/${RULES_FILE}`)!.content).groups;
                const types = [...new Set(Object.values(scraped))];
                const expected: Record<string, string[]> = { slipway: ["ServiceDown", "ScrapeSlow"] };
                for (const type of types) expected[`slipway-${type}`] = TYPE_ALERTS[type];
                assert.deepEqual(Object.fromEntries(groups.map((g) => [g.name, g.rules.map((r) => r.alert)])), expected);
                for (const type of types) {
                    const group = groups.find((g) => g.name === `slipway-${type}`)!;
                    for (const r of group.rules) {
                        // Kept to the type's own targets.
                        assert.ok(r.expr.includes(`type="${type}"`), `${r.alert}: ${r.expr}`);
                    }
                }
                const names = groups.flatMap((g) => g.rules.map((r) => r.alert));
                assert.equal(new Set(names).size, names.length, "alert names are unique");
                for (const r of groups.flatMap((g) => g.rules)) {
                    assert.ok(["critical", "warning"].includes(r.labels?.severity ?? ""), `${r.alert} has a severity`);
                    assert.equal(typeof r.annotations?.summary, "string", `${r.alert} has a summary`);
                    assert.equal(typeof r.annotations?.description, "string", `${r.alert} has a description`);
                    assert.match(`${r.annotations!.summary} ${r.annotations!.description}`, /\{\{ \$labels\.service \}\}/, `${r.alert} names the service`);
                }
            });

            if (!grafana) return;

            it(`Grafana's data sources: the Prometheus${jaegers.length ? ", and Jaeger's query API" : ", and no Jaeger (the platform has none)"}`, () => {
                const metrics = YAML.parse(upload(run, grafana, DATASOURCES_FILE)!.content);
                assert.deepEqual(metrics.datasources.map((d: any) => [d.uid, d.type, d.url, d.isDefault]), [[prometheus, "prometheus", `http://${prometheus}:9090`, true]]);
                const tracing = upload(run, grafana, TRACING_DATASOURCES_FILE);
                const all = uploads(run, grafana).filter((u) => u.file.startsWith("/etc/grafana/provisioning/datasources/"));
                const jaegerSources = all.flatMap((u) => YAML.parse(u.content).datasources).filter((d: any) => d.type === "jaeger");
                assert.deepEqual(jaegerSources.map((d: any) => [d.uid, d.url]), jaegers.map((j) => [j, `http://${j}:16686`]));
                if (jaegers.length) {
                    assert.ok(tracing, "Jaeger has its provisioning file");
                    assert.ok(YAML.parse(tracing!.content).datasources.every((d: any) => d.isDefault === false), "only the Prometheus is the default");
                } else {
                    assert.equal(tracing, undefined);
                }
            });

            it("the dashboard provider YAML parses and points at the directory the dashboard file is mounted in", () => {
                const provider = YAML.parse(upload(run, grafana, DASHBOARD_PROVIDER_FILE)!.content);
                assert.equal(provider.apiVersion, 1);
                assert.equal(provider.providers.length, 1);
                const [p] = provider.providers;
                assert.equal(p.type, "file");
                const dashboards = uploads(run, grafana).filter((u) => u.file.endsWith(".json"));
                assert.equal(dashboards.length, 1, "one dashboard per platform");
                assert.equal(path.posix.dirname(dashboards[0].file), p.options.path);
                assert.ok(!p.options.path.startsWith("/var/lib/grafana"), "not on Grafana's data volume");
            });

            it("the dashboard parses; every panel queries a provisioned data source; every service with metrics has an up panel", () => {
                const dashboard = JSON.parse(uploads(run, grafana).find((u) => u.file.endsWith(".json"))!.content);
                assert.equal(dashboard.title, `Slipway — ${name}`);
                assert.match(dashboard.uid, /^[A-Za-z0-9_-]{1,40}$/);
                const uids = new Set(
                    uploads(run, grafana)
                        .filter((u) => u.file.startsWith("/etc/grafana/provisioning/datasources/"))
                        .flatMap((u) => YAML.parse(u.content).datasources.map((d: any) => d.uid)),
                );
                const panels: any[] = dashboard.panels.filter((p: any) => p.type !== "row");
                assert.deepEqual([...new Set(dashboard.panels.map((p: any) => p.id))].length, dashboard.panels.length, "panel ids are unique");
                for (const p of panels) {
                    assert.ok(uids.has(p.datasource.uid), `${p.title}: data source ${p.datasource.uid} is provisioned`);
                    assert.ok(p.targets.length > 0, p.title);
                    for (const t of p.targets) assert.ok(uids.has(t.datasource.uid), `${p.title} ${t.refId}: data source ${t.datasource.uid} is provisioned`);
                    assert.equal(new Set(p.targets.map((t: any) => t.refId)).size, p.targets.length, `${p.title}: refIds are unique`);
                }
                const upPanels = panels.filter((p) => p.type === "stat");
                assert.deepEqual(
                    upPanels.map((p) => p.targets[0].expr).sort(),
                    Object.keys(scraped).map((s) => `up{service="${s}"}`).sort(),
                );
                for (const query of ["process_resident_memory_bytes", "rate(process_cpu_seconds_total"]) {
                    const panel = panels.find((p) => p.targets.some((t: any) => t.expr.startsWith(query)))!;
                    assert.deepEqual(panel.targets.map((t: any) => t.legendFormat).sort(), Object.keys(scraped).sort(), query);
                }
                const cadvisor = Object.keys(scraped).find((s) => scraped[s] === "cadvisor");
                const containerPanels = panels.filter((p) => p.targets.some((t: any) => t.expr.includes("container_")));
                if (cadvisor) {
                    assert.equal(containerPanels.length, 2, "container CPU and memory");
                    for (const p of containerPanels) {
                        assert.ok(p.targets[0].expr.includes(`${CADVISOR.stack}="test"`), "only this stack's containers");
                        assert.ok(p.targets[0].expr.includes(`service="${cadvisor}"`));
                    }
                } else {
                    assert.equal(containerPanels.length, 0);
                }
            });

            it("every PromQL expression of the dashboard compiles (promtool check rules on them as recording rules)", () => {
                const dashboard = JSON.parse(uploads(run, grafana).find((u) => u.file.endsWith(".json"))!.content);
                const exprs: string[] = dashboard.panels.flatMap((p: any) => (p.targets ?? []).map((t: any) => t.expr));
                assert.ok(exprs.length > 0);
                const file = path.join(work, "dashboard-queries.yml");
                fs.writeFileSync(file, YAML.stringify({ groups: [{ name: "dashboard", rules: exprs.map((expr, i) => ({ record: `slipway:dashboard_query:${i}`, expr })) }] }));
                assert.match(promtool(["check", "rules", file]), new RegExp(`SUCCESS: ${exprs.length} rules found`));
            });

        });
    }

    it("promtool check rules rejects a malformed expression (the dashboard check is real)", () => {
        const file = path.join(dir, "broken.yml");
        fs.writeFileSync(file, YAML.stringify({ groups: [{ name: "broken", rules: [{ record: "slipway:broken", expr: 'rate(up{service="x"}[5m]' }] }] }));
        checkFails("promtool", ["check", "rules", file], {
            status: 1,
            message: /"slipway:broken": could not parse expression: 1:25: parse error: unclosed left parenthesis/,
        });
    });

    describe("the Jaeger data source on Kubernetes", () => {
        it("network policy lets grafana reach jaeger's query API (service-mesh on kind)", async function () {
            this.timeout(60000);
            const run = await runProgram({ target: "kind", platform: "service-mesh" }, { stack: "test" });
            const objects = (type: string) => run.resources.filter((r) => r.type === type).map((r) => plain(r.inputs));
            const policies = objects("kubernetes:networking.k8s.io/v1:NetworkPolicy");
            const workloads = [...objects("kubernetes:apps/v1:Deployment"), ...objects("kubernetes:apps/v1:StatefulSet")];
            const labelsOf = (name: string) => workloads.find((w) => w.metadata.name === name)!.spec.template.metadata.labels;
            const policyOf = (name: string) => policies.find((p) => p.metadata.name === name);
            const matches = (sel: Record<string, string>, labels: Record<string, string>) => Object.entries(sel).every(([k, v]) => labels[k] === v);
            const egress = (policyOf("grafana").spec.egress ?? []).filter((r: any) => r.to.some((t: any) => matches(t.podSelector.matchLabels, labelsOf("jaeger"))));
            const ingress = (policyOf("jaeger").spec.ingress ?? []).filter((r: any) => r.from?.some((f: any) => matches(f.podSelector.matchLabels, labelsOf("grafana"))));
            assert.ok(egress.length > 0, "grafana may connect to jaeger");
            assert.ok(ingress.length > 0, "jaeger accepts grafana");
            // A rule without ports allows every port.
            const allows = (rules: any[], port: number) => rules.some((r) => r.ports === undefined || r.ports.some((p: any) => p.port === port));
            assert.ok(allows(egress, 16686), `grafana may connect to the query API's port: ${JSON.stringify(egress)}`);
            assert.ok(allows(ingress, 16686), `jaeger accepts grafana on the query API's port: ${JSON.stringify(ingress)}`);
        });
    });

    describe("promtool test rules: representative rules fire on the series they watch", () => {
        /** Runs a promtool unit test against the rules file of `platform`'s Prometheus. */
        async function ruleTest(platform: string, tests: unknown[]) {
            const run = await dockerRun(platform);
            const work = fs.mkdtempSync(path.join(dir, `unit-${platform}-`));
            fs.writeFileSync(path.join(work, RULES_FILE), upload(run, "prometheus", `/etc/prometheus/${RULES_FILE}`)!.content);
            fs.writeFileSync(path.join(work, "test.yml"), YAML.stringify({ rule_files: [RULES_FILE], evaluation_interval: "15s", tests }));
            assert.match(promtool(["test", "rules", path.join(work, "test.yml")]), /SUCCESS/);
        }
        const target = (service: string, type: string, instance: string) => ({ job: service, instance, service, type });
        const series = (metric: string, labels: Record<string, string>) =>
            `${metric}{${Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}}`;

        it("PostgresDown and RedisMemoryNearLimit (observability: postgres-exporter, redis-exporter)", async function () {
            this.timeout(60000);
            const pg = target("postgres-exporter", "postgres-exporter", "postgres-exporter:9187");
            const redis = target("redis-exporter", "redis-exporter", "redis-exporter:9121");
            await ruleTest("observability", [
                {
                    interval: "15s",
                    input_series: [
                        { series: series("pg_up", pg), values: "0x20" },
                        { series: series("redis_memory_used_bytes", redis), values: "950x60" },
                        { series: series("redis_memory_max_bytes", redis), values: "1000x60" },
                    ],
                    alert_rule_test: [
                        {
                            eval_time: "2m",
                            alertname: "PostgresDown",
                            exp_alerts: [
                                {
                                    exp_labels: { severity: "critical", ...pg },
                                    exp_annotations: {
                                        summary: "PostgreSQL watched by postgres-exporter is unreachable",
                                        description:
                                            "postgres-exporter cannot connect to the database it watches (pg_up is 0): PostgreSQL is down or refuses the exporter's credentials.",
                                    },
                                },
                            ],
                        },
                        // `for: 10m`: pending at 5 minutes, firing at 11.
                        { eval_time: "5m", alertname: "RedisMemoryNearLimit", exp_alerts: [] },
                        {
                            eval_time: "11m",
                            alertname: "RedisMemoryNearLimit",
                            exp_alerts: [
                                {
                                    exp_labels: { severity: "warning", ...redis },
                                    exp_annotations: {
                                        summary: "Redis watched by redis-exporter is near its maxmemory",
                                        description: "Redis uses 95% of its maxmemory; past it, it evicts keys (allkeys-lru) to accept writes.",
                                    },
                                },
                            ],
                        },
                    ],
                },
                {
                    // A healthy database and a Redis with room: nothing fires.
                    interval: "15s",
                    input_series: [
                        { series: series("pg_up", pg), values: "1x20" },
                        { series: series("redis_memory_used_bytes", redis), values: "100x60" },
                        { series: series("redis_memory_max_bytes", redis), values: "1000x60" },
                    ],
                    alert_rule_test: [
                        { eval_time: "2m", alertname: "PostgresDown", exp_alerts: [] },
                        { eval_time: "11m", alertname: "RedisMemoryNearLimit", exp_alerts: [] },
                    ],
                },
            ]);
        });

        it("ContainerMemoryNearLimit fires for this stack's containers only (observability: cadvisor)", async function () {
            this.timeout(60000);
            const cadvisor = target("cadvisor", "cadvisor", "cadvisor:8080");
            const container = (stack: string, service: string) => ({
                ...cadvisor,
                id: `/docker/${stack}-${service}`,
                name: `slipway-${stack}-${service}`,
                [CADVISOR.project]: "slipway",
                [CADVISOR.stack]: stack,
                [CADVISOR.service]: service,
            });
            const mine = container("test", "postgres");
            const other = container("other", "postgres");
            await ruleTest("observability", [
                {
                    interval: "15s",
                    input_series: [
                        { series: series("container_memory_working_set_bytes", mine), values: "480000000x40" },
                        { series: series("container_spec_memory_limit_bytes", mine), values: "500000000x40" },
                        { series: series("container_memory_working_set_bytes", other), values: "480000000x40" },
                        { series: series("container_spec_memory_limit_bytes", other), values: "500000000x40" },
                    ],
                    alert_rule_test: [
                        {
                            eval_time: "6m",
                            alertname: "ContainerMemoryNearLimit",
                            exp_alerts: [
                                {
                                    exp_labels: { severity: "warning", ...mine },
                                    exp_annotations: {
                                        summary: "Container postgres is near its memory limit",
                                        description:
                                            "Container slipway-test-postgres uses 96% of its memory limit and will be OOM-killed past it (measured by cadvisor).",
                                    },
                                },
                            ],
                        },
                    ],
                },
            ]);
        });

        it("VaultSealed and OpaDecisionsSlow (demo: vault, opa)", async function () {
            this.timeout(60000);
            const vault = target("vault", "vault", "vault:8200");
            const opa = target("opa", "opa", "opa:8181");
            const bucket = (le: string, values: string) => ({
                series: series("http_request_duration_seconds_bucket", { ...opa, code: "200", handler: "v1/data", method: "post", le }),
                values,
            });
            await ruleTest("demo", [
                {
                    interval: "15s",
                    input_series: [
                        { series: series("vault_core_unsealed", vault), values: "1 1 1 1 0x20" },
                        // Every decision takes between 10 and 100 ms: the 99th percentile is 99.1 ms.
                        bucket("0.01", "0+0x80"),
                        bucket("0.1", "0+10x80"),
                        bucket("+Inf", "0+10x80"),
                    ],
                    alert_rule_test: [
                        {
                            eval_time: "3m",
                            alertname: "VaultSealed",
                            exp_alerts: [
                                {
                                    exp_labels: { severity: "critical", ...vault },
                                    exp_annotations: {
                                        summary: "vault is sealed",
                                        description: "vault is sealed: it serves no secrets until it is unsealed, so every service that uses it fails.",
                                    },
                                },
                            ],
                        },
                        {
                            eval_time: "16m",
                            alertname: "OpaDecisionsSlow",
                            exp_alerts: [
                                {
                                    exp_labels: { severity: "warning", service: "opa", instance: "opa:8181" },
                                    exp_annotations: {
                                        summary: "opa decides slowly",
                                        description: "99% of opa's policy decisions took up to 99.1ms over 5 minutes, above the 50 ms target.",
                                    },
                                },
                            ],
                        },
                    ],
                },
            ]);
        });
    });
});
