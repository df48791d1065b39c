// What is public, where, and to whom: every bundled platform (demo and the five of SEEDS.md) on
// every cluster target (kind, kubernetes, eks) and on docker. The expected values are written out
// here from the images' documentation and the issue's findings, never read from the catalog.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { app } from "./bad-configs";
import { containers, plain, ROOT, Run, runExpectingError, runProgram } from "./harness";
import { K, mainContainer, objects, workloads } from "./k8s-schema";
import { restrictedViolations } from "../policy/restricted";

const PLATFORMS = ["demo", "connectors", "agent-layers", "observability", "service-mesh", "governance"] as const;
const CLUSTERS = ["kind", "kubernetes", "eks"] as const;
const ADMIN = ["203.0.113.0/24", "198.51.100.0/24"];

const CONFIG: Record<(typeof CLUSTERS)[number] | "docker", Record<string, unknown>> = {
    docker: {},
    kind: {},
    kubernetes: { kubeContext: "prod", adminCidrs: ADMIN },
    eks: { adminCidrs: ADMIN },
};

/** The data stores (and the secrets store): never public on a cluster unless a stack says so. */
const DATA_STORES = ["postgres", "redis", "neo4j", "consul", "rabbitmq", "minio", "qdrant", "chromadb", "vault"];

/**
 * The ports a client of each type uses, from each image's documentation: the only ports ever
 * published. Not RabbitMQ's management API (15672: it makes users) or metrics (15692), not Kong's
 * Admin API (8001: unauthenticated, and POST /config replaces its routes) or status listener
 * (8100), not Jaeger's health (13133) or own metrics (8888).
 */
const CLIENT_PORTS: Record<string, number[]> = {
    postgres: [5432], redis: [6379], vault: [8200], neo4j: [7687, 7474], opa: [8181], minio: [9000, 9001],
    rabbitmq: [5672], consul: [8500, 8600], kong: [8000], nginx: [8080], prometheus: [9090], grafana: [3000],
    alertmanager: [9093], jaeger: [4318, 4317, 16686], cadvisor: [8080], "node-exporter": [9100], "postgres-exporter": [9187],
    "redis-exporter": [9121], qdrant: [6333, 6334], chromadb: [8000], ollama: [11434], mailhog: [1025, 8025], pgadmin: [5050],
    "redis-commander": [8081], jupyter: [8888], "docker-proxy": [2375],
};

/** The service a Service, or a workload, belongs to, and its type. */
const nameOf = (o: any): string => o.spec?.selector?.["app.kubernetes.io/name"] ?? o.metadata.labels["app.kubernetes.io/name"];
function typeOf(run: Run, service: string): string {
    const w = workloads(run).find((x) => x.metadata.name === service);
    return w.metadata.labels["slipway.dev/type"];
}
function clientPorts(run: Run, service: string): number[] {
    const type = typeOf(run, service);
    if (type !== "app") return CLIENT_PORTS[type];
    return mainContainer(workloads(run).find((x) => x.metadata.name === service)).ports.map((p: any) => p.containerPort);
}

describe("exposure on the cluster targets: every bundled platform", function () {
    this.timeout(120000);
    for (const platform of PLATFORMS) {
        for (const target of CLUSTERS) {
            describe(`${platform} on ${target}`, () => {
                let run: Run;
                before(async () => {
                    run = await runProgram({ target, platform, ...CONFIG[target] }, { stack: "test" });
                });
                const published = () => objects(run, K.service).filter((s) => s.spec.type !== "ClusterIP");

                it("publishes no data store", () => {
                    const exposed = published().map(nameOf).filter((n) => DATA_STORES.includes(typeOf(run, n)));
                    assert.deepEqual(exposed, []);
                    assert.deepEqual(objects(run, K.ingress).map((i) => i.spec.rules[0].http.paths[0].backend.service.name).filter((n: string) => DATA_STORES.includes(typeOf(run, n))), []);
                });

                it("publishes client-facing ports alone, never an admin or internal one", () => {
                    assert.ok(published().length > 0, "the platform has public services");
                    for (const s of published()) {
                        const ports = s.spec.ports.map((p: any) => p.port);
                        assert.deepEqual(ports.filter((p: number) => !clientPorts(run, nameOf(s)).includes(p)), [], `${s.metadata.name} publishes ${ports}`);
                    }
                });

                if (target === "kind") {
                    it("publishes on node ports that kind/cluster.yaml binds to 127.0.0.1: the operator's machine alone", () => {
                        const mapped = YAML.parse(fs.readFileSync(path.join(ROOT, "kind/cluster.yaml"), "utf8")).nodes[0].extraPortMappings;
                        for (const m of mapped) assert.equal(m.listenAddress, "127.0.0.1", `node port ${m.containerPort}`);
                        const bound = mapped.map((m: any) => m.containerPort);
                        for (const s of published()) {
                            assert.equal(s.spec.type, "NodePort", s.metadata.name);
                            for (const p of s.spec.ports) assert.ok(bound.includes(p.nodePort), `${s.metadata.name}: ${p.nodePort} is mapped`);
                        }
                    });
                } else {
                    it("gives every load balancer the admin CIDRs as its source ranges, and keeps the client's address", () => {
                        for (const s of published()) {
                            assert.equal(s.spec.type, "LoadBalancer", s.metadata.name);
                            assert.deepEqual(s.spec.loadBalancerSourceRanges, ADMIN, s.metadata.name);
                            assert.equal(s.spec.externalTrafficPolicy, "Local", `${s.metadata.name}: the network policy sees the client's address`);
                        }
                    });

                    it("admits only the admin CIDRs (ipBlock) from outside the platform, on published ports", () => {
                        let outside = 0;
                        for (const p of objects(run, K.networkPolicy)) {
                            for (const rule of p.spec.ingress ?? []) {
                                const fromPods = (rule.from ?? []).length > 0 && rule.from.every((f: any) => f.podSelector && !f.namespaceSelector && !f.ipBlock);
                                if (fromPods) continue;
                                outside++;
                                assert.deepEqual(rule.from, ADMIN.map((cidr) => ({ ipBlock: { cidr } })), `${p.metadata.name}: ${JSON.stringify(rule)}`);
                                const ports = rule.ports.map((x: any) => x.port);
                                assert.deepEqual(ports.filter((x: number) => !clientPorts(run, p.metadata.name).includes(x)), [], `${p.metadata.name}: ${ports}`);
                            }
                        }
                        assert.equal(outside, published().length, "one such rule for each public service");
                    });
                }

                it("names the port on every edge of every network policy", () => {
                    for (const p of objects(run, K.networkPolicy).filter((x) => x.metadata.name !== "default-deny")) {
                        for (const rule of [...(p.spec.ingress ?? []), ...(p.spec.egress ?? [])]) {
                            assert.ok(rule.ports?.length > 0, `${p.metadata.name}: ${JSON.stringify(rule)} names no port, so admits every one`);
                        }
                    }
                });
            });
        }

        describe(`${platform} on docker`, () => {
            let run: Run;
            before(async () => {
                run = await runProgram({ target: "docker", platform, devMode: platform === "demo" }, { stack: "test" });
            });

            it("publishes client-facing ports alone, on 127.0.0.1, none below 1024, and never the Docker API proxy", () => {
                for (const c of containers(run).filter((x) => (x.inputs.ports ?? []).length > 0)) {
                    const type = plain(c.inputs.labels).find((l: any) => l.label === "dev.slipway.type").value;
                    const ports = plain(c.inputs.ports);
                    assert.notEqual(type, "docker-proxy");
                    if (type !== "app") assert.deepEqual(ports.map((p: any) => p.internal).filter((p: number) => !CLIENT_PORTS[type].includes(p)), [], c.name);
                    for (const p of ports) {
                        assert.equal(p.ip, "127.0.0.1", c.name);
                        assert.ok(p.external >= 1024, `${c.name}: host port ${p.external}`);
                    }
                }
            });
        });
    }
});

describe("exposure: an Ingress admits the admin CIDRs alone", () => {
    it("through ingress-nginx's source-range annotation, and the controller's pods alone on the routed port", async () => {
        const run = await runProgram(
            { target: "kubernetes", platform: "demo", kubeContext: "prod", exposure: "ingress", ingressDomain: "apps.example.com", adminCidrs: ADMIN },
            { stack: "test" },
        );
        const ingresses = objects(run, K.ingress);
        assert.deepEqual(ingresses.map((i) => i.metadata.name).sort(), ["gateway", "grafana", "prometheus"]);
        for (const i of ingresses) {
            // kubernetes/ingress-nginx internal/ingress/annotations/ipallowlist/main.go
            assert.equal(i.metadata.annotations["nginx.ingress.kubernetes.io/whitelist-source-range"], "203.0.113.0/24,198.51.100.0/24", i.metadata.name);
        }
        assert.deepEqual(objects(run, K.service).filter((s) => s.spec.type !== "ClusterIP"), [], "an Ingress publishes; no Service does");
        const policy = objects(run, K.networkPolicy).find((p) => p.metadata.name === "grafana");
        const outside = policy.spec.ingress.filter((r: any) => r.from.some((f: any) => f.namespaceSelector));
        assert.deepEqual(outside, [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }], ports: [{ protocol: "TCP", port: 3000 }] }]);
    });
});

describe("exposure: a data store is public on a cluster only when the stack says so", () => {
    it("refuses a public data store on every cluster target, path first, before any resource", async () => {
        for (const target of CLUSTERS) {
            const { message, registered } = await runExpectingError({ target, ...CONFIG[target], services: { db: { type: "postgres", public: true } } });
            const where = target === "kind" ? "a node port from 30000 (kind/cluster.yaml maps 30000-30019 to 127.0.0.1)" : "a load balancer or an Ingress open to slipway:adminCidrs";
            assert.equal(
                message,
                `invalid Slipway configuration:\nslipway:services.db.public: postgres is a data store, and on target ${target} a data store is public only when the stack says so for it: set exposeOnCluster: true on this service to publish it on ${where}`,
            );
            assert.equal(registered, 0);
        }
    });

    it("publishes it with exposeOnCluster: true, to the admin CIDRs alone", async () => {
        const run = await runProgram({ target: "kubernetes", ...CONFIG.kubernetes, services: { db: { type: "postgres", public: true, exposeOnCluster: true } } }, { stack: "test" });
        const lb = objects(run, K.service).find((s) => s.metadata.name === "db-public");
        assert.deepEqual([lb.spec.type, lb.spec.loadBalancerSourceRanges, lb.spec.ports.map((p: any) => p.port)], ["LoadBalancer", ADMIN, [5432]]);
    });

    it("keeps publishing data stores on docker, on 127.0.0.1, as a team's laptop did", async () => {
        const run = await runProgram({ target: "docker", services: { db: { type: "postgres", hostPort: 5432 } } }, { stack: "test" });
        assert.deepEqual(plain(containers(run).find((c) => c.name === "db")!.inputs.ports), [{ internal: 5432, external: 5432, ip: "127.0.0.1", protocol: "tcp" }]);
    });

    it("refuses exposeOnCluster on a type that is no data store, and a value that is no boolean", async () => {
        const { message } = await runExpectingError({ target: "kind", services: { api: app({ public: true, exposeOnCluster: true }), db: { type: "redis", exposeOnCluster: "yes" } } });
        assert.equal(
            message,
            [
                "invalid Slipway configuration:",
                "slipway:services.api.exposeOnCluster: only data stores need it; type app is public on a cluster with public alone",
                'slipway:services.db.exposeOnCluster: "yes" is not true or false',
            ].join("\n"),
        );
    });
});

describe("exposure: the rules of each target, before any resource", () => {
    const cases: { name: string; config: Record<string, unknown>; problems: string[] }[] = [
        {
            name: "an admin CIDR broader than /8, even split in two halves",
            config: { target: "kubernetes", adminCidrs: ["0.0.0.0/1", "128.0.0.0/1", "10.0.0.0/8"], services: { api: app({ public: true }) } },
            problems: [
                "slipway:adminCidrs[0]: 0.0.0.0/1 spans 2147483648 addresses, more than a /8: a network that wide is most of the internet, not the networks that operate the platform; list those, each /8 or narrower",
                "slipway:adminCidrs[1]: 128.0.0.0/1 spans 2147483648 addresses, more than a /8: a network that wide is most of the internet, not the networks that operate the platform; list those, each /8 or narrower",
            ],
        },
        {
            name: "the same on eks and ec2",
            config: { target: "ec2", adminCidrs: ["0.0.0.0/1", "128.0.0.0/1"], sshKeyName: "ops", services: { api: app() } },
            problems: [
                "slipway:adminCidrs[0]: 0.0.0.0/1 spans 2147483648 addresses, more than a /8: a network that wide is most of the internet, not the networks that operate the platform; list those, each /8 or narrower",
                "slipway:adminCidrs[1]: 128.0.0.0/1 spans 2147483648 addresses, more than a /8: a network that wide is most of the internet, not the networks that operate the platform; list those, each /8 or narrower",
            ],
        },
        {
            name: "a public service on kubernetes without admin CIDRs",
            config: { target: "kubernetes", services: { api: app({ public: true }), db: { type: "postgres" } } },
            problems: ['slipway:adminCidrs: required on target kubernetes when a service is public (api): its load balancer or Ingress admits these networks alone, e.g. ["203.0.113.0/24"]'],
        },
        {
            name: "node ports on a cluster other than kind",
            config: { target: "kubernetes", exposure: "nodePort", adminCidrs: ADMIN, services: { api: app({ public: true }) } },
            problems: [
                "slipway:exposure: nodePort is for kind, whose node ports kind/cluster.yaml binds to 127.0.0.1; on target kubernetes a node port is open on every node's address to whoever reaches the nodes: use loadBalancer or ingress, which admit slipway:adminCidrs alone",
            ],
        },
        {
            name: "a host port on kind",
            config: { target: "kind", services: { api: app({ hostPort: 8080 }) } },
            problems: ["slipway:services.api.hostPort: target kind has no host ports; a public service gets a node port from 30000 (kind/cluster.yaml maps 30000-30019 to 127.0.0.1): set public: true instead"],
        },
        {
            name: "a host port on kubernetes",
            config: { target: "kubernetes", adminCidrs: ADMIN, services: { api: app({ hostPort: 8080 }) } },
            problems: ["slipway:services.api.hostPort: target kubernetes has no host ports; a public service gets a load balancer or an Ingress open to slipway:adminCidrs: set public: true instead"],
        },
        {
            name: "a host port below 1024 on docker, chosen or following the container's port",
            config: { target: "docker", services: { api: app({ hostPort: 80 }), web: app({ port: 443, public: true }) } },
            problems: [
                "slipway:services.api.hostPort: 80 is below 1024, which a rootless Docker engine cannot bind (net.ipv4.ip_unprivileged_port_start), so target docker refuses it; choose a port from 1024 up",
                "slipway:services.web.public: container port 443 would be published on host port 443, below 1024, which a rootless Docker engine cannot bind (net.ipv4.ip_unprivileged_port_start), so target docker refuses it; set hostPort to a port from 1024 up",
            ],
        },
        {
            name: "the Docker API proxy made public",
            config: { target: "docker", services: { proxy: { type: "docker-proxy", public: true } } },
            problems: [
                "slipway:services.proxy.public: type docker-proxy is never public: whoever reaches the Docker API proxy can inspect every container, and so read every generated credential in their environment; only the services that use it reach it",
            ],
        },
        ...["kube-system", "kube-public", "kube-node-lease", "kube-flannel"].map((namespace) => ({
            name: `the ${namespace} namespace`,
            config: { target: "kind", namespace, services: { api: app() } },
            problems: [
                `slipway:namespace: "${namespace}" belongs to Kubernetes itself (it reserves the kube- prefix); Slipway's default-deny network policy and restricted Pod Security labels would apply to other workloads there. Use a namespace of the stack's own (the default is slipway-<stack>)`,
            ],
        })),
        {
            name: "the default namespace",
            config: { target: "eks", adminCidrs: ADMIN, namespace: "default", services: { api: app() } },
            problems: [
                `slipway:namespace: "default" is where every workload that names no namespace lands; Slipway's default-deny network policy and restricted Pod Security labels would apply to other workloads there. Use a namespace of the stack's own (the default is slipway-<stack>)`,
            ],
        },
    ];
    for (const c of cases) {
        it(`refuses ${c.name}`, async () => {
            const { message, registered } = await runExpectingError(c.config);
            assert.equal(message, `invalid Slipway configuration:\n${c.problems.join("\n")}`);
            assert.equal(registered, 0);
        });
    }

    it("accepts a /8, a host port from 1024 on docker, one below it on ec2 (a rootful engine behind its firewall), and no admin CIDRs where nothing is public", async () => {
        await runProgram({ target: "kubernetes", adminCidrs: ["10.0.0.0/8"], services: { api: app({ public: true }) } });
        await runProgram({ target: "docker", services: { api: app({ hostPort: 1024 }) } });
        await runProgram({ target: "ec2", adminCidrs: ADMIN, sshKeyName: "ops", services: { api: app({ hostPort: 80 }) } });
        await runProgram({ target: "kubernetes", services: { api: app() } });
    });
});

describe("exposure: pgadmin under the restricted profile", () => {
    it("keeps NET_BIND_SERVICE in its bounding set, which its image's setcap'd Python needs to exec, and passes restricted", async () => {
        const run = await runProgram({ target: "kind", services: { db: { type: "postgres" }, pgadmin: { type: "pgadmin", uses: ["db"] } } }, { stack: "test" });
        const pod = workloads(run).find((w) => w.metadata.name === "pgadmin").spec.template.spec;
        assert.deepEqual(mainContainer({ spec: { template: { spec: pod } } }).securityContext.capabilities, { drop: ["ALL"], add: ["NET_BIND_SERVICE"] });
        assert.equal(mainContainer({ spec: { template: { spec: pod } } }).securityContext.allowPrivilegeEscalation, false);
        assert.deepEqual(restrictedViolations(pod), []);
        // It listens on 5050, an unprivileged port.
        assert.deepEqual(mainContainer({ spec: { template: { spec: pod } } }).ports.map((p: any) => p.containerPort), [5050]);
    });
});
