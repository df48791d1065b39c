// The `dev` stack, loaded from Pulumi.dev.yaml as the CLI would, on the Docker target.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { containers, envOf, filesCarrier, filesOf, isWrappedSecret, plain, plainTextLeaks, Recorded, ROOT, Run, runProgram, runStack } from "./harness";
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
        const all = run.resources.filter((r) => r.type === "docker:index/volume:Volume");
        const volumes = all.filter((v) => !v.name.includes("-files-")).map((v) => [v.name, v.inputs.name]);
        assert.deepEqual(volumes.sort(), [
            ["grafana-data", "slipway-dev-grafana-data"],
            ["minio-data", "slipway-dev-minio-data"],
            ["postgres-data", "slipway-dev-postgres-data"],
            ["prometheus-data", "slipway-dev-prometheus-data"],
            ["redis-data", "slipway-dev-redis-data"],
            ["vault-data", "slipway-dev-vault-data"],
        ]);
        // And one for each directory of configuration files of a read-only service, named after
        // a digest of its files: nginx's template, Grafana's three, Prometheus' one.
        const files = all.filter((v) => v.name.includes("-files-"));
        assert.deepEqual(files.map((v) => v.name).sort(), ["gateway-files-1", "grafana-files-1", "grafana-files-2", "grafana-files-3", "opa-files-1", "prometheus-files-1"]);
        for (const v of files) assert.match(v.inputs.name, new RegExp(`^slipway-dev-${v.name}-[0-9a-f]{12}$`), v.name);
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
            const hasVolume = (plain(c.inputs.mounts) ?? []).some((m: any) => !m.readOnly);
            assert.equal(c.dependsOn.includes("command:local:Command::volume-init-run"), hasVolume, `${c.name} waits for the volume hand-over`);
        }
        assert.ok(byName(run, "demo").dependsOn.includes(`${CONTAINER}::postgres`));
        assert.ok(byName(run, "gateway").dependsOn.includes(`${CONTAINER}::demo`));
        const containerDeps = byName(run, "postgres").dependsOn.filter((d) => d.startsWith(`${CONTAINER}::`));
        assert.deepEqual(containerDeps, [], "postgres uses nothing");
        assert.ok(byName(run, "postgres").dependsOn.includes("command:local:Command::volume-init-run"));
    });

    it("hands each data volume to the service's own user before the service starts, in one container for the stack", () => {
        const init = containers(run).filter((c) => labels(c)["dev.slipway.role"] === "volume-init");
        assert.deepEqual(init.map((c) => c.name), ["volume-init"]);
        const [handOver] = init;
        assert.equal(handOver.inputs.name, "slipway-dev-volume-init");
        assert.equal(handOver.inputs.networkMode, "none");
        assert.equal(handOver.inputs.start, false, "created, then run to completion by its Command");
        assert.equal(handOver.inputs.mustRun, false);
        assert.equal(handOver.options.deleteBeforeReplace, true, "its name is unique on the engine");
        const [shell, flag, script] = handOver.inputs.command;
        assert.deepEqual([shell, flag], ["sh", "-c"]);
        // Every data volume of every service, mounted under /volumes/<service>/<volume>, and
        // chowned to that service's user; nothing else.
        const expected: string[] = [];
        const mounts: { source: string; target: string }[] = [];
        for (const c of serviceContainers(run)) {
            for (const m of (plain(c.inputs.mounts) ?? []).filter((x: any) => !x.readOnly)) {
                const volume = run.resources.find((r) => r.type === "docker:index/volume:Volume" && r.inputs.name === m.source)!;
                const at = `/volumes/${c.name}/${volume.name.slice(c.name.length + 1)}`;
                expected.push(`chown ${c.inputs.user} ${at}`);
                mounts.push({ source: m.source, target: at });
            }
        }
        assert.deepEqual(script.split(" && ").sort(), expected.sort());
        assert.equal(expected.length, 6, "postgres, redis, vault, minio, prometheus and grafana have data");
        assert.deepEqual(plain(handOver.inputs.mounts).map((m: any) => ({ source: m.source, target: m.target })).sort((a: any, b: any) => a.target.localeCompare(b.target)), mounts.sort((a, b) => a.target.localeCompare(b.target)));
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
        // -dev-no-store-token: a dev server would write its token to ~/.vault-token, on a read-only root.
        assert.deepEqual(vault.inputs.command, ["server", "-dev", "-dev-no-store-token"]);
        const env = envOf(vault);
        assert.equal(env.VAULT_DEV_ROOT_TOKEN_ID, run.outputs.credentials.vault.token);
        assert.equal(env.SKIP_SETCAP, "true");
        assert.deepEqual(plain(vault.inputs.capabilities).adds, []);
    });

    it("provisions Grafana with a generated admin password and Prometheus as its data source", () => {
        const grafana = byName(run, "grafana");
        assert.equal(envOf(grafana).GF_SECURITY_ADMIN_PASSWORD, run.outputs.credentials.grafana.password);
        assert.equal(run.outputs.credentials.grafana.username, "admin");
        const ds = filesOf(run, "grafana").find((u: any) => u.file.includes("provisioning/datasources"))!;
        assert.deepEqual(YAML.parse(ds.content).datasources.map((d: any) => [d.type, d.url]), [["prometheus", "http://prometheus:9090"]]);
    });

    it("scrapes MinIO with a bearer token instead of making its metrics public", () => {
        assert.ok(isWrappedSecret(filesCarrier(run, "prometheus").inputs.uploads), "a config that carries a token is a secret");
        const upload = filesOf(run, "prometheus").find((u: any) => u.file === "/etc/prometheus/prometheus.yml")!;
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
        const template = filesOf(run, "gateway")[0];
        assert.equal(template.file, "/etc/nginx/templates/default.conf.template");
        assert.match(template.content, /location \/demo\/ \{[^}]*set \$upstream_demo demo:8080;/);
        assert.equal(envOf(gateway).NGINX_ENTRYPOINT_LOCAL_RESOLVERS, "1");
    });
});

describe("docker target: read-only root filesystems", () => {
    /**
     * Service -> whether its root filesystem is read-only: true for an image that runs read-only
     * (it writes only to its volume and tmpfs scratch; each catalog entry cites the image's docs);
     * false for an app, whose image Slipway cannot know.
     */
    const READ_ONLY: Record<string, boolean> = {
        postgres: true,
        redis: true,
        opa: true, // its authorization policy reaches it through a volume
        minio: true,
        vault: true, // writes /vault/file and /vault/logs; a dev server stores no token file
        demo: false, // an app: what its image writes is unknown
        gateway: true, // nginx renders its templates into /etc/nginx/conf.d, scratch space
        prometheus: true,
        grafana: true, // writes /var/lib/grafana and /tmp
    };

    for (const [stack, devMode] of [["dev", true], ["qa", false]] as const) {
        it(`makes the root filesystem read-only wherever the image allows it, configuration files and all (demo, ${stack})`, async () => {
            const run = await runProgram({ target: "docker", platform: "demo", devMode }, { stack });
            const got = Object.fromEntries(serviceContainers(run).map((c) => [c.name, c.inputs.readOnly]));
            assert.deepEqual(got, READ_ONLY);
            for (const c of serviceContainers(run).filter((x) => x.inputs.readOnly)) {
                // Docker refuses to copy into a read-only root (moby daemon/archive.go,
                // containerExtractToDir), so none is uploaded to; the files are in volumes.
                assert.deepEqual(plain(c.inputs.uploads), [], `${c.name} gets no file copied in`);
            }
        });
    }

    it("puts the configuration files of a read-only service in volumes, through a holder that is never started", async () => {
        const run = await runProgram({ target: "docker", platform: "demo" }, { stack: "qa", stableSecrets: true });
        const vault = byName(run, "vault");
        const holder = byName(run, "vault-files");
        assert.deepEqual([holder.inputs.start, holder.inputs.mustRun, holder.inputs.networkMode, holder.inputs.user], [false, false, "none", "65534:65534"]);
        assert.deepEqual(plain(holder.inputs.capabilities), { drops: ["ALL"], adds: [] });
        assert.equal(labels(holder)["dev.slipway.role"], "files");
        // The holder mounts the volume where the files belong, and carries them.
        const [volume] = run.resources.filter((r) => r.type === "docker:index/volume:Volume" && r.name === "vault-files-1");
        assert.match(volume.inputs.name, /^slipway-qa-vault-files-1-[0-9a-f]{12}$/);
        assert.deepEqual(plain(holder.inputs.mounts), [{ type: "volume", source: volume.inputs.name, target: "/vault/config" }]);
        assert.deepEqual(plain(holder.inputs.uploads).map((u: any) => u.file).sort(), [
            "/vault/config/ca.crt", "/vault/config/slipway-admin.hcl", "/vault/config/slipway-start.sh", "/vault/config/slipway.hcl",
            "/vault/config/tls.crt", "/vault/config/tls.key",
        ]);
        // The service mounts it read-only at the same place, once the holder exists.
        assert.deepEqual(plain(vault.inputs.mounts).filter((m: any) => m.readOnly), [{ type: "volume", source: volume.inputs.name, target: "/vault/config", readOnly: true }]);
        assert.ok(vault.dependsOn.includes(`${CONTAINER}::vault-files`));
        assert.equal(vault.inputs.readOnly, true);
        // The same files make the same volume; changed files a new one, so that no file that is
        // no longer generated lingers (Prometheus' configuration changes with its scrape targets).
        const volumeOf = (r: Run, name: string) => r.resources.find((x) => x.type === "docker:index/volume:Volume" && x.name === name)!.inputs.name;
        const again = await runProgram({ target: "docker", platform: "demo" }, { stack: "qa", stableSecrets: true });
        assert.equal(volumeOf(again, "vault-files-1"), volume.inputs.name);
        assert.equal(volumeOf(again, "prometheus-files-1"), volumeOf(run, "prometheus-files-1"));
        const fewer = await runProgram({ target: "docker", platform: "demo", services: { opa: null, demo: { uses: ["postgres", "redis", "vault", "minio"] } } }, { stack: "qa", stableSecrets: true });
        assert.notEqual(volumeOf(fewer, "prometheus-files-1"), volumeOf(run, "prometheus-files-1"));
        assert.equal(volumeOf(fewer, "vault-files-1"), volume.inputs.name);
    });

    it("gives a service with tmpfs scratch space what its image writes: nginx renders into conf.d", async () => {
        const run = await runProgram({ target: "docker", platform: "demo", devMode: true }, { stack: "dev" });
        // Owned by nginx's user (101:101): a tmpfs gets the mode of the directory it covers, not
        // its owner, and the image's conf.d is 101:0.
        assert.deepEqual(plain(byName(run, "gateway").inputs.tmpfs), {
            "/etc/nginx/conf.d": "rw,nosuid,nodev,size=64m,uid=101,gid=101",
            "/tmp": "rw,nosuid,nodev,size=64m,uid=101,gid=101",
        });
        assert.deepEqual(Object.keys(plain(byName(run, "grafana").inputs.tmpfs)).sort(), ["/tmp"]);
        assert.deepEqual(Object.keys(plain(byName(run, "vault").inputs.tmpfs)).sort(), ["/tmp", "/vault/logs"]);
    });
});

describe("docker target: every container has a memory, a CPU and a process limit", () => {
    const COMMAND = "command:local:Command";
    for (const platform of ["demo", "observability", "service-mesh"]) {
        it(`on the ${platform} platform: services, one-shot runs and volume hand-overs alike`, async () => {
            const run = await runProgram({ target: "docker", platform, devMode: platform === "demo" }, { stack: "qa" });
            const commands = run.resources.filter((r) => r.type === COMMAND);
            const checked: string[] = [];
            for (const c of containers(run)) {
                const role = labels(c)["dev.slipway.role"];
                assert.ok(c.inputs.memory >= 32, `${c.name}: memory ${c.inputs.memory}`);
                assert.ok(Number(c.inputs.cpus) > 0, `${c.name}: cpus ${c.inputs.cpus}`);
                // The provider has no pids limit: the docker CLI sets it (docker-run.ts).
                if (role === "files") {
                    assert.equal(c.inputs.start, false, `${c.name} never starts, so runs no process to limit`);
                    continue;
                }
                const limit = role === "service" ? 2048 : role === "task" ? 256 : 16;
                const runner = commands.find((x) => x.name === (role === "service" ? `${c.name}-pids` : `${c.name}-run`));
                assert.ok(runner, `${c.name} has a command that caps its processes`);
                assert.ok(
                    String(runner!.inputs.create).startsWith(`docker update --pids-limit ${limit} ${c.inputs.name} >/dev/null || `),
                    `${c.name}: ${runner!.inputs.create}`,
                );
                assert.deepEqual(runner!.inputs.triggers, [`${c.name}-id`], `${c.name}: capped again when it is replaced`);
                checked.push(role);
            }
            assert.deepEqual([...new Set(checked)].sort(), platform === "demo" ? ["service", "task", "volume-init"] : ["service", "task", "volume-init"]);
        });
    }

    it("consumers start only once the processes of what they use are capped", async () => {
        const run = await runProgram({ target: "docker", platform: "demo", devMode: true }, { stack: "dev" });
        assert.ok(byName(run, "demo").dependsOn.includes("command:local:Command::postgres-pids"));
    });
});

describe("docker target: other stacks", () => {
    it("mounts host paths read-only only for types that declare host access", async () => {
        const run = await runProgram(
            {
                target: "docker",
                services: {
                    "docker-proxy": { type: "docker-proxy" },
                    cadvisor: { type: "cadvisor", uses: ["docker-proxy"] },
                    "node-exporter": { type: "node-exporter" },
                    api: { type: "app", image: "acme/api:1.0.0", port: 80 },
                },
            },
            { stack: "qa" },
        );
        const mounts = (name: string) => plain(byName(run, name).inputs.volumes).map((v: any) => `${v.hostPath}:${v.containerPath}:${v.readOnly ? "ro" : "rw"}`);
        // cAdvisor's documented `docker run` mounts, but /dev/disk and /var/run (the Docker socket:
        // it asks the Docker API proxy instead).
        assert.deepEqual(mounts("cadvisor"), ["/:/rootfs:ro", "/sys:/sys:ro", "/var/lib/docker:/var/lib/docker:ro"]);
        assert.deepEqual(mounts("docker-proxy"), ["/var/run/docker.sock:/var/run/docker.sock:ro"]);
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
        const files = filesOf(run, "vault").map((u: any) => u.file).sort();
        assert.deepEqual(files, [
            "/vault/config/ca.crt", "/vault/config/slipway-admin.hcl", "/vault/config/slipway-start.sh", "/vault/config/slipway.hcl",
            "/vault/config/tls.crt", "/vault/config/tls.key",
        ]);
        assert.match(filesOf(run, "vault").find((u: any) => u.file.endsWith("slipway.hcl"))!.content, /disable_mlock = true/);
        assert.ok(isWrappedSecret(filesCarrier(run, "vault").inputs.uploads), "the uploads carry the TLS key: a secret");
    });

    it("runs Neo4j as its own user on a volume handed to that user (no chmod as root)", async () => {
        const run = await runProgram({ target: "docker", services: { graph: { type: "neo4j" } } }, { stack: "qa" });
        const neo = byName(run, "graph");
        assert.equal(neo.inputs.user, "7474:7474");
        assert.deepEqual(byName(run, "volume-init").inputs.command, ["sh", "-c", "chown 7474:7474 /volumes/graph/data"]);
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
        const run = await runProgram({ target: "docker", bindAddress: "0.0.0.0", services: { api: { type: "app", image: "acme/api:1.0.0", port: 8080, public: true } } }, { stack: "qa" });
        assert.deepEqual(plain(byName(run, "api").inputs.ports), [{ internal: 8080, external: 8080, ip: "0.0.0.0", protocol: "tcp" }]);
        assert.equal(run.outputs.endpoints.api, "http://127.0.0.1:8080");
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

describe("docker: images", () => {
    it("pulls each image once per stack: a bootstrap task shares its service's pull", async () => {
        const run = await runStack("dev");
        const images = run.resources.filter((r) => r.type === "docker:index/remoteImage:RemoteImage").map((r) => plain(r.inputs.name));
        assert.deepEqual([...images].sort(), [...new Set(images)].sort());
        const task = run.resources.find((r) => r.type === "docker:index/container:Container" && r.name === "postgres-databases")!;
        const service = run.resources.find((r) => r.type === "docker:index/container:Container" && r.name === "postgres")!;
        assert.equal(plain(task.inputs.image), plain(service.inputs.image));
    });
});

describe("docker: replicas", () => {
    it("gives a service only its consumers reach one network for all its replicas", async () => {
        const run = await runProgram({ target: "docker", services: { "docker-proxy": { type: "docker-proxy", replicas: 2 }, cadvisor: { type: "cadvisor", uses: ["docker-proxy"] } } });
        const own = run.resources.filter((r) => r.type === "docker:index/network:Network" && r.name === "docker-proxy-network");
        assert.equal(own.length, 1);
        for (const name of ["docker-proxy-1", "docker-proxy-2"]) {
            const c = run.resources.find((r) => r.type === "docker:index/container:Container" && r.name === name)!;
            assert.deepEqual(plain(c.inputs.networksAdvanced).map((n: { name: string }) => n.name), ["slipway-test-docker-proxy"]);
        }
    });
});
