// The `staging` stack, loaded from Pulumi.staging.yaml, on the kind target; and the
// `kubernetes` target's exposures. Every object is also validated against the API schema.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { app, asProgramSays, BAD } from "./bad-configs";
import { isWrappedSecret, plain, plainTextLeaks, ROOT, Run, runExpectingError, runProgram, runStack } from "./harness";
import { K, mainContainer, modelFor, objects, validateAgainstSchema, workloads } from "./k8s-schema";
import { RESTRICTED_CONTROLS, restrictedViolations } from "../policy/restricted";

const workload = (run: Run, name: string) => workloads(run).find((w) => w.metadata.name === name)!;

/** The demo platform's own `uses` edges. */
const demo = YAML.parse(fs.readFileSync(path.join(ROOT, "platforms/demo.yaml"), "utf8")).services as Record<string, any>;

/** The port consumers use, of each catalog type in the demo platform (the images' defaults). */
const FIRST_PORT: Record<string, number> = { postgres: 5432, redis: 6379, vault: 8200, opa: 8181, minio: 9000, nginx: 8080, prometheus: 9090, grafana: 3000 };

/** The volumes (claim templates) of each type of the demo platform that keeps data; the others keep none. */
const VOLUMES: Record<string, string[]> = { postgres: ["data"], redis: ["data"], vault: ["data"], minio: ["data"], prometheus: ["data"], grafana: ["data"] };

/** README: S is the service's name in upper case, every character outside A-Z0-9 turned into `_`. */
const prefix = (service: string) => service.toUpperCase().replace(/[^A-Z0-9]/g, "_");

/** kind/cluster.yaml maps node ports 30000-30019 to 127.0.0.1. */
const KIND_PORTS = Array.from({ length: 20 }, (_, i) => 30000 + i);

describe("kubernetes target: the staging stack on kind", () => {
    let run: Run;
    before(async () => {
        run = await runStack("staging");
    });

    it("makes one namespace that enforces the restricted Pod Security Standard", () => {
        const [ns] = objects(run, K.namespace);
        assert.equal(objects(run, K.namespace).length, 1);
        assert.equal(ns.metadata.name, "slipway-staging");
        assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
        for (const r of run.resources.filter((x) => x.type.startsWith("kubernetes:") && x.type !== K.namespace && !x.type.startsWith("pulumi:"))) {
            assert.equal(plain(r.inputs).metadata.namespace, "slipway-staging", `${r.type} ${r.name}`);
        }
        const provider = run.resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
        assert.equal(provider.inputs.context, "kind-slipway");
    });

    it("runs a StatefulSet with a claim for each service that keeps data, a Deployment otherwise, and a Service for each", () => {
        for (const name of Object.keys(demo)) {
            const volumes = VOLUMES[demo[name].type];
            const w = workload(run, name);
            assert.ok(w, `${name} has a workload`);
            assert.equal(w.kind, volumes ? "StatefulSet" : "Deployment", name);
            if (volumes) {
                assert.deepEqual(w.spec.volumeClaimTemplates.map((c: any) => c.metadata.name), volumes, name);
                assert.match(w.spec.volumeClaimTemplates[0].spec.resources.requests.storage, /^\d+Gi$/);
            }
            assert.ok(objects(run, K.service).some((s) => s.metadata.name === name), `${name} has a Service`);
        }
        assert.equal(workloads(run).length, Object.keys(demo).length);
    });

    it("delivers Prometheus, Grafana and nginx configuration as ConfigMaps (or a Secret when it carries a token)", () => {
        const mapped = (svc: string, file: string) => {
            const c = mainContainer(workload(run, svc));
            const mount = c.volumeMounts.find((m: any) => m.mountPath === file);
            assert.ok(mount, `${svc} mounts ${file}`);
            const volume = workload(run, svc).spec.template.spec.volumes.find((v: any) => v.name === mount.name);
            return volume.configMap ? "configMap" : volume.secret ? "secret" : "other";
        };
        assert.equal(mapped("grafana", "/etc/grafana/provisioning/datasources/slipway.yaml"), "configMap");
        assert.equal(mapped("gateway", "/etc/nginx/templates/default.conf.template"), "configMap");
        assert.equal(mapped("prometheus", "/etc/prometheus/slipway-rules.yml"), "configMap");
        // The scrape config holds MinIO's bearer token.
        assert.equal(mapped("prometheus", "/etc/prometheus/prometheus.yml"), "secret");
    });

    it("passes every control of the restricted profile in every pod", () => {
        for (const w of workloads(run)) {
            assert.deepEqual(restrictedViolations(w.spec.template.spec), [], w.metadata.name);
        }
    });

    it("the restricted-profile checker catches what it should (each control fails on a bad pod)", () => {
        const bad = {
            hostNetwork: true,
            securityContext: { runAsUser: 0, sysctls: [{ name: "x", value: "1" }] },
            volumes: [{ name: "h", hostPath: { path: "/" } }],
            containers: [{ name: "c", ports: [{ containerPort: 80, hostPort: 80 }], securityContext: { privileged: true, capabilities: { add: ["SYS_ADMIN"] }, seccompProfile: { type: "Unconfined" } } }],
        };
        const failed = new Set(restrictedViolations(bad).map((v) => v.slice(0, v.indexOf(":"))));
        assert.deepEqual([...failed].sort(), RESTRICTED_CONTROLS.map((c) => c.control).sort());
    });

    it("sets requests and limits, explicit image tags, and probes on declared ports", () => {
        for (const w of workloads(run)) {
            const pod = w.spec.template.spec;
            for (const c of [...(pod.initContainers ?? []), ...pod.containers]) {
                for (const k of ["cpu", "memory"]) {
                    assert.ok(c.resources.requests[k] && c.resources.limits[k], `${w.metadata.name}/${c.name} ${k}`);
                }
                assert.match(c.image, /:[^/]+$|@sha256:/, `${c.name} image has a tag`);
            }
            const c = pod.containers[0];
            const ports = c.ports.map((p: any) => p.containerPort);
            for (const probe of ["readinessProbe", "livenessProbe", "startupProbe"]) {
                const p = c[probe];
                assert.ok(p, `${w.metadata.name} ${probe}`);
                const port = p.httpGet?.port ?? p.tcpSocket?.port;
                if (port !== undefined) assert.ok(ports.includes(port), `${w.metadata.name} ${probe} targets declared port ${port}`);
                else assert.ok(p.exec?.command?.length > 0, `${w.metadata.name} ${probe} has a handler`);
            }
            assert.equal(pod.enableServiceLinks, false, "no service-link variables to clash with S_PORT");
            assert.equal(pod.automountServiceAccountToken, false);
        }
        const neo = mainContainer(workload(run, "grafana"));
        assert.deepEqual(neo.readinessProbe.httpGet, { path: "/api/health", port: 3000, scheme: "HTTP" });
        // Slow starters get a startup probe long enough for them.
        assert.ok(mainContainer(workload(run, "postgres")).startupProbe.failureThreshold * 5 >= 60);
    });

    it("makes every Service select the pods of its workload, on ports the container declares", () => {
        for (const s of objects(run, K.service)) {
            // A public service's own Service (`<name>-public`) selects the same pods.
            const w = workload(run, s.metadata.name.replace(/-public$/, ""));
            const labels = w.spec.template.metadata.labels;
            for (const [k, v] of Object.entries(s.spec.selector)) assert.equal(labels[k], v, `${s.metadata.name} selector ${k}`);
            assert.deepEqual(w.spec.selector.matchLabels, s.spec.selector);
            const ports = mainContainer(w).ports.map((p: any) => p.containerPort);
            for (const p of s.spec.ports) assert.ok(ports.includes(p.targetPort), `${s.metadata.name} port ${p.targetPort}`);
        }
    });

    it("gives credentials only through secretKeyRefs to Secrets and keys that exist", () => {
        const secrets = Object.fromEntries(objects(run, K.secret).map((s) => [s.metadata.name, s.stringData]));
        for (const r of run.resources.filter((x) => x.type === K.secret)) assert.ok(isWrappedSecret(r.inputs.stringData), `${r.name} data is a Pulumi secret`);
        let refs = 0;
        for (const w of workloads(run)) {
            for (const e of mainContainer(w).env) {
                if (e.valueFrom) {
                    const { name, key } = e.valueFrom.secretKeyRef;
                    assert.ok(secrets[name], `${w.metadata.name}: ${e.name} refers to Secret ${name}`);
                    assert.ok(key in secrets[name], `${w.metadata.name}: ${e.name} refers to key ${key} of ${name}`);
                    refs++;
                } else {
                    assert.ok(!run.generated.some((g) => String(e.value).includes(g)), `${w.metadata.name}: ${e.name} is a literal credential`);
                }
            }
        }
        assert.ok(refs > 10);
        // A consumer reads the owner's Secret: demo's POSTGRES_PASSWORD comes from postgres-credentials.
        const env = mainContainer(workload(run, "demo")).env;
        // demo is an app: its database login and its Vault token are its own, kept by their owners.
        assert.deepEqual(env.find((e: any) => e.name === "POSTGRES_PASSWORD").valueFrom, { secretKeyRef: { name: "postgres-credentials", key: "password-demo" } });
        assert.deepEqual(env.find((e: any) => e.name === "VAULT_TOKEN").valueFrom, { secretKeyRef: { name: "vault-credentials", key: "token-demo" } });
        assert.equal(secrets["postgres-credentials"]["password-demo"], run.outputs.credentials.postgres.consumers.demo.password);
        assert.equal(secrets["postgres-credentials"].password, run.outputs.credentials.postgres.password);
        assert.deepEqual(plainTextLeaks(run), []);
    });

    it("injects the same S_* variable names as the Docker target", () => {
        const env = mainContainer(workload(run, "demo")).env.map((e: any) => e.name);
        for (const used of demo.demo.uses as string[]) {
            for (const suffix of ["HOST", "PORT", "URL"]) assert.ok(env.includes(`${prefix(used)}_${suffix}`), `${used} ${suffix}`);
        }
        for (const name of ["POSTGRES_USERNAME", "POSTGRES_PASSWORD", "POSTGRES_DATABASE", "REDIS_PASSWORD", "VAULT_TOKEN", "MINIO_PASSWORD", "JWT_SECRET_KEY"]) {
            assert.ok(env.includes(name), name);
        }
    });

    it("starts a workload's container only once the services it uses answer", () => {
        for (const [name, svc] of Object.entries(demo)) {
            const init = workload(run, name).spec.template.spec.initContainers;
            const uses: string[] = svc.uses ?? [];
            if (!uses.length) {
                assert.equal(init, undefined, name);
                continue;
            }
            const script: string = init[0].command[2];
            for (const used of uses) {
                const port = demo[used].type === "app" ? demo[used].port : FIRST_PORT[demo[used].type];
                assert.match(script, new RegExp(`until nc -z -w 2 ${used} ${port};`), `${name} waits for ${used}:${port}`);
            }
        }
    });

    it("allows exactly the edges the platform needs, and DNS, under a default deny", () => {
        const policies = objects(run, K.networkPolicy);
        const deny = policies.find((p) => p.metadata.name === "default-deny");
        assert.deepEqual(deny.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        const dns = policies.find((p) => p.metadata.name === "allow-dns");
        assert.deepEqual(dns.spec.egress[0].ports.map((p: any) => `${p.protocol}/${p.port}`).sort(), ["TCP/53", "UDP/53"]);

        // Allowed edges: a may connect to b when a's egress selects b's pods and b's ingress selects a's pods.
        const labelsOf = (name: string) => workload(run, name).spec.template.metadata.labels;
        const policyOf = (name: string) => policies.find((p) => p.metadata.name === name);
        const matches = (sel: Record<string, string>, labels: Record<string, string>) => Object.entries(sel).every(([k, v]) => labels[k] === v);
        const names = Object.keys(demo);
        const allowed = new Set<string>();
        for (const a of names) {
            for (const b of names) {
                if (a === b) continue;
                const egress = (policyOf(a).spec.egress ?? []).some((r: any) => r.to.some((t: any) => matches(t.podSelector.matchLabels, labelsOf(b))));
                const ingress = (policyOf(b).spec.ingress ?? []).some((r: any) => r.from?.some((f: any) => matches(f.podSelector.matchLabels, labelsOf(a))));
                if (egress && ingress) allowed.add(`${a}->${b}`);
            }
        }
        const prometheusJobs = YAML.parse(
            Object.values<string>(objects(run, K.secret).find((s) => s.metadata.name === "prometheus-credentials").stringData).find((v) => v.includes("scrape_configs"))!,
        ).scrape_configs.map((j: any) => j.job_name);
        const expected = new Set<string>([
            ...Object.entries(demo).flatMap(([a, s]) => (s.uses ?? []).map((b: string) => `${a}->${b}`)),
            ...prometheusJobs.filter((j: string) => j !== "prometheus").map((j: string) => `prometheus->${j}`),
            "gateway->demo", // nginx routes
            "grafana->prometheus", // the data source
        ]);
        assert.deepEqual([...allowed].sort(), [...expected].sort());
        // Public services also accept the operator's connections on their own ports.
        for (const name of ["gateway", "prometheus", "grafana"]) {
            assert.ok(policyOf(name).spec.ingress.some((r: any) => r.from === undefined), `${name} is reachable from outside`);
        }
        assert.ok(!policyOf("postgres").spec.ingress.some((r: any) => r.from === undefined));
        assert.equal(labelsOf("demo")["reaches.slipway.dev/postgres"], "true");
    });

    it("publishes public services on the node ports kind/cluster.yaml maps to 127.0.0.1", () => {
        const kind = YAML.parse(fs.readFileSync(path.join(ROOT, "kind/cluster.yaml"), "utf8"));
        const mapped = kind.nodes[0].extraPortMappings.map((m: any) => {
            assert.equal(m.listenAddress, "127.0.0.1");
            assert.equal(m.hostPort, m.containerPort);
            return m.containerPort;
        });
        assert.deepEqual(mapped, KIND_PORTS);
        const nodePorts = objects(run, K.service).filter((s) => s.spec.type === "NodePort");
        assert.deepEqual(nodePorts.map((s) => s.metadata.name).sort(), ["gateway-public", "grafana-public", "prometheus-public"]);
        for (const s of nodePorts) for (const p of s.spec.ports) assert.ok(mapped.includes(p.nodePort), `${s.metadata.name} ${p.nodePort}`);
        assert.equal(run.outputs.endpoints.gateway, "http://127.0.0.1:30000");
        assert.equal(run.outputs.endpoints.grafana, "http://127.0.0.1:30002");
        assert.equal(run.outputs.endpoints.postgres, "postgresql://postgres:5432");
    });

    it("runs Vault in server mode, never dev mode", () => {
        const c = mainContainer(workload(run, "vault"));
        assert.deepEqual(c.command, ["/bin/sh", "/vault/config/slipway-start.sh"]);
        assert.ok(!c.env.some((e: any) => e.name === "VAULT_DEV_ROOT_TOKEN_ID"));
        assert.deepEqual(c.env.find((e: any) => e.name === "SLIPWAY_ADMIN_TOKEN").valueFrom.secretKeyRef, { name: "vault-credentials", key: "SLIPWAY_ADMIN_TOKEN" });
        assert.deepEqual(c.env.find((e: any) => e.name === "SLIPWAY_UNSEAL_PAD").valueFrom.secretKeyRef, { name: "vault-credentials", key: "SLIPWAY_UNSEAL_PAD" });
        assert.ok(!c.env.some((e: any) => e.name === "SLIPWAY_ROOT_TOKEN"));
        assert.ok(c.volumeMounts.some((m: any) => m.mountPath === "/vault/file"));
    });

    it("validates every generated object against the Kubernetes API schema", () => {
        assert.ok(validateAgainstSchema(run.resources) > 30);
        // The validation is real: a wrong type is refused, and for that reason alone.
        const bad = plain(run.resources.find((r) => r.type === K.service)!.inputs);
        bad.spec.ports[0].port = "eighty";
        assert.throws(() => new (modelFor(K.service))(bad).validate(), { message: "data/spec/ports/0/port must be integer" });
    });

    it("exports the namespace", () => {
        assert.equal(run.outputs.namespace, "slipway-staging");
    });
});

describe("kubernetes target: exposures and rules", () => {
    const base = {
        target: "kubernetes",
        kubeContext: "prod-cluster",
        adminCidrs: ["203.0.113.0/24"],
        services: { api: app({ public: true, replicas: 3, port: 8080 }), db: { type: "postgres" } },
    };

    it("uses a LoadBalancer by default, with a PodDisruptionBudget where replicas > 1", async () => {
        const run = await runProgram(base, { stack: "pr-7" });
        assert.equal(objects(run, K.service).find((s) => s.metadata.name === "api").spec.type, "ClusterIP");
        const svc = objects(run, K.service).find((s) => s.metadata.name === "api-public");
        assert.equal(svc.spec.type, "LoadBalancer");
        assert.equal(objects(run, K.service).find((s) => s.metadata.name === "db").spec.type, "ClusterIP");
        const [pdb] = objects(run, K.pdb);
        assert.deepEqual(pdb.spec, { minAvailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "api", "app.kubernetes.io/instance": "pr-7" } } });
        assert.equal(objects(run, K.namespace)[0].metadata.name, "slipway-pr-7");
        assert.equal(run.resources.find((r) => r.type === "pulumi:providers:kubernetes")!.inputs.context, "prod-cluster");
    });

    it("serves public HTTP services through an Ingress when asked", async () => {
        const run = await runProgram({ ...base, exposure: "ingress", ingressDomain: "apps.example.com", ingressClass: "nginx", services: { api: app({ public: true }) } }, { stack: "qa" });
        const [ing] = objects(run, K.ingress);
        assert.equal(ing.spec.rules[0].host, "api.apps.example.com");
        assert.equal(ing.spec.ingressClassName, "nginx");
        assert.equal(run.outputs.endpoints.api, "http://api.apps.example.com");
    });

    const rules: { name: string; config: Record<string, unknown>; problems: string[] }[] = [
        {
            name: "ingress without a domain",
            config: { target: "kubernetes", exposure: "ingress", adminCidrs: ["203.0.113.0/24"], services: { api: app({ public: true }) } },
            problems: [
                "slipway:ingressDomain: required when exposure is ingress",
            ],
        },
        {
            name: "a load balancer on kind",
            config: { target: "kind", exposure: "loadBalancer", services: { api: app() } },
            problems: ["slipway:exposure: target kind publishes services on node ports mapped by kind/cluster.yaml; loadBalancer needs a cluster that provides it"],
        },
        {
            name: "Kubernetes settings on the docker target",
            config: { target: "docker", namespace: "x", kubeContext: "y", services: { api: app() } },
            problems: ["slipway:kubeContext: only applies to targets kind, kubernetes, not docker", "slipway:namespace: only applies to targets kind, kubernetes, eks, not docker"],
        },
        {
            name: "a non-HTTP service behind an ingress",
            config: {
                target: "kubernetes",
                exposure: "ingress",
                ingressDomain: "example.com",
                adminCidrs: ["203.0.113.0/24"],
                services: { db: { type: "postgres", public: true, exposeOnCluster: true } },
            },
            problems: ["slipway:services.db.public: exposure ingress carries HTTP only, and postgres speaks postgresql"],
        },
        {
            name: "a type that needs the host",
            config: { target: "kind", services: { proxy: { type: "docker-proxy" }, cadvisor: { type: "cadvisor", uses: ["proxy"] } } },
            problems: [
                "slipway:services.proxy.type: docker-proxy needs the host (the Docker API proxy forwards read-only requests to the host's Docker socket); target kind runs every pod under the restricted Pod Security Standard, which forbids host paths",
                "slipway:services.cadvisor.type: cadvisor needs the host (cAdvisor reads the host's cgroups, /sys and the container runtime's state to measure every container); target kind runs every pod under the restricted Pod Security Standard, which forbids host paths",
            ],
        },
        {
            name: "more public ports than kind maps",
            // Jaeger publishes its three client-facing ports (OTLP/HTTP, OTLP/gRPC, the UI).
            config: { target: "kind", services: Object.fromEntries(Array.from({ length: 7 }, (_, i) => [`j${i}`, { type: "jaeger", public: true }])) },
            problems: ["slipway:services: public services need 21 node ports; kind/cluster.yaml maps 20 (30000-30019)"],
        },
    ];
    for (const c of rules) {
        it(`refuses ${c.name}, before any resource`, async () => {
            const { message, registered } = await runExpectingError(c.config);
            assert.equal(message, `invalid Slipway configuration:\n${c.problems.join("\n")}`);
            assert.equal(registered, 0);
        });
    }

    describe("the bad-config table gives the same errors on kind", () => {
        // Host ports are refused on kind (test/exposure.test.ts), so not the cases that use them.
        for (const c of BAD.filter((b) => b.config.target === "docker" && !JSON.stringify(b.config).includes("hostPort"))) {
            it(c.name, async () => {
                const { message, registered } = await runExpectingError({ ...c.config, target: "kind" });
                assert.equal(message, c.cli ?? asProgramSays(c.program ?? c.problems));
                assert.equal(registered, 0);
            });
        }
    });
});
