// The five bundled platforms of SEEDS.md (platforms/*.yaml), each run whole on every target
// (docker, kind, kubernetes, eks, ec2): every service materialized, every `uses` edge wired with the connection
// contract, no generated value in plain text, every endpoint exported; the generated Prometheus
// and Grafana configuration checked, and every Kubernetes object validated against the API schema.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { K, mainContainer, objects, validateAgainstSchema, workloads } from "./k8s-schema";
import { check } from "./tools";
import { containers, envOf, filesOf, plain, plainTextLeaks, Recorded, ROOT, Run, runExpectingError, runProgram } from "./harness";

const PLATFORMS = ["connectors", "agent-layers", "observability", "service-mesh", "governance"] as const;
const TARGETS = ["docker", "kind", "kubernetes", "eks", "ec2"] as const;
type Target = (typeof TARGETS)[number];

/** The services each platform must have: every one its SEEDS.md section lists, by type. */
const SEEDED: Record<(typeof PLATFORMS)[number], Record<string, string>> = {
    connectors: { redis: "redis", vault: "vault", neo4j: "neo4j", gateway: "app" },
    "agent-layers": {
        postgres: "postgres", redis: "redis", ollama: "ollama", prometheus: "prometheus", grafana: "grafana",
        "l01-data": "app", "l02-runtime": "app", "l03-tool-execution": "app", "l04-model-gateway": "app", "l05-planning": "app",
        "l06-evaluation": "app", "l07-learning": "app", "l09-api-gateway": "app", "l10-human-interface": "app", "l11-integration": "app",
    },
    observability: {
        postgres: "postgres", redis: "redis", minio: "minio", nginx: "nginx", dashboard: "app", jupyter: "jupyter", pgadmin: "pgadmin",
        "redis-commander": "redis-commander", mailhog: "mailhog", "docker-proxy": "docker-proxy", cadvisor: "cadvisor",
        "node-exporter": "node-exporter", "postgres-exporter": "postgres-exporter", "redis-exporter": "redis-exporter",
        prometheus: "prometheus", grafana: "grafana",
    },
    "service-mesh": {
        backend: "app", consul: "consul", kong: "kong", rabbitmq: "rabbitmq", jaeger: "jaeger", prometheus: "prometheus", grafana: "grafana",
        postgres: "postgres", redis: "redis", neo4j: "neo4j", chromadb: "chromadb", qdrant: "qdrant", ollama: "ollama",
        "mcp-3001": "app", "mcp-3003": "app", "mcp-3004": "app", "mcp-3006": "app", "mcp-3009": "app", "mcp-3017": "app",
    },
    governance: {
        postgres: "postgres", redis: "redis", opa: "opa", ac: "app", integrity: "app", fv: "app", gs: "app", pgc: "app",
        nginx: "nginx", prometheus: "prometheus", grafana: "grafana",
    },
};

/** Edges SEEDS.md describes, which each definition must have (it may have more). */
const SEEDED_EDGES: Record<(typeof PLATFORMS)[number], string[]> = {
    connectors: ["gateway->vault", "gateway->neo4j", "gateway->redis"],
    "agent-layers": [
        "l01-data->postgres", "l01-data->redis", "l04-model-gateway->ollama", "grafana->prometheus",
        ...["l02-runtime", "l03-tool-execution", "l04-model-gateway", "l05-planning", "l06-evaluation", "l07-learning",
            "l09-api-gateway", "l10-human-interface", "l11-integration"].map((l) => `${l}->l01-data`),
    ],
    observability: [
        "nginx->dashboard", "pgadmin->postgres", "redis-commander->redis", "postgres-exporter->postgres", "redis-exporter->redis", "grafana->prometheus",
    ],
    "service-mesh": ["kong->backend", "grafana->prometheus", "backend->postgres", "backend->redis"],
    governance: [
        ...["ac", "integrity", "fv", "gs", "pgc"].flatMap((s) => [`${s}->postgres`, `${s}->redis`, `nginx->${s}`]),
        "grafana->prometheus",
    ],
};

// What each catalog type must be, written out from the images' documentation and README's
// catalog table, never read from the catalog under test.

/** The ports each type's image listens on by default; the first is the one consumers use. */
const PORTS: Record<string, number[]> = {
    postgres: [5432], redis: [6379], vault: [8200], neo4j: [7687, 7474], opa: [8181], minio: [9000, 9001],
    rabbitmq: [5672, 15672, 15692], consul: [8500, 8600], kong: [8000, 8001, 8100], nginx: [8080],
    prometheus: [9090], grafana: [3000], alertmanager: [9093], jaeger: [4318, 4317, 16686, 13133, 8888],
    cadvisor: [8080], "node-exporter": [9100], "postgres-exporter": [9187], "redis-exporter": [9121],
    qdrant: [6333, 6334], chromadb: [8000], ollama: [11434], mailhog: [1025, 8025], pgadmin: [5050],
    "redis-commander": [8081], jupyter: [8888], "docker-proxy": [2375],
};
// Kong's Admin API (8001) listens on Kong's loopback interface only, so it is no port of the container's.
PORTS.kong = [8000, 8100];

/**
 * The ports of a type that are ever published: its client-facing ones. Not RabbitMQ's
 * management API (it makes users) nor its metrics, not Jaeger's health and metrics, not Kong's
 * status listener; every port of the other types is a client's.
 */
const NOT_PUBLISHED: Record<string, number[]> = { rabbitmq: [15672, 15692], jaeger: [13133, 8888], kong: [8100] };

/** Types that keep data on a volume (a StatefulSet on Kubernetes). */
const STATEFUL = [
    "postgres", "redis", "vault", "neo4j", "minio", "rabbitmq", "consul", "prometheus", "grafana", "alertmanager",
    "qdrant", "chromadb", "ollama", "pgadmin", "jupyter",
];

/** The credential each type generates and hands its consumers (S_PASSWORD, or S_TOKEN). */
const CREDENTIAL: Record<string, "password" | "token"> = {
    postgres: "password", redis: "password", neo4j: "password", minio: "password", rabbitmq: "password",
    grafana: "password", pgadmin: "password", "redis-commander": "password",
    vault: "token", qdrant: "token", jupyter: "token", consul: "token", opa: "token",
};

/** Types that expose Prometheus metrics, and so get a scrape job. */
const METRICS = [
    "vault", "opa", "minio", "rabbitmq", "consul", "kong", "prometheus", "grafana", "alertmanager", "jaeger",
    "cadvisor", "node-exporter", "postgres-exporter", "redis-exporter", "qdrant", "jupyter",
];

/** Types that run only where the host is reachable: refused on Kubernetes targets. */
const HOST_TYPES = ["cadvisor", "node-exporter", "docker-proxy"];

/** README: S is the service's name in upper case, every character outside A-Z0-9 turned into `_`. */
const prefix = (service: string) => service.toUpperCase().replace(/[^A-Z0-9]/g, "_");

interface Definition {
    description: string;
    services: Record<string, any>;
    targets?: Record<string, { services?: Record<string, unknown> }>;
}

const definition = (name: string): Definition => YAML.parse(fs.readFileSync(path.join(ROOT, "platforms", `${name}.yaml`), "utf8"));

/** The definition's services as the target sees them: `targets.<target>.services` merged key by key over them; null leaves one out, or a field. */
function servicesOn(def: Definition, target: Target): Record<string, any> {
    const services: Record<string, any> = { ...def.services };
    for (const [name, override] of Object.entries(def.targets?.[target]?.services ?? {})) {
        if (override === null) delete services[name];
        else services[name] = Object.fromEntries(Object.entries({ ...services[name], ...(override as object) }).filter(([, v]) => v !== null));
    }
    return services;
}

const edges = (services: Record<string, any>) =>
    Object.entries(services).flatMap(([name, s]) => ((s.uses ?? []) as string[]).map((u) => `${name}->${u}`));

/** Every port a service listens on, first the one its consumers use. */
const portsOf = (svc: any): number[] => (svc.type === "app" ? [svc.port] : PORTS[svc.type]);
const portOf = (svc: any): number => portsOf(svc)[0];
const publishedOf = (svc: any): number[] => portsOf(svc).filter((p) => !(NOT_PUBLISHED[svc.type] ?? []).includes(p));
const isPublic = (svc: any) => svc.public === true || svc.hostPort !== undefined;

const TARGET_CONFIG: Record<Target, Record<string, unknown>> = {
    docker: {},
    kind: {},
    kubernetes: { kubeContext: "test", adminCidrs: ["203.0.113.0/24"] },
    eks: { adminCidrs: ["203.0.113.0/24"] },
    ec2: { adminCidrs: ["203.0.113.0/24"], sshKeyName: "ops" },
};
const configFor = (name: string, target: Target) => ({ target, platform: name, ...TARGET_CONFIG[target] });
/** Targets whose workloads are containers on a Docker engine; the others run pods. */
const onDocker = (target: Target) => target === "docker" || target === "ec2";
/** On eks these types run as RDS, ElastiCache and S3, not as pods. */
const managedOn = (target: Target, type: string) => target === "eks" && ["postgres", "redis", "minio"].includes(type);
const MANAGED_RESOURCE: Record<string, string> = {
    postgres: "aws:rds/instance:Instance",
    redis: "aws:elasticache/replicationGroup:ReplicationGroup",
    minio: "aws:s3/bucket:Bucket",
};

// Docker
const labels = (c: Recorded): Record<string, string> => Object.fromEntries((c.inputs.labels ?? []).map((l: any) => [l.label, l.value]));
const serviceContainers = (run: Run) => containers(run).filter((c) => labels(c)["dev.slipway.role"] === "service");




describe("bundled platforms", () => {
    for (const name of PLATFORMS) {
        describe(name, () => {
            const def = definition(name);

            it("describes itself and lists every service and edge its SEEDS.md section lists", () => {
                assert.equal(typeof def.description, "string");
                assert.ok(def.description.length > 20);
                for (const [svc, type] of Object.entries(SEEDED[name])) {
                    assert.ok(def.services[svc], `${svc} is defined`);
                    assert.equal(def.services[svc].type, type, `${svc} type`);
                }
                const defined = new Set(edges(def.services));
                for (const e of SEEDED_EDGES[name]) assert.ok(defined.has(e), `edge ${e}`);
            });

            it("ships the team's own services as a pinned public stand-in, on the seed's port, with a health path", () => {
                for (const [svc, s] of Object.entries(def.services).filter(([, s]) => s.type === "app")) {
                    assert.equal(s.image, "mendhak/http-https-echo:37", svc);
                    assert.equal(s.env?.HTTP_PORT, String(s.port), `${svc} listens on its port`);
                    assert.match(String(s.health), /^\/health/, `${svc} health`);
                }
            });

            it("leaves out the types that need the host on the Kubernetes targets", () => {
                for (const target of ["kind", "kubernetes", "eks"] as const) {
                    const types = Object.values(servicesOn(def, target as Target)).map((s) => s.type);
                    assert.deepEqual(types.filter((t) => HOST_TYPES.includes(t)), [], target);
                }
            });

            for (const target of TARGETS) {
                describe(`on ${target}`, () => {
                    const services = servicesOn(def, target);
                    const names = Object.keys(services);
                    let run: Run;
                    before(async () => {
                        run = await runProgram(configFor(name, target), { stack: "test" });
                    });

                    it("materializes every service", () => {
                        if (onDocker(target)) {
                            assert.deepEqual(serviceContainers(run).map((c) => c.name).sort(), [...names].sort());
                        } else {
                            const pods = names.filter((n) => !managedOn(target, services[n].type));
                            assert.deepEqual(workloads(run).map((w) => w.metadata.name).sort(), [...pods].sort());
                            for (const n of names.filter((x) => managedOn(target, services[x].type))) {
                                assert.equal(run.resources.filter((r) => r.type === MANAGED_RESOURCE[services[n].type]).length > 0, true, `${n} runs managed`);
                            }
                            for (const n of pods) {
                                const w = workloads(run).find((x) => x.metadata.name === n);
                                assert.equal(w.kind, STATEFUL.includes(services[n].type) ? "StatefulSet" : "Deployment", n);
                                const svc = objects(run, K.service).find((s) => s.metadata.name === n);
                                assert.ok(svc, `${n} has a Service`);
                                assert.deepEqual(svc.spec.ports.map((p: any) => [p.port, p.targetPort]), portsOf(services[n]).map((p) => [p, p]), `${n} Service ports`);
                            }
                        }
                    });

                    it("injects the connection settings of every service each one uses", () => {
                        let checked = 0;
                        for (const [consumer, s] of Object.entries(services)) {
                            for (const used of (s.uses ?? []) as string[]) {
                                const S = prefix(used);
                                const credential = CREDENTIAL[services[used].type];
                                const port = String(portOf(services[used]));
                                const credentialVars = credential ? [`${S}_${credential.toUpperCase()}`, `${S}_URL`] : [];
                                if (onDocker(target)) {
                                    const env = envOf(serviceContainers(run).find((c) => c.name === consumer)!);
                                    assert.equal(env[`${S}_HOST`], used, `${consumer}: ${S}_HOST`);
                                    assert.equal(env[`${S}_PORT`], port, `${consumer}: ${S}_PORT`);
                                    assert.ok(env[`${S}_URL`]?.includes(`${used}:${port}`), `${consumer}: ${S}_URL ${env[`${S}_URL`]}`);
                                    // A consumer with credentials of its own (a Vault token, an app's database login) gets those.
                                    const creds = run.outputs.credentials[used]?.consumers?.[consumer] ?? run.outputs.credentials[used];
                                    if (credential) {
                                        const v = `${S}_${credential.toUpperCase()}`;
                                        // Consul's tokens are UUIDs made from a generated value (Consul refuses any other form).
                                        if (services[used].type === "consul") assert.match(env[v], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
                                        else assert.ok(run.generated.includes(env[v]), `${consumer}: ${v} is a generated value, not ${env[v]}`);
                                        assert.equal(env[v], creds?.[credential], `${consumer}: ${v} is the one in the credentials output`);
                                    }
                                    if (services[used].type === "postgres") {
                                        assert.equal(env[`${S}_DATABASE`], s.type === "app" ? consumer.replace(/-/g, "_") : "app", `${consumer}: ${S}_DATABASE`);
                                    }
                                } else {
                                    const w = workloads(run).find((x) => x.metadata.name === consumer);
                                    const env: any[] = mainContainer(w).env;
                                    const find = (n: string) => env.find((e) => e.name === n);
                                    if (managedOn(target, services[used].type)) {
                                        // Same names, the managed equivalent's values: an AWS host name, not the service's.
                                        assert.match(find(`${S}_HOST`)?.value, /amazonaws\.com$/, `${consumer}: ${S}_HOST`);
                                        // S3 has no password: the consumer's own IAM role (IRSA) is its credential.
                                        const s3 = services[used].type === "minio";
                                        for (const v of credentialVars) assert.equal(find(v)?.valueFrom?.secretKeyRef?.name, s3 ? undefined : `${used}-credentials`, `${consumer}: ${v}`);
                                        checked++;
                                        continue;
                                    }
                                    assert.equal(find(`${S}_HOST`)?.value, used, `${consumer}: ${S}_HOST`);
                                    assert.equal(find(`${S}_PORT`)?.value, port, `${consumer}: ${S}_PORT`);
                                    assert.ok(find(`${S}_URL`), `${consumer}: ${S}_URL`);
                                    for (const v of credentialVars) {
                                        assert.equal(find(v)?.value, undefined, `${consumer}: ${v} is no literal`);
                                        assert.equal(find(v)?.valueFrom?.secretKeyRef?.name, `${used}-credentials`, `${consumer}: ${v}`);
                                    }
                                    if (credentialVars.length === 0) assert.ok(String(find(`${S}_URL`).value).includes(`${used}:${port}`));
                                }
                                checked++;
                            }
                        }
                        assert.equal(checked, edges(services).length);
                        assert.ok(checked > 0);
                    });

                    it("keeps every generated value out of plain text", () => {
                        assert.ok(run.generated.length > 0);
                        assert.deepEqual(plainTextLeaks(run), []);
                    });

                    it("exports an endpoint for every service", () => {
                        assert.deepEqual(Object.keys(run.outputs.endpoints).sort(), [...names].sort());
                        for (const n of names) assert.match(run.outputs.endpoints[n], /^[a-z]+:\/\/[^/\s@]+/, n);
                    });

                    if (onDocker(target)) {
                        it("publishes every client-facing port of a public service, and no other port", () => {
                            for (const [n, s] of Object.entries(services)) {
                                const ports = plain(serviceContainers(run).find((c) => c.name === n)!.inputs.ports) ?? [];
                                assert.deepEqual(ports.map((p: any) => p.internal), isPublic(s) ? publishedOf(s) : [], n);
                            }
                        });

                        it("publishes the host ports the definition asks for, on 127.0.0.1 (on ec2: behind the admin-only firewall)", () => {
                            for (const [n, s] of Object.entries(services).filter(([, s]) => s.hostPort !== undefined)) {
                                const ports = plain(serviceContainers(run).find((c) => c.name === n)!.inputs.ports);
                                const first = ports.find((p: any) => p.internal === portOf(s));
                                assert.ok(first, `${n} publishes its port ${portOf(s)}: ${JSON.stringify(ports)}`);
                                assert.equal(first.external, s.hostPort, n);
                                assert.equal(first.ip, target === "ec2" ? "0.0.0.0" : "127.0.0.1", n);
                                assert.equal(run.outputs.endpoints[n].split(":").pop(), String(s.hostPort), n);
                            }
                        });
                    } else {
                        it("validates every Kubernetes object against the API schema", () => {
                            assert.ok(validateAgainstSchema(run.resources) > names.length * 2);
                        });
                    }
                });
            }

            describe("generated configuration", () => {
                let run: Run;
                let dir: string;
                const uploads = (svc: string): { file: string; content: string }[] => filesOf(run, svc);
                before(async () => {
                    run = await runProgram(configFor(name, "docker"), { stack: "test" });
                    dir = fs.mkdtempSync(path.join(os.tmpdir(), `slipway-${name}-`));
                });
                after(() => fs.rmSync(dir, { recursive: true, force: true }));

                const prometheus = Object.keys(def.services).find((s) => def.services[s].type === "prometheus");
                const grafana = Object.keys(def.services).find((s) => def.services[s].type === "grafana");

                if (prometheus) {
                    it("prometheus.yml and its rules pass promtool, with a job for every service that has metrics", () => {
                        for (const u of uploads(prometheus)) fs.writeFileSync(path.join(dir, path.basename(u.file)), u.content);
                        assert.match(check("promtool", ["check", "config", path.join(dir, "prometheus.yml")]), /SUCCESS/);
                        assert.match(check("promtool", ["check", "rules", path.join(dir, "slipway-rules.yml")]), /SUCCESS/);
                        const jobs = YAML.parse(fs.readFileSync(path.join(dir, "prometheus.yml"), "utf8")).scrape_configs.map((j: any) => j.job_name);
                        const expected = Object.entries(def.services).filter(([, s]) => METRICS.includes(s.type)).map(([n]) => n);
                        assert.deepEqual([...jobs].sort(), expected.sort());
                    });
                } else {
                    it("has no prometheus (SEEDS.md lists none)", () => {
                        assert.equal(name, "connectors");
                    });
                }

                if (grafana) {
                    it("Grafana's provisioning YAML parses, with the platform's Prometheus as its data source", () => {
                        const file = uploads(grafana).find((u) => u.file.startsWith("/etc/grafana/provisioning/datasources/"))!;
                        const doc = YAML.parse(file.content);
                        assert.equal(doc.apiVersion, 1);
                        assert.deepEqual(doc.datasources.map((d: any) => [d.name, d.type, d.url]), [[prometheus, "prometheus", `http://${prometheus}:9090`]]);
                        assert.equal(doc.datasources.filter((d: any) => d.isDefault).length, 1);
                    });
                }
            });
        });
    }

    describe("observability: what the seed got wrong", () => {
        it("asking cadvisor for redis-commander's 8081 stops before any resource", async () => {
            const { message, registered } = await runExpectingError({
                target: "docker",
                platform: "observability",
                services: { cadvisor: { hostPort: 8081 } },
            });
            assert.equal(message, "invalid Slipway configuration:\nslipway:services.cadvisor.hostPort: 8081 is also taken by redis-commander");
            assert.equal(registered, 0);
        });

        it("the read-only Docker API proxy: the socket mounted read-only, root without capabilities, GET only, never published", async () => {
            const run = await runProgram(configFor("observability", "docker"), { stack: "test" });
            const proxy = serviceContainers(run).find((c) => c.name === "docker-proxy")!;
            assert.deepEqual(plain(proxy.inputs.volumes), [{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock", readOnly: true }]);
            assert.equal(proxy.inputs.user, "0:0");
            assert.deepEqual(plain(proxy.inputs.capabilities), { drops: ["ALL"], adds: [] });
            assert.notEqual(proxy.inputs.privileged, true);
            const env = envOf(proxy);
            assert.equal(env.POST, "0");
            assert.equal(env.CONTAINERS, "1");
            for (const k of ["EXEC", "AUTH", "SECRETS", "BUILD", "ALLOW_RESTARTS"]) assert.equal(env[k], "0", k);
            assert.match(plain(proxy.inputs.healthcheck).tests.join(" "), /127\.0\.0\.1:2375\/_ping/);
            // Whoever reaches it reads every container's environment: it publishes nothing, and
            // sits on a network of its own that only the dashboard and cadvisor, which use it, join.
            assert.deepEqual(plain(proxy.inputs.ports), []);
            const network = run.resources.find((r) => r.type === "docker:index/network:Network" && r.name === "docker-proxy-network")!;
            assert.deepEqual([network.inputs.name, network.inputs.internal], ["slipway-test-docker-proxy", true]);
            const joined = serviceContainers(run)
                .filter((c) => plain(c.inputs.networksAdvanced).some((n: any) => n.name === "slipway-test-docker-proxy"))
                .map((c) => c.name);
            assert.deepEqual(joined.sort(), ["cadvisor", "dashboard", "docker-proxy"]);
            assert.deepEqual(plain(proxy.inputs.networksAdvanced), [{ name: "slipway-test-docker-proxy", aliases: ["docker-proxy"] }]);
        });

        it("cadvisor reads the Docker API through the proxy, and mounts no /var/run (the Docker socket)", async () => {
            const run = await runProgram(configFor("observability", "docker"), { stack: "test" });
            const cadvisor = serviceContainers(run).find((c) => c.name === "cadvisor")!;
            const mounts = plain(cadvisor.inputs.volumes).map((v: any) => v.hostPath);
            assert.deepEqual(mounts, ["/", "/sys", "/var/lib/docker"]);
            assert.ok(!mounts.some((m: string) => m.startsWith("/var/run") || m.startsWith("/run")), `${mounts}`);
            // google/cadvisor v0.53.0 container/docker/factory.go: flag "docker", the endpoint it asks.
            assert.equal(cadvisor.inputs.command[0], "-docker=tcp://docker-proxy:2375");
        });

        it("docker-proxy is refused as public, with a reason, before any resource", async () => {
            for (const [field, value] of [["hostPort", 3001], ["public", true]] as const) {
                const { message, registered } = await runExpectingError({ target: "docker", platform: "observability", services: { "docker-proxy": { [field]: value } } });
                assert.equal(
                    message,
                    `invalid Slipway configuration:\nslipway:services.docker-proxy.${field}: type docker-proxy is never public: whoever reaches the Docker API proxy can inspect every container, and so read every generated credential in their environment; only the services that use it reach it`,
                );
                assert.equal(registered, 0);
            }
        });

        it("the shipped definition publishes no cadvisor port, and 8081 is redis-commander's", () => {
            const def = definition("observability");
            assert.equal(def.services.cadvisor.hostPort, undefined);
            assert.notEqual(def.services.cadvisor.public, true);
            assert.equal(def.services["redis-commander"].hostPort, 8081);
        });
    });
});
