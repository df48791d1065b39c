// The `dev` stack, loaded from Pulumi.dev.yaml as the CLI would, on the Docker target.
import { strict as assert } from "assert";
import { CATALOG } from "../components/catalog";
import { minioMetricsToken, MINIO_USER } from "../components/catalog/minio";
import { envPrefix, imagePin } from "../components/config/validate";
import { VOLUME_INIT_IMAGE } from "../components/targets/docker";
import { containers, envOf, isWrappedSecret, plain, plainTextLeaks, Recorded, Run, runProgram, stackConfig } from "./harness";
import * as YAML from "yaml";

const CONTAINER = "docker:index/container:Container";
const serviceContainers = (run: Run) => containers(run).filter((c) => labels(c)["dev.slipway.role"] === "service");
const labels = (c: Recorded): Record<string, string> => Object.fromEntries((c.inputs.labels ?? []).map((l: any) => [l.label, l.value]));
const byName = (run: Run, name: string, type = CONTAINER) => {
    const r = run.resources.find((x) => x.type === type && x.name === name);
    assert.ok(r, `${type} ${name} should exist`);
    return r!;
};

/** Connection variables SPEC.md requires for a used service of this type. */
function expectedConnectionVars(used: string, type: string): string[] {
    const S = envPrefix(used);
    const suffixes = ["HOST", "PORT", "URL"];
    const hasUserPassword = ["postgres", "redis", "neo4j", "minio", "grafana"].includes(type);
    if (hasUserPassword) suffixes.push("USERNAME", "PASSWORD");
    if (type === "postgres") suffixes.push("DATABASE");
    if (type === "vault") suffixes.push("TOKEN");
    return suffixes.map((s) => `${S}_${s}`).sort();
}

describe("docker target: the dev stack", () => {
    let run: Run;
    const dev = stackConfig("dev");
    before(async () => {
        run = await runProgram(dev, { stack: "dev" });
    });

    it("registers one network, a volume per data directory, and one container per service", () => {
        const networks = run.resources.filter((r) => r.type === "docker:index/network:Network");
        assert.equal(networks.length, 1);
        assert.equal(networks[0].inputs.name, "slipway-dev");

        const services = Object.keys(run.outputs.endpoints);
        assert.deepEqual(serviceContainers(run).map((c) => c.name).sort(), [...services].sort());
        for (const c of serviceContainers(run)) {
            assert.deepEqual(plain(c.inputs.networksAdvanced), [{ name: "slipway-dev", aliases: [c.name] }], c.name);
            assert.equal(c.inputs.name, `slipway-dev-${c.name}`);
        }

        const volumes = run.resources.filter((r) => r.type === "docker:index/volume:Volume").map((v) => v.name).sort();
        const expected = serviceContainers(run).flatMap((c) => (CATALOG[labels(c)["dev.slipway.type"]].volumes ?? []).map((v) => `${c.name}-${v.name}`));
        assert.deepEqual(volumes, expected.sort());
        assert.ok(volumes.includes("postgres-data") && volumes.includes("grafana-data"));
    });

    it("hardens every container: non-root, all capabilities dropped, no privilege, no host access", () => {
        for (const c of containers(run)) {
            const isInit = labels(c)["dev.slipway.role"] === "volume-init";
            const user = String(c.inputs.user);
            assert.match(user, /^\d+:\d+$/, `${c.name} runs as a numeric user`);
            if (!isInit) assert.notEqual(user.split(":")[0], "0", `${c.name} must not run as root`);
            assert.deepEqual(plain(c.inputs.capabilities).drops, ["ALL"], c.name);
            const adds: string[] = plain(c.inputs.capabilities).adds ?? [];
            assert.deepEqual(adds, isInit ? ["CHOWN"] : [], `${c.name} capabilities`);
            assert.deepEqual(c.inputs.securityOpts, ["no-new-privileges:true"], c.name);
            assert.notEqual(c.inputs.privileged, true, c.name);
            assert.ok(!["host"].includes(c.inputs.networkMode), `${c.name} is not on the host network`);
            for (const m of plain(c.inputs.mounts) ?? []) {
                assert.equal(m.type, "volume", `${c.name} mounts only named volumes`);
            }
            assert.equal(c.inputs.volumes, undefined, `${c.name} has no bind mounts`);
            assert.ok(!JSON.stringify(plain(c.inputs)).includes("docker.sock"), `${c.name} has no Docker socket`);
        }
    });

    it("gives every service container a health check that gates its dependents", () => {
        for (const c of serviceContainers(run)) {
            const hc = plain(c.inputs.healthcheck);
            assert.ok(Array.isArray(hc.tests) && hc.tests.length >= 2, `${c.name} health check`);
            assert.ok(["CMD", "CMD-SHELL"].includes(hc.tests[0]), `${c.name} health check form`);
            assert.equal(c.inputs.wait, true, `${c.name}: the provider waits for health`);
            assert.ok(c.inputs.waitTimeout >= 60, `${c.name} wait timeout`);
            assert.equal(c.inputs.restart, "unless-stopped", c.name);
            assert.ok(c.inputs.memory >= 64, `${c.name} memory limit`);
            assert.ok(Number(c.inputs.cpus) > 0, `${c.name} cpu limit`);
        }
        // The catalog's in-image check is used where the user did not override health.
        assert.deepEqual(plain(byName(run, "postgres").inputs.healthcheck).tests, [
            "CMD-SHELL",
            "pg_isready -q -h 127.0.0.1 -p 5432 -U slipway -d app",
        ]);
        assert.match(plain(byName(run, "demo").inputs.healthcheck).tests[1], /^wget -q -O \/dev\/null 'http:\/\/127\.0\.0\.1:8080\/healthz'/);
    });

    it("starts each container after the containers it uses and after its volume is handed over", () => {
        for (const c of serviceContainers(run)) {
            const uses: string[] = (stackUses(c.name) ?? []);
            for (const used of uses) assert.ok(c.dependsOn.includes(`${CONTAINER}::${used}`), `${c.name} should start after ${used}; depends on ${c.dependsOn}`);
            const hasVolume = (plain(c.inputs.mounts) ?? []).length > 0;
            assert.equal(c.dependsOn.includes(`${CONTAINER}::${c.name}-volume-init`), hasVolume, `${c.name} waits for its volume-init container`);
        }
        assert.ok(byName(run, "demo").dependsOn.includes(`${CONTAINER}::postgres`));
        assert.ok(byName(run, "gateway").dependsOn.includes(`${CONTAINER}::demo`));
        const containerDeps = byName(run, "postgres").dependsOn.filter((d) => d.startsWith(`${CONTAINER}::`));
        assert.deepEqual(containerDeps, [`${CONTAINER}::postgres-volume-init`], "postgres uses nothing");
    });

    it("hands each data volume to the service's own user before the service starts", () => {
        for (const c of serviceContainers(run)) {
            const mounts = plain(c.inputs.mounts) ?? [];
            if (mounts.length === 0) continue;
            const init = byName(run, `${c.name}-volume-init`);
            assert.deepEqual(init.inputs.command, ["chown", c.inputs.user, ...mounts.map((m: any) => m.target)]);
            assert.deepEqual(plain(init.inputs.mounts), mounts);
            assert.equal(init.inputs.networkMode, "none");
            assert.equal(init.inputs.attach, true, "runs to completion during the deploy");
            assert.equal(init.inputs.mustRun, false);
        }
        const image = run.resources.filter((r) => r.type === "docker:index/remoteImage:RemoteImage" && r.inputs.name === VOLUME_INIT_IMAGE);
        assert.equal(image.length, 1, "the volume-init image is pulled once per stack");
    });

    it("injects the connection settings of every used service, by host name, never localhost", () => {
        const types = Object.fromEntries(serviceContainers(run).map((c) => [c.name, labels(c)["dev.slipway.type"]]));
        for (const c of serviceContainers(run)) {
            const env = envOf(c);
            for (const used of stackUses(c.name) ?? []) {
                const S = envPrefix(used);
                const got = Object.keys(env).filter((k) => k.startsWith(`${S}_`) && /_(HOST|PORT|URL|USERNAME|PASSWORD|DATABASE|TOKEN)$/.test(k)).sort();
                assert.deepEqual(got, expectedConnectionVars(used, types[used]), `${c.name} -> ${used}`);
                assert.equal(env[`${S}_HOST`], used);
                assert.ok(!Object.values(env).some((v) => /localhost|127\.0\.0\.1/.test(v) && v.includes(used)), `${c.name}: no localhost`);
            }
        }
        const demo = envOf(byName(run, "demo"));
        // An app gets a database login and a Vault token of its own, never the services' admin ones.
        const pg = run.outputs.credentials.postgres.consumers.demo;
        assert.deepEqual([demo.POSTGRES_USERNAME, demo.POSTGRES_DATABASE], ["demo", "demo"]);
        assert.equal(demo.POSTGRES_PASSWORD, pg.password);
        assert.notEqual(demo.POSTGRES_PASSWORD, run.outputs.credentials.postgres.password);
        assert.equal(demo.POSTGRES_URL, `postgresql://demo:${pg.password}@postgres:5432/demo`);
        assert.equal(demo.REDIS_URL, `redis://default:${run.outputs.credentials.redis.password}@redis:6379/0`);
        assert.equal(demo.VAULT_TOKEN, run.outputs.credentials.vault.consumers.demo.token);
        assert.notEqual(demo.VAULT_TOKEN, run.outputs.credentials.vault.token, "not the root token");
        assert.equal(demo.JWT_SECRET_KEY, run.outputs.credentials.demo.secrets.JWT_SECRET_KEY);
    });

    it("keeps every generated value secret in every input and output", () => {
        assert.ok(run.generated.length >= 6, "the stack generates credentials");
        assert.deepEqual(plainTextLeaks(run), []);
        // Containers that receive a credential get it inside a secret env list.
        for (const c of serviceContainers(run)) {
            const env = JSON.stringify(plain(c.inputs.envs));
            if (run.generated.some((g) => env.includes(g))) assert.ok(isWrappedSecret(c.inputs.envs), `${c.name} envs are secret`);
        }
    });

    it("publishes only public services, on 127.0.0.1, and reports what the operator can reach", () => {
        for (const c of serviceContainers(run)) {
            const ports = plain(c.inputs.ports) ?? [];
            const isPublic = ["gateway", "prometheus", "grafana"].includes(c.name);
            assert.equal(ports.length > 0, isPublic, `${c.name} published ports`);
            for (const p of ports) assert.equal(p.ip, "127.0.0.1");
        }
        assert.deepEqual(run.outputs.endpoints, {
            postgres: "postgresql://postgres:5432",
            redis: "redis://redis:6379",
            vault: "http://vault:8200",
            opa: "http://opa:8181",
            minio: "http://minio:9000",
            demo: "http://demo:8080",
            gateway: "http://127.0.0.1:8080",
            prometheus: "http://127.0.0.1:9090",
            grafana: "http://127.0.0.1:3000",
        });
        assert.equal(run.outputs.target, "docker");
    });

    it("pins every image", () => {
        for (const img of run.resources.filter((r) => r.type === "docker:index/remoteImage:RemoteImage")) {
            assert.ok(["tag", "digest"].includes(imagePin(img.inputs.name)), img.inputs.name);
        }
    });

    it("runs Vault in dev mode with the generated root token, and without capabilities", () => {
        const vault = byName(run, "vault");
        assert.deepEqual(vault.inputs.command, ["server", "-dev"]);
        const env = envOf(vault);
        assert.equal(env.VAULT_DEV_ROOT_TOKEN_ID, run.outputs.credentials.vault.token);
        assert.equal(env.SKIP_SETCAP, "true");
        assert.deepEqual(plain(vault.inputs.capabilities).adds, []);
    });

    it("provisions Grafana with a generated admin password and Prometheus as its data source", () => {
        const grafana = byName(run, "grafana");
        assert.equal(envOf(grafana).GF_SECURITY_ADMIN_PASSWORD, run.outputs.credentials.grafana.password);
        assert.equal(run.outputs.credentials.grafana.username, "admin");
        const ds = plain(grafana.inputs.uploads).find((u: any) => u.file.includes("provisioning/datasources"));
        assert.deepEqual(YAML.parse(ds.content).datasources.map((d: any) => [d.type, d.url]), [["prometheus", "http://prometheus:9090"]]);
    });

    it("scrapes MinIO with a bearer token instead of making its metrics public", () => {
        const prometheus = byName(run, "prometheus");
        assert.ok(isWrappedSecret(prometheus.inputs.uploads), "a config that carries a token is a secret");
        const upload = plain(prometheus.inputs.uploads).find((u: any) => u.file === "/etc/prometheus/prometheus.yml");
        const config = YAML.parse(upload.content);
        const job = config.scrape_configs.find((j: any) => j.job_name === "minio");
        assert.equal(job.authorization.type, "Bearer");
        assert.equal(job.authorization.credentials, minioMetricsToken(MINIO_USER, run.outputs.credentials.minio.password));
        assert.ok(!("MINIO_PROMETHEUS_AUTH_TYPE" in envOf(byName(run, "minio"))));
        const jobs = config.scrape_configs.map((j: any) => j.job_name).sort();
        assert.deepEqual(jobs, ["grafana", "minio", "opa", "prometheus", "vault"]);
    });

    it("routes nginx to the app it uses", () => {
        const gateway = byName(run, "gateway");
        const template = plain(gateway.inputs.uploads)[0];
        assert.equal(template.file, "/etc/nginx/templates/default.conf.template");
        assert.match(template.content, /location \/demo\/ \{[^}]*set \$upstream_demo demo:8080;/);
        assert.equal(envOf(gateway).NGINX_ENTRYPOINT_LOCAL_RESOLVERS, "1");
    });
});

describe("docker target: other stacks", () => {
    it("mounts host paths read-only only for types that declare host access", async () => {
        const run = await runProgram(
            { target: "docker", services: { cadvisor: { type: "cadvisor" }, "node-exporter": { type: "node-exporter" }, api: { type: "app", image: "acme/api:1.0.0", port: 80 } } },
            { stack: "qa" },
        );
        const cadvisor = byName(run, "cadvisor");
        assert.deepEqual(plain(cadvisor.inputs.volumes), CATALOG.cadvisor.hostAccess!.mounts.map((m) => ({ hostPath: m.hostPath, containerPath: m.path, readOnly: true })));
        assert.equal(cadvisor.inputs.user, "0:0", "cadvisor declares it reads host files as root");
        assert.deepEqual(plain(cadvisor.inputs.capabilities), { drops: ["ALL"], adds: [] });
        assert.ok(byName(run, "node-exporter").inputs.volumes.every((v: any) => v.readOnly === true));
        assert.notEqual(byName(run, "node-exporter").inputs.user.split(":")[0], "0");
        assert.equal(byName(run, "api").inputs.volumes, undefined);
    });

    it("runs Vault in server mode, initialised and unsealed by its start script, off the dev stack", async () => {
        const run = await runProgram({ target: "docker", services: { vault: { type: "vault" } } }, { stack: "qa" });
        const vault = byName(run, "vault");
        assert.deepEqual(vault.inputs.entrypoints, ["/bin/sh", "/vault/config/slipway-start.sh"]);
        assert.equal(vault.inputs.command, undefined);
        const env = envOf(vault);
        assert.equal(env.SLIPWAY_ROOT_TOKEN, run.outputs.credentials.vault.token);
        assert.ok(!("VAULT_DEV_ROOT_TOKEN_ID" in env));
        const files = plain(vault.inputs.uploads).map((u: any) => u.file).sort();
        assert.deepEqual(files, ["/vault/config/slipway-start.sh", "/vault/config/slipway.hcl"]);
        assert.match(plain(vault.inputs.uploads).find((u: any) => u.file.endsWith(".hcl")).content, /disable_mlock = true/);
    });

    it("runs Neo4j as its own user on a volume handed to that user (no chmod as root)", async () => {
        const run = await runProgram({ target: "docker", services: { graph: { type: "neo4j" } } }, { stack: "qa" });
        const neo = byName(run, "graph");
        assert.equal(neo.inputs.user, "7474:7474");
        assert.deepEqual(byName(run, "graph-volume-init").inputs.command, ["chown", "7474:7474", "/data"]);
        assert.equal(envOf(neo).NEO4J_AUTH, `neo4j/${run.outputs.credentials.graph.password}`);
        assert.ok(isWrappedSecret(neo.inputs.envs));
    });

    it("sizes containers from slipway:size, and a service's own limits win", async () => {
        const config = (size: string) => ({ target: "docker", size, services: { db: { type: "postgres" }, api: { type: "app", image: "acme/api:1.0.0", port: 80, memory: "1Gi", cpu: "750m" } } });
        const small = await runProgram(config("small"), { stack: "qa" });
        const large = await runProgram(config("large"), { stack: "qa" });
        assert.equal(byName(small, "db").inputs.memory, 512);
        assert.equal(byName(large, "db").inputs.memory, 2048);
        assert.equal(byName(large, "api").inputs.memory, 1024);
        assert.equal(byName(large, "api").inputs.cpus, "0.75");
    });

    it("binds public ports to the configured address", async () => {
        const run = await runProgram({ target: "docker", bindAddress: "0.0.0.0", services: { api: { type: "app", image: "acme/api:1.0.0", port: 80, public: true } } }, { stack: "qa" });
        assert.deepEqual(plain(byName(run, "api").inputs.ports), [{ internal: 80, external: 80, ip: "0.0.0.0", protocol: "tcp" }]);
        assert.equal(run.outputs.endpoints.api, "http://127.0.0.1:80");
    });

    it("runs replicas of a private stateless service behind one network alias", async () => {
        const run = await runProgram({ target: "docker", services: { worker: { type: "app", image: "acme/worker:2.0.0", port: 9000, replicas: 3 } } }, { stack: "qa" });
        const names = containers(run).map((c) => c.name).sort();
        assert.deepEqual(names, ["worker-1", "worker-2", "worker-3"]);
        for (const c of containers(run)) assert.deepEqual(plain(c.inputs.networksAdvanced)[0].aliases, ["worker"]);
    });
});

/** The `uses` of a service in the demo platform (the dev stack's definition). */
function stackUses(name: string): string[] | undefined {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { loadPlatforms } = require("../components/config/load") as typeof import("../components/config/load");
    return (loadPlatforms().demo as any).services[name]?.uses;
}
