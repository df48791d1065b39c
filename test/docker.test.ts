// The `dev` stack, loaded from Pulumi.dev.yaml as the CLI would, on the Docker target.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { containers, envOf, isWrappedSecret, plain, plainTextLeaks, Recorded, ROOT, Run, runProgram, runStack } from "./harness";
import { minioAcceptsMetricsToken } from "./tools";

const CONTAINER = "docker:index/container:Container";
const serviceContainers = (run: Run) => containers(run).filter((c) => labels(c)["dev.slipway.role"] === "service");
const labels = (c: Recorded): Record<string, string> => Object.fromEntries((c.inputs.labels ?? []).map((l: any) => [l.label, l.value]));
const byName = (run: Run, name: string, type = CONTAINER) => {
    const r = run.resources.find((x) => x.type === type && x.name === name);
    assert.ok(r, `${type} ${name} should exist`);
    return r!;
};

/** README: S is the service's name in upper case, every character outside A-Z0-9 turned into `_`. */
const prefix = (service: string) => service.toUpperCase().replace(/[^A-Z0-9]/g, "_");

/** Connection variables README's "Connection settings" table requires for a used service of this type. */
function expectedConnectionVars(used: string, type: string): string[] {
    const S = prefix(used);
    const suffixes = ["HOST", "PORT", "URL"];
    const hasUserPassword = ["postgres", "redis", "neo4j", "minio", "rabbitmq", "grafana", "pgadmin", "redis-commander"].includes(type);
    if (hasUserPassword) suffixes.push("USERNAME", "PASSWORD");
    if (type === "postgres") suffixes.push("DATABASE");
    if (["vault", "qdrant", "jupyter", "consul", "opa"].includes(type)) suffixes.push("TOKEN");
    if (type === "minio") suffixes.push("BUCKET");
    return suffixes.map((s) => `${S}_${s}`).sort();
}

/** An image named with an explicit tag other than `latest`, or a digest. */
const pinned = (image: string) => /@sha256:[0-9a-f]{64}$/.test(image) || /^[^@\s]+:(?!latest$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(image.slice(image.lastIndexOf("/") + 1));

describe("docker target: the dev stack", () => {
    let run: Run;
    before(async () => {
        run = await runStack("dev");
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

        // One for each service of the demo platform that keeps data: postgres, redis, vault, minio, prometheus and grafana.
        const volumes = run.resources.filter((r) => r.type === "docker:index/volume:Volume").map((v) => [v.name, v.inputs.name]);
        assert.deepEqual(volumes.sort(), [
            ["grafana-data", "slipway-dev-grafana-data"],
            ["minio-data", "slipway-dev-minio-data"],
            ["postgres-data", "slipway-dev-postgres-data"],
            ["prometheus-data", "slipway-dev-prometheus-data"],
            ["redis-data", "slipway-dev-redis-data"],
            ["vault-data", "slipway-dev-vault-data"],
        ]);
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
            assert.equal(c.dependsOn.includes(`command:local:Command::${c.name}-volume-init-run`), hasVolume, `${c.name} waits for its volume-init run`);
        }
        assert.ok(byName(run, "demo").dependsOn.includes(`${CONTAINER}::postgres`));
        assert.ok(byName(run, "gateway").dependsOn.includes(`${CONTAINER}::demo`));
        const containerDeps = byName(run, "postgres").dependsOn.filter((d) => d.startsWith(`${CONTAINER}::`));
        assert.deepEqual(containerDeps, [], "postgres uses nothing");
        assert.ok(byName(run, "postgres").dependsOn.includes("command:local:Command::postgres-volume-init-run"));
    });

    it("hands each data volume to the service's own user before the service starts", () => {
        for (const c of serviceContainers(run)) {
            const mounts = plain(c.inputs.mounts) ?? [];
            if (mounts.length === 0) continue;
            const init = byName(run, `${c.name}-volume-init`);
            assert.deepEqual(init.inputs.command, ["chown", c.inputs.user, ...mounts.map((m: any) => m.target)]);
            assert.deepEqual(plain(init.inputs.mounts), mounts);
            assert.equal(init.inputs.networkMode, "none");
            assert.equal(init.inputs.start, false, "created, then run to completion by its Command");
            assert.equal(init.inputs.mustRun, false);
        }
        const init = containers(run).filter((c) => labels(c)["dev.slipway.role"] === "volume-init");
        assert.deepEqual(init.map((c) => c.name).sort(), ["grafana-volume-init", "minio-volume-init", "postgres-volume-init", "prometheus-volume-init", "redis-volume-init", "vault-volume-init"]);
        const images = run.resources.filter((r) => r.type === "docker:index/remoteImage:RemoteImage" && /^busybox:/.test(r.inputs.name));
        assert.equal(images.length, 1, "the volume-init image (busybox) is pulled once per stack");
    });

    it("injects the connection settings of every used service, by host name, never localhost", () => {
        const types = Object.fromEntries(serviceContainers(run).map((c) => [c.name, labels(c)["dev.slipway.type"]]));
        for (const c of serviceContainers(run)) {
            const env = envOf(c);
            for (const used of stackUses(c.name) ?? []) {
                const S = prefix(used);
                const got = Object.keys(env).filter((k) => k.startsWith(`${S}_`) && /_(HOST|PORT|URL|USERNAME|PASSWORD|DATABASE|TOKEN|BUCKET)$/.test(k)).sort();
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
        // A Redis ACL user of its own, named after it.
        const cache = run.outputs.credentials.redis.consumers.demo;
        assert.deepEqual([demo.REDIS_USERNAME, demo.REDIS_PASSWORD], ["demo", cache.password]);
        assert.notEqual(demo.REDIS_PASSWORD, run.outputs.credentials.redis.password, "not the default user's password");
        assert.equal(demo.REDIS_URL, `redis://demo:${cache.password}@redis:6379/0`);
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
        const images = run.resources.filter((r) => r.type === "docker:index/remoteImage:RemoteImage").map((r) => r.inputs.name);
        assert.ok(images.length >= 9, `the demo platform's images and busybox: ${images}`);
        for (const image of images) assert.ok(pinned(image), `${image} has an explicit tag or digest`);
        // The check itself tells a pinned image from an unpinned one.
        assert.deepEqual(["redis", "redis:latest", "ghcr.io/acme/api", "localhost:5000/api"].filter(pinned), []);
        const good = ["redis:7.4.3-alpine", "localhost:5000/api:1.0", `busybox@sha256:${"a".repeat(64)}`];
        assert.deepEqual(good.filter(pinned), good);
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
        assert.deepEqual([job.metrics_path, job.static_configs[0].targets], ["/minio/v2/metrics/cluster", ["minio:9000"]]);
        // The token MinIO accepts for its root user, as the minio container is given it.
        const minio = envOf(byName(run, "minio"));
        assert.equal(minio.MINIO_ROOT_USER, "slipway");
        assert.equal(minio.MINIO_ROOT_PASSWORD, run.outputs.credentials.minio.password);
        assert.ok(run.generated.includes(minio.MINIO_ROOT_PASSWORD), "the root password is a generated value");
        const { header, claims } = minioAcceptsMetricsToken(job.authorization.credentials, { [minio.MINIO_ROOT_USER]: minio.MINIO_ROOT_PASSWORD });
        assert.deepEqual(header, { alg: "HS512", typ: "JWT" });
        assert.deepEqual(claims, { exp: 4102444800, iss: "prometheus", sub: "slipway" });
        assert.ok(!("MINIO_PROMETHEUS_AUTH_TYPE" in minio));
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

describe("docker target: read-only root filesystems (the demo platform in dev mode)", () => {
    /**
     * Service -> whether its root filesystem is read-only: true for an image that runs read-only
     * (it writes only to its volume and tmpfs scratch) when Slipway copies no file into the
     * container, which Docker cannot do into a read-only one; false otherwise.
     */
    const READ_ONLY: Record<string, boolean> = {
        postgres: true,
        redis: true,
        opa: false, // its authorization policy is uploaded
        minio: true,
        vault: false, // not yet verified to run read-only
        demo: false, // an app: what its image writes is unknown
        gateway: false, // nginx's entrypoint renders its templates into /etc/nginx/conf.d; the template is uploaded
        prometheus: false, // runs read-only, but prometheus.yml and its rules are uploaded
        grafana: false, // not yet verified to run read-only; its provisioning is uploaded
    };

    it("makes the root filesystem read-only exactly where the image allows it and nothing is uploaded", async () => {
        const run = await runProgram({ target: "docker", platform: "demo", devMode: true }, { stack: "dev" });
        const got = Object.fromEntries(serviceContainers(run).map((c) => [c.name, c.inputs.readOnly]));
        assert.deepEqual(got, READ_ONLY);
        for (const c of serviceContainers(run).filter((x) => x.inputs.readOnly)) {
            assert.deepEqual(plain(c.inputs.uploads), [], `${c.name} gets no file copied in`);
        }
    });
});

describe("docker target: other stacks", () => {
    it("mounts host paths read-only only for types that declare host access", async () => {
        const run = await runProgram(
            { target: "docker", services: { cadvisor: { type: "cadvisor" }, "node-exporter": { type: "node-exporter" }, api: { type: "app", image: "acme/api:1.0.0", port: 80 } } },
            { stack: "qa" },
        );
        const mounts = (name: string) => plain(byName(run, name).inputs.volumes).map((v: any) => `${v.hostPath}:${v.containerPath}:${v.readOnly ? "ro" : "rw"}`);
        // cAdvisor's documented `docker run` mounts, but /dev/disk.
        assert.deepEqual(mounts("cadvisor"), ["/:/rootfs:ro", "/var/run:/var/run:ro", "/sys:/sys:ro", "/var/lib/docker:/var/lib/docker:ro"]);
        const cadvisor = byName(run, "cadvisor");
        assert.equal(cadvisor.inputs.user, "0:0", "cadvisor declares it reads host files as root");
        assert.deepEqual(plain(cadvisor.inputs.capabilities), { drops: ["ALL"], adds: [] });
        // Where node-exporter's --path.procfs, --path.sysfs and --path.rootfs point.
        assert.deepEqual(mounts("node-exporter"), ["/proc:/host/proc:ro", "/sys:/host/sys:ro", "/:/host/root:ro"]);
        assert.equal(byName(run, "node-exporter").inputs.user, "65534:65534");
        assert.equal(byName(run, "api").inputs.volumes, undefined);
    });

    it("runs Vault in server mode, initialised and unsealed by its start script, off the dev stack", async () => {
        const run = await runProgram({ target: "docker", services: { vault: { type: "vault" } } }, { stack: "qa" });
        const vault = byName(run, "vault");
        assert.deepEqual(vault.inputs.entrypoints, ["/bin/sh", "/vault/config/slipway-start.sh"]);
        assert.equal(vault.inputs.command, undefined);
        const env = envOf(vault);
        // The admin token (not root) is made by the start script; no root token is handed in.
        assert.equal(env.SLIPWAY_ADMIN_TOKEN, run.outputs.credentials.vault.token);
        assert.ok(!("SLIPWAY_ROOT_TOKEN" in env));
        assert.ok(!("VAULT_DEV_ROOT_TOKEN_ID" in env));
        assert.match(env.SLIPWAY_UNSEAL_PAD, /^[0-9a-f]{128}$/);
        assert.equal(env.VAULT_ADDR, "https://127.0.0.1:8200");
        const files = plain(vault.inputs.uploads).map((u: any) => u.file).sort();
        assert.deepEqual(files, [
            "/vault/config/ca.crt", "/vault/config/slipway-admin.hcl", "/vault/config/slipway-start.sh", "/vault/config/slipway.hcl",
            "/vault/config/tls.crt", "/vault/config/tls.key",
        ]);
        assert.match(plain(vault.inputs.uploads).find((u: any) => u.file.endsWith("slipway.hcl")).content, /disable_mlock = true/);
        assert.ok(isWrappedSecret(vault.inputs.uploads), "the uploads carry the TLS key: a secret");
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
    return YAML.parse(fs.readFileSync(path.join(ROOT, "platforms", "demo.yaml"), "utf8")).services[name]?.uses;
}
