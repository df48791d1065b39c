// The live tier: four platforms replayed on a real Docker engine (test/live/replay.ts), each
// service started from its real image or a stand-in, and every consumer proving its connections
// with the credentials it was given. Run by scripts/test-live.sh, which provides the engine.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as net from "net";
import * as path from "path";
import { checkEndpoint, inPlatform } from "../../scripts/lib/verify";
import { containers, envOf, Run, runProgram, runStack, ROOT } from "../harness";
import { probeReport, prometheusTargets, prometheusValue, Row, ROWS, rows, table } from "./checks";
import { adaptFor, DenyList, docker, resolveImage } from "./engine";
import { execIn, healthOf, until } from "./exec";
import { leftovers, replay, Replayed, teardown } from "./replay";

const log = (line: string) => process.env.SLIPWAY_LIVE_VERBOSE === "1" && console.log(`      ${line}`);

/** The databases of the other apps on each app's postgres: what its login must be refused. */
function denyList(run: Run): DenyList {
    const apps = containers(run).filter((c) => c.inputs.labels?.some((l: any) => l.label === "dev.slipway.type" && l.value === "app"));
    const dbs = apps.flatMap((c) => {
        const env = envOf(c);
        return Object.keys(env).filter((k) => k.endsWith("_DATABASE")).map((k) => ({ app: c.name, server: env[k.replace(/_DATABASE$/, "_HOST")], db: env[k] }));
    });
    return Object.fromEntries(apps.map((a) => [a.name, dbs.filter((d) => d.app !== a.name && dbs.some((m) => m.app === a.name && m.server === d.server)).map((d) => d.db)]));
}

/** Deploys a platform, and checks it the way a user would after `up`. */
function platformSuite(platform: string, stack: string, evaluate: () => Promise<Run>, extra?: (ctx: { run: Run; replayed: Replayed; table: Row[] }) => void) {
    describe(`${platform} (stack ${stack})`, () => {
        const ctx = {} as { run: Run; replayed: Replayed; table: Row[] };
        before(async () => {
            await teardown(docker, stack);
            ctx.run = await evaluate();
            ctx.replayed = await replay(ctx.run, { docker, resolveImage: (n) => resolveImage(n, log), adapt: adaptFor(denyList(ctx.run)), log });
            ctx.table = await rows(docker, platform, ctx.replayed);
            ROWS.push(...ctx.table);
        });

        it("creates every container, network and volume, and every one-shot run succeeds", () => {
            assert.deepEqual(Object.fromEntries(ctx.replayed.failures), {});
            for (const [name, status] of ctx.replayed.runs) assert.equal(status, 0, name);
        });

        it("starts every service and every one becomes healthy by its own health check", () => {
            const bad = ctx.table.filter((r) => !r.started || !r.healthy).map((r) => r.service);
            assert.deepEqual(bad, []);
        });

        it("runs every container with memory, CPU and process limits, and a root filesystem that refuses writes where it is read-only", async () => {
            const wrong: string[] = [];
            let readOnly = 0;
            for (const c of ctx.replayed.containers.values()) {
                const container = docker.getContainer(c.id);
                const info = await container.inspect();
                const h = info.HostConfig;
                if (!((h.Memory ?? 0) > 0 && (h.NanoCpus ?? 0) > 0)) wrong.push(`${c.name}: memory ${h.Memory}, NanoCpus ${h.NanoCpus}`);
                // The process limit comes from `docker update --pids-limit` (the provider has none);
                // a holder of files is never started and runs no process.
                if (c.role !== "files" && !((h.PidsLimit ?? 0) > 0)) wrong.push(`${c.name}: no process limit`);
                if (h.ReadonlyRootfs !== (c.inputs.readOnly ?? false)) wrong.push(`${c.name}: ReadonlyRootfs ${h.ReadonlyRootfs}`);
                if (c.role === "service" && h.ReadonlyRootfs && info.State.Running) {
                    // An image without a shell (OPA's static one) cannot be asked; every stand-in has one.
                    const r = await execIn(container, ["sh", "-c", "touch /slipway-live-probe"]).catch(() => undefined);
                    if (!r || /executable file not found|no such file or directory: unknown/i.test(r.stderr)) continue;
                    readOnly++;
                    if (r.code === 0 || !/read-only file system/i.test(r.stderr)) wrong.push(`${c.name}: wrote to its root (${r.code} ${r.stderr.trim()})`);
                }
            }
            assert.deepEqual(wrong, []);
            assert.ok(readOnly > 0, "some service runs read-only");
        });

        it("every app proves each of its connections, and is refused the other apps' databases", async () => {
            const apps = [...ctx.replayed.containers.values()].filter((c) => c.role === "service" && c.image.kind === "probe");
            assert.ok(apps.length > 0);
            const failed: string[] = [];
            for (const app of apps) {
                const report = await until(`${app.service}'s report`, 60, async () => {
                    const r = await probeReport(docker, app);
                    return r.ok ? r : undefined;
                }).catch(async () => probeReport(docker, app));
                const row = ctx.table.find((r) => r.service === app.service)!;
                for (const c of report.checks) {
                    row.connections[c.name.toLowerCase()] = { ok: c.ok, how: c.kind === "deny" ? `refused ${c.target}` : c.detail };
                    if (!c.ok) failed.push(`${app.service} -> ${c.name}: ${c.detail}`);
                }
            }
            assert.deepEqual(failed, []);
        });

        it("Prometheus reports up == 1 for every target it scrapes, exporters included", async () => {
            const url = ctx.run.outputs.endpoints.prometheus;
            assert.ok(url && !inPlatform(url), "prometheus is public");
            const targets = await until("every target up", 120, async () => {
                const t = await prometheusTargets(url);
                return Object.keys(t).length > 0 && Object.values(t).every((h) => h === "up") ? t : undefined;
            }).catch(async (e) => {
                throw new Error(`${(e as Error).message}: ${JSON.stringify(await prometheusTargets(url))}`);
            });
            const prom = ctx.table.find((r) => r.service === "prometheus")!;
            for (const job of Object.keys(targets)) prom.connections[job] = { ok: true, how: "scraped, up 1" };
            for (const [exporter, metric] of [["postgres-exporter", "pg_up"], ["redis-exporter", "redis_up"]]) {
                const row = ctx.table.find((r) => r.service === exporter);
                if (!row) continue;
                const value = await prometheusValue(url, `${metric}{job="${exporter}"}`);
                const used = exporter.replace("-exporter", "");
                row.connections[used] = { ok: value === 1, how: `${metric} = ${value}` };
                assert.equal(value, 1, `${exporter} reaches ${used} with its generated credentials`);
            }
        });

        it("published ports answer on 127.0.0.1, and nginx reaches the apps it routes to", async () => {
            const pub = Object.entries(ctx.run.outputs.endpoints).filter(([, url]) => !inPlatform(url));
            assert.ok(pub.length > 0);
            for (const [service, url] of pub) {
                assert.equal(new URL(url).hostname, "127.0.0.1", service);
                const check = await checkEndpoint(service, url);
                assert.ok(check.ok, `${service} ${url}: ${check.detail}`);
            }
            const nginx = [...ctx.replayed.containers.values()].find((c) => c.role === "service" && c.type === "nginx");
            if (!nginx) return;
            const row = ctx.table.find((r) => r.service === nginx.service)!;
            // nginx routes /<app>/ to every app it uses; those are the hosts it was given.
            const env = envOf(containers(ctx.run).find((c) => c.name === nginx.logical)!);
            const apps = Object.entries(env).filter(([k]) => k.endsWith("_HOST")).map(([, v]) => v);
            assert.ok(apps.length > 0);
            for (const app of apps) {
                const r = await execIn(docker.getContainer(nginx.id), ["wget", "-q", "-O", "-", `http://127.0.0.1:8080/${app}/report`]);
                row.connections[app] = { ok: r.code === 0, how: r.code === 0 ? `proxied /${app}/` : r.stderr.trim() };
                assert.equal(r.code, 0, `nginx -> ${app}: ${r.stderr}`);
            }
        });

        it("scripts/verify.sh's check passes against the live stack", () => {
            const busybox = [...ctx.replayed.containers.values()].find((c) => c.role === "volume-init")?.image.ref;
            const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "scripts/verify.ts")], {
                input: JSON.stringify(ctx.run.outputs.endpoints),
                env: { ...process.env, SLIPWAY_STACK: stack, SLIPWAY_VERIFY_IMAGE: busybox ?? "" },
                encoding: "utf8",
                cwd: ROOT,
            });
            assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
            assert.match(r.stdout, /(\d+) of \1 endpoints answered/);
        });

        if (extra) extra(ctx);

        after(async () => {
            if (process.env.SLIPWAY_LIVE_KEEP !== "1") await teardown(docker, stack);
        });
    });
}

describe("live: platforms on a real Docker engine", function () {
    this.timeout(30 * 60_000);

    describe("the preflight, before the dev stack is up", () => {
        it("catches a host port another process already holds", async () => {
            await teardown(docker, "dev");
            const server = net.createServer();
            await new Promise<void>((r) => server.listen(9090, "127.0.0.1", r));
            try {
                const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(ROOT, "scripts/preflight.ts"), "dev"], { encoding: "utf8", cwd: ROOT });
                assert.equal(r.status, 1, r.stdout + r.stderr);
                assert.match(r.stdout, /^✗ 127\.0\.0\.1:9090, the host port of prometheus:9090, is already in use by another process$/m);
            } finally {
                server.close();
            }
        });
    });

    platformSuite("demo", "dev", () => runStack("dev", { stableSecrets: true }), (ctx) => {
        it("a killed service comes back by its restart policy", async () => {
            const redis = ctx.replayed.containers.get("redis")!;
            const before = await healthOf(docker.getContainer(redis.id));
            process.kill(before.pid, "SIGKILL");
            const after = await until("redis restarted and healthy", 120, async () => {
                const h = await healthOf(docker.getContainer(redis.id));
                return h.restarts > before.restarts && h.health === "healthy" ? h : undefined;
            });
            assert.ok(after.restarts > before.restarts);
        });

        it("postgres keeps its data across a restart", async () => {
            const pg = docker.getContainer(ctx.replayed.containers.get("postgres")!.id);
            const psql = (sql: string) => execIn(pg, ["psql", "-h", "127.0.0.1", "-U", "slipway", "-d", "app", "-tAc", sql], [`PGPASSWORD=${ctx.run.outputs.credentials.postgres.password}`]);
            const made = await psql("CREATE TABLE IF NOT EXISTS live_check (v text); INSERT INTO live_check VALUES ('kept');");
            assert.equal(made.code, 0, made.stderr);
            await pg.restart();
            await until("postgres healthy again", 120, async () => ((await healthOf(pg)).health === "healthy" ? true : undefined));
            const read = await psql("SELECT v FROM live_check");
            assert.equal(read.stdout.trim(), "kept", read.stderr);
        });

        it("a second up changes nothing, and the bootstrap tasks are safe to run again", async () => {
            const again = await replay(await runStack("dev", { stableSecrets: true }), { docker, resolveImage: (n) => resolveImage(n, log), adapt: adaptFor(denyList(ctx.run)), log, again: true });
            assert.deepEqual(Object.fromEntries(again.changed), {});
            assert.deepEqual(Object.fromEntries(again.failures), {});
            for (const task of ["postgres-databases", "vault-bootstrap"]) {
                const c = ctx.replayed.containers.get(task)!;
                if (c.adapted.length) continue; // a generic stand-in's task is skipped
                const r = spawnSync("docker", ["start", "--attach", c.name], { encoding: "utf8" });
                assert.equal(r.status, 0, `${task} again: ${r.stderr}`);
            }
            const demo = ctx.replayed.containers.get("demo")!;
            assert.equal((await probeReport(docker, demo)).ok, true, "the app still proves every connection");
        });

        it("teardown leaves no labelled container, volume or network", async () => {
            await teardown(docker, "dev");
            assert.deepEqual(await leftovers(docker, "dev"), []);
        });
    });

    platformSuite("governance", "live-governance", () => runProgram({ target: "docker", platform: "governance" }, { stack: "live-governance", stableSecrets: true }));
    platformSuite("agent-layers", "live-agents", () => runProgram({ target: "docker", platform: "agent-layers" }, { stack: "live-agents", stableSecrets: true }));
    platformSuite("observability", "live-observability", () => runProgram({ target: "docker", platform: "observability" }, { stack: "live-observability", stableSecrets: true }), (ctx) => {
        it("the Docker API proxy answers its consumers only: a service that does not use it cannot reach it", async () => {
            const service = (name: string) => [...ctx.replayed.containers.values()].find((c) => c.role === "service" && c.service === name)!;
            const ping = (name: string) => execIn(docker.getContainer(service(name).id), ["wget", "-q", "-T", "3", "-O", "-", "http://docker-proxy:2375/_ping"]);
            // nginx is on the stack's network only; the dashboard uses the proxy and joins its own.
            const outsider = await ping("nginx");
            assert.notEqual(outsider.code, 0, `nginx reached docker-proxy: ${outsider.stdout}`);
            const consumer = await ping("dashboard").catch(() => undefined);
            // The probe image may lack wget; its own report proves the connection (DOCKER_PROXY_URL) above.
            if (consumer && !/executable file not found/.test(consumer.stderr)) assert.equal(consumer.code, 0, consumer.stderr);
        });
    });

    describe("a bootstrap task that exits non-zero", () => {
        it("fails its run and stops its consumers: they are never created", async () => {
            await teardown(docker, "live-fail");
            const run = await runProgram({ target: "docker", platform: "demo", devMode: true }, { stack: "live-fail" });
            const task = run.resources.find((r) => r.type === "docker:index/container:Container" && r.name === "postgres-databases")!;
            task.inputs = { ...task.inputs, entrypoints: ["/bin/sh", "-c", "echo 'the bootstrap failed' >&2; exit 3"] };
            try {
                const replayed = await replay(run, { docker, resolveImage: (n) => resolveImage(n, log), adapt: adaptFor({}), log });
                assert.match(replayed.failures.get("postgres-databases-run") ?? "", /^exit status 3: slipway-live-fail-postgres-databases exited with status 3; its output: docker logs slipway-live-fail-postgres-databases$/);
                assert.equal(replayed.runs.get("postgres-databases-run"), 3);
                assert.ok(!replayed.containers.has("demo"), "the app that uses postgres is not created");
                assert.match(replayed.failures.get("demo") ?? "", /^skipped: .*postgres-databases-run/);
                assert.ok(replayed.containers.has("postgres"), "postgres itself runs");
            } finally {
                await teardown(docker, "live-fail");
            }
        });
    });

    after(() => {
        console.log(`\n${table(ROWS)}\n`);
    });
});
