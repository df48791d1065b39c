// Config that would quietly weaken the platform: refused, path first, before any resource. And
// what a stack may still change: an app's command and args, and the args of the few catalog
// types that append them after their own.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { CATALOG } from "../components/catalog";
import { Peer, ServiceContext } from "../components/catalog/types";
import { ownedBy } from "../components/config/overrides";
import { PlatformSpec, SECRET_KEYS, ServiceSpec } from "../components/model";
import { app } from "./bad-configs";
import { containers, runExpectingError, runProgram } from "./harness";
import { mainContainer, workloads } from "./k8s-schema";

const refused = (service: string, key: string, type: string, rule = key) =>
    `type ${type} sets ${key} itself${rule === key ? "" : ` (it owns ${rule})`}, and its security depends on it; a stack may not set it`;

describe("config that would weaken a catalog service is refused, before any resource", () => {
    const cases: { name: string; config: Record<string, unknown>; problems: string[] }[] = [
        {
            name: "Grafana's anonymous access and admin password in env",
            config: { target: "docker", services: { grafana: { type: "grafana", env: { GF_AUTH_ANONYMOUS_ENABLED: "true", GF_SECURITY_ADMIN_PASSWORD: "admin", GF_SERVER_ROOT_URL: "http://x" } } } },
            problems: [
                `slipway:services.grafana.env.GF_AUTH_ANONYMOUS_ENABLED: ${refused("grafana", "GF_AUTH_ANONYMOUS_ENABLED", "grafana", "GF_AUTH_*")}`,
                `slipway:services.grafana.env.GF_SECURITY_ADMIN_PASSWORD: ${refused("grafana", "GF_SECURITY_ADMIN_PASSWORD", "grafana", "GF_SECURITY_*")}`,
            ],
        },
        {
            name: "postgres' password in secrets, and trust authentication in env",
            config: { target: "kind", services: { db: { type: "postgres", secrets: ["POSTGRES_PASSWORD"], env: { POSTGRES_HOST_AUTH_METHOD: "trust" } } } },
            problems: [
                `slipway:services.db.env.POSTGRES_HOST_AUTH_METHOD: ${refused("db", "POSTGRES_HOST_AUTH_METHOD", "postgres", "POSTGRES_*")}`,
                `slipway:services.db.secrets[0]: ${refused("db", "POSTGRES_PASSWORD", "postgres", "POSTGRES_*")}`,
            ],
        },
        {
            name: "Neo4j's authentication turned off, and the Docker API proxy opened to exec",
            config: { target: "docker", services: { graph: { type: "neo4j", env: { NEO4J_dbms_security_auth__enabled: "false" } }, proxy: { type: "docker-proxy", env: { EXEC: "1", POST: "1" } } } },
            problems: [
                `slipway:services.graph.env.NEO4J_dbms_security_auth__enabled: ${refused("graph", "NEO4J_dbms_security_auth__enabled", "neo4j", "NEO4J_dbms_security_*")}`,
                `slipway:services.proxy.env.EXEC: ${refused("proxy", "EXEC", "docker-proxy")}`,
                `slipway:services.proxy.env.POST: ${refused("proxy", "POST", "docker-proxy")}`,
            ],
        },
        {
            name: "Kong's Admin API opened again, MinIO's metrics made public",
            config: { target: "docker", services: { kong: { type: "kong", env: { KONG_ADMIN_LISTEN: "0.0.0.0:8001" } }, s3: { type: "minio", env: { MINIO_PROMETHEUS_AUTH_TYPE: "public" } } } },
            problems: [
                `slipway:services.kong.env.KONG_ADMIN_LISTEN: ${refused("kong", "KONG_ADMIN_LISTEN", "kong", "KONG_*")}`,
                `slipway:services.s3.env.MINIO_PROMETHEUS_AUTH_TYPE: ${refused("s3", "MINIO_PROMETHEUS_AUTH_TYPE", "minio", "MINIO_*")}`,
            ],
        },
        {
            name: "redis started without --requirepass, by command or by args",
            config: { target: "docker", services: { cache: { type: "redis", command: ["redis-server"], args: ["--protected-mode", "no"] } } },
            problems: [
                "slipway:services.cache.command: type redis runs its own setup through its image's entrypoint, which a command would replace; command is for type app only",
                "slipway:services.cache.args: type redis takes no args: its own flags carry its setup, a flag given later can undo one of them, and its image's entrypoint runs any other command it is given",
            ],
        },
        {
            name: "args on types whose flags carry their security: Prometheus' admin API, Jupyter's token, OPA's",
            config: {
                target: "docker",
                services: {
                    prom: { type: "prometheus", args: ["--web.enable-admin-api"] },
                    lab: { type: "jupyter", args: ["--IdentityProvider.token="] },
                    policy: { type: "opa", args: ["run", "--server"] },
                },
            },
            // In the CLI's order: it hands a map over with sorted keys.
            problems: [
                "slipway:services.lab.args: type jupyter takes no args: its own flags carry its setup, a flag given later can undo one of them, and its image's entrypoint runs any other command it is given",
                "slipway:services.policy.args: type opa takes no args: its own flags carry its setup, a flag given later can undo one of them, and its image's entrypoint runs any other command it is given",
                "slipway:services.prom.args: type prometheus takes no args: its own flags carry its setup, a flag given later can undo one of them, and its image's entrypoint runs any other command it is given",
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
});

describe("what a stack may still override", () => {
    it("an app's command and args replace its image's, and its env is its own", async () => {
        const run = await runProgram({ target: "docker", services: { api: app({ command: ["/bin/api"], args: ["--serve"], env: { GF_AUTH_ANONYMOUS_ENABLED: "true" } }) } });
        const api = containers(run).find((c) => c.name === "api")!;
        assert.deepEqual([api.inputs.entrypoints, api.inputs.command], [["/bin/api"], ["--serve"]]);
    });

    it("a catalog service's other variables", async () => {
        await runProgram({ target: "docker", services: { grafana: { type: "grafana", env: { GF_SERVER_ROOT_URL: "http://grafana.example.com" } } } });
    });

    it("cadvisor's and node-exporter's args, after their own", async () => {
        const run = await runProgram(
            {
                target: "docker",
                services: {
                    proxy: { type: "docker-proxy" },
                    cadvisor: { type: "cadvisor", uses: ["proxy"], args: ["--docker_only=true"] },
                    nodes: { type: "node-exporter", args: ["--no-collector.wifi"] },
                },
            },
            { stack: "qa" },
        );
        const args = (n: string) => containers(run).find((c) => c.name === n)!.inputs.command;
        assert.deepEqual(args("cadvisor"), ["-docker=tcp://proxy:2375", "--housekeeping_interval=30s", "--max_housekeeping_interval=60s", "--docker_only=true"]);
        assert.deepEqual(args("nodes"), ["--path.procfs=/host/proc", "--path.sysfs=/host/sys", "--path.rootfs=/host/root", "--no-collector.wifi"]);
    });

    it("the same on Kubernetes: an app's args, as the container's", async () => {
        const run = await runProgram({ target: "kind", services: { api: app({ args: ["--serve"] }) } });
        assert.deepEqual(mainContainer(workloads(run).find((w) => w.metadata.name === "api")).args, ["--serve"]);
    });
});

describe("each catalog type owns every variable it sets", () => {
    // Built loosely, as test/catalog-entries.test.ts does: only what configure() reads.
    const platform = { project: "slipway", stack: "test", target: "docker", size: "small", bindAddress: "127.0.0.1", devMode: false, services: [], hostPorts: {} } as unknown as PlatformSpec;
    const spec = (name: string, type: string, uses: string[] = []): ServiceSpec => ({ name, type, public: false, uses, env: {}, secrets: [] });
    const peer = (name: string, type: string, port: number, extra: Record<string, unknown> = {}): Peer => {
        const connection = { host: name, port, url: pulumi.secret(`x://${name}:${port}`), username: "u", password: pulumi.secret("p"), ...extra };
        return { name, type, spec: spec(name, type), port, connection, connectionFor: () => ({ connection, keys: SECRET_KEYS }) };
    };
    const peers = [peer("db", "postgres", 5432), peer("cache", "redis", 6379), peer("proxy", "docker-proxy", 2375), peer("api", "app", 3000)];

    for (const t of Object.values(CATALOG).filter((x) => x.configure)) {
        for (const devMode of [false, true]) {
            it(`${t.type}${devMode ? " (dev mode)" : ""}`, () => {
                const ctx: ServiceContext = {
                    name: t.type,
                    spec: spec(t.type, t.type, ["db", "cache", "proxy", "api"]),
                    platform: { ...platform, devMode },
                    environment: {},
                    consumers: {},
                    credentials: {
                        password: pulumi.secret("p"),
                        token: pulumi.secret("t"),
                        secrets: {},
                        tls: { caCert: pulumi.output("ca"), cert: pulumi.output("crt"), key: pulumi.secret("key") },
                    } as ServiceContext["credentials"],
                    resources: t.resources,
                    port: t.ports[0]?.port ?? 3000,
                };
                const c = t.configure!(ctx, peers);
                const set = [...Object.keys(c.env ?? {}), ...Object.keys(c.secretEnv ?? {})];
                assert.deepEqual(set.filter((k) => !ownedBy(t.ownedEnv, k)), [], `${t.type} sets variables it does not own`);
            });
        }
    }
});
