// The live tier's stand-ins, tested here without Docker: the probe that replaces the team's app
// images (test/live/standins/probe/probe.py), run against a real PostgreSQL and a real Redis with
// the connection settings the program injects, and the generic stand-in for catalog types that
// have no Debian binary (test/live/standins/generic/standin.py).
import { strict as assert } from "assert";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { appPasswordVar, POSTGRES_BOOTSTRAP } from "../components/catalog/postgres";
import { containers, envOf, runProgram } from "./harness";
import { tool } from "./tools";

// Debian's Python 3.11, which has python3-psycopg2 and python3-redis (a pyenv python3 on PATH has not).
const PYTHON = "/usr/bin/python3";
const PROBE = path.join(__dirname, "live", "standins", "probe", "probe.py");
const STANDIN = path.join(__dirname, "live", "standins", "generic", "standin.py");

function python(): string {
    const r = spawnSync(PYTHON, ["-c", "import psycopg2, redis"], { encoding: "utf8" });
    if (r.error || r.status !== 0) throw new Error(`${PYTHON} with psycopg2 and redis is needed: apt-get install python3 python3-psycopg2 python3-redis\n${r.error?.message ?? r.stderr}`);
    return PYTHON;
}

/** A TCP port nothing listens on (as far as the OS knows right now). */
function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}

interface Proc {
    child: ChildProcess;
    out: () => string;
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}
const running: Proc[] = [];

function start(cmd: string, args: string[], env: Record<string, string>): Proc {
    const child = spawn(cmd, args, { env: { PATH: "/usr/bin:/bin", ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
    const p = { child, out: () => out, exited };
    running.push(p);
    return p;
}

async function stop(p: Proc) {
    if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    await p.exited;
}
/** Stops every process a test of this file started (and not yet stopped). */
async function stopAll() {
    for (const p of running.splice(0)) await stop(p);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 15000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
        try {
            const v = await f();
            if (v !== undefined) return v;
        } catch {
            /* not yet */
        }
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await sleep(100);
    }
}

interface Answer {
    status: number;
    headers: http.IncomingHttpHeaders;
    body: string;
}
function get(port: number, p: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
        const req = http.get({ host: "127.0.0.1", port, path: p, agent: false, timeout: 10000 }, (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (d) => (body += d));
            res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
        });
        req.on("timeout", () => req.destroy(new Error("timeout")));
        req.on("error", reject);
    });
}

/** Starts the probe with `env` on a free port; resolves once it answers. */
async function probe(env: Record<string, string>): Promise<{ proc: Proc; port: number; report: () => Promise<any> }> {
    const port = await freePort();
    const proc = start(python(), [PROBE], { ...env, HTTP_PORT: String(port) });
    await until(`the probe on ${port}`, async () => (proc.child.exitCode !== null ? Promise.reject(new Error(proc.out())) : (await get(port, "/report")).status));
    return { proc, port, report: async () => JSON.parse((await get(port, "/report")).body) };
}

function plan(env: Record<string, string>): any {
    const r = spawnSync(python(), [PROBE, "--plan"], { encoding: "utf8", env: { PATH: "/usr/bin:/bin", ...env } });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout);
}

describe("the probe's plan, from what the program injects", function () {
    this.timeout(120000);
    let ac: Record<string, string>;
    let dashboard: Record<string, string>;
    before(async () => {
        ac = envOf(containers(await runProgram({ target: "docker", platform: "governance" })).find((c) => c.name === "ac")!);
        dashboard = envOf(containers(await runProgram({ target: "docker", platform: "observability" })).find((c) => c.name === "dashboard")!);
    });

    it("checks exactly the connections of governance's ac, and not its own settings (HTTP_PORT, JWT_SECRET_KEY, LOG_IGNORE_PATH)", () => {
        assert.equal(ac.HTTP_PORT, "8011", "ac's own settings are in its env");
        assert.ok(ac.JWT_SECRET_KEY);
        const out = plan(ac);
        assert.deepEqual(out, [
            { name: "OPA", kind: "http", target: "opa:8181" },
            { name: "POSTGRES", kind: "postgresql", target: "postgres:5432" },
            { name: "REDIS", kind: "redis", target: "redis:6379" },
        ]);
    });

    it("adds a denial check per database in SLIPWAY_PROBE_DENY_DATABASES, and shows no credential", () => {
        const r = spawnSync(python(), [PROBE, "--plan"], { encoding: "utf8", env: { ...ac, SLIPWAY_PROBE_DENY_DATABASES: "fv gs" } });
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(JSON.parse(r.stdout).slice(3), [
            { name: "POSTGRES:deny:fv", kind: "postgresql-deny", target: "postgres:5432/fv" },
            { name: "POSTGRES:deny:gs", kind: "postgresql-deny", target: "postgres:5432/gs" },
        ]);
        for (const secret of [ac.POSTGRES_PASSWORD, ac.REDIS_PASSWORD, ac.JWT_SECRET_KEY]) assert.ok(!r.stdout.includes(secret));
    });

    it("proves an smtp connection by TCP, and plain http ones by GET (observability's dashboard)", () => {
        assert.deepEqual(plan(dashboard), [
            { name: "DOCKER_PROXY", kind: "http", target: "docker-proxy:2375" },
            { name: "MAILHOG", kind: "tcp", target: "mailhog:1025" },
            { name: "POSTGRES", kind: "postgresql", target: "postgres:5432" },
            { name: "PROMETHEUS", kind: "http", target: "prometheus:9090" },
            { name: "REDIS", kind: "redis", target: "redis:6379" },
        ]);
    });

    it("plans nothing when it was given no connection", () => {
        assert.deepEqual(plan({ HTTP_PORT: "8002", LOG_IGNORE_PATH: "^/health/live$", ORPHAN_HOST: "x", ORPHAN_PORT: "1" }), []);
    });
});

describe("the probe, against a real PostgreSQL with two apps bootstrapped", function () {
    this.timeout(60000);
    const root = process.getuid?.() === 0;
    // initdb refuses to run as root: as root, the server runs as the postgres user.
    const asServer = (cmd: string, args: string[]) => (root ? spawnSync("runuser", ["-u", "postgres", "--", cmd, ...args], { encoding: "utf8" }) : spawnSync(cmd, args, { encoding: "utf8" }));
    let dir: string;
    let port: number;
    const admin = "admin-password-for-the-probe-test";
    const PW = { ac: "pw-for-ac-0123456789", fv: "pw-for-fv-0123456789" };
    const envFor = (app: "ac" | "fv", password: string, deny: string): Record<string, string> => ({
        POSTGRES_HOST: "127.0.0.1",
        POSTGRES_PORT: String(port),
        POSTGRES_USERNAME: app,
        POSTGRES_PASSWORD: password,
        POSTGRES_DATABASE: app,
        POSTGRES_URL: `postgresql://${app}:${password}@127.0.0.1:${port}/${app}`,
        SLIPWAY_PROBE_DENY_DATABASES: deny,
        SLIPWAY_PROBE_NAME: app,
        JWT_SECRET_KEY: "not-a-connection",
    });

    before(async () => {
        port = await freePort();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-probe-pg-"));
        fs.writeFileSync(path.join(dir, "pw"), admin);
        if (root) spawnSync("chown", ["-R", "postgres", dir]);
        const init = asServer(tool("initdb"), ["-D", path.join(dir, "data"), "-U", "slipway", "--auth=scram-sha-256", `--pwfile=${path.join(dir, "pw")}`]);
        assert.equal(init.status, 0, init.stderr);
        const started = asServer(tool("pg_ctl"), ["-D", path.join(dir, "data"), "-w", "-l", path.join(dir, "log"), "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, "start"]);
        assert.equal(started.status, 0, started.stderr);
        // The program's own bootstrap: a role and database per app, closed to PUBLIC.
        const boot = spawnSync("sh", ["-c", POSTGRES_BOOTSTRAP], {
            encoding: "utf8",
            env: { PATH: `${path.dirname(tool("psql"))}:/usr/bin:/bin`, PGHOST: "127.0.0.1", PGPORT: String(port), PGUSER: "slipway", PGDATABASE: "postgres", PGPASSWORD: admin, SLIPWAY_APPS: "ac fv", [appPasswordVar("ac")]: PW.ac, [appPasswordVar("fv")]: PW.fv },
        });
        assert.equal(boot.status, 0, boot.stderr);
    });
    afterEach(stopAll);
    after(() => {
        if (!dir) return;
        asServer(tool("pg_ctl"), ["-D", path.join(dir, "data"), "-m", "fast", "stop"]);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("proves its own database and that the other app's database refuses it; healthy; no password anywhere", async () => {
        const p = await probe({ ...envFor("ac", PW.ac, "fv"), SLIPWAY_PROBE_INTERVAL: "0.2" });
        const r = await p.report();
        assert.equal(r.app, "ac");
        assert.equal(r.ok, true, JSON.stringify(r, null, 1));
        assert.deepEqual(r.checks.map((c: any) => [c.name, c.kind, c.target, c.ok]), [
            ["POSTGRES", "postgresql", `127.0.0.1:${port}`, true],
            ["POSTGRES:deny:fv", "postgresql-deny", `127.0.0.1:${port}/fv`, true],
        ]);
        assert.match(r.checks[0].detail, /^select 1 as ac on ac; PostgreSQL 15\.\d+/);
        assert.match(r.checks[1].detail, /^refused ac on fv: .*permission denied for database "fv"/);
        const health = await get(p.port, "/health");
        assert.deepEqual([health.status, health.body], [200, "ok"]);
        assert.equal((await get(p.port, "/health/live")).status, 200);
        // One log line per check result that changed: the first round's, then nothing in the rounds after it.
        await sleep(1500);
        assert.equal(p.proc.out().split("\n").filter((l) => l.includes(": POSTGRES ")).length, 2, p.proc.out());
        assert.match(p.proc.out(), /probe ac: POSTGRES postgresql 127\.0\.0\.1:\d+ ok: select 1 as ac on ac/);
        assert.ok(!p.proc.out().includes(PW.ac) && !JSON.stringify(r).includes(PW.ac), "the password is never shown");
        // SIGTERM: it exits 0, promptly.
        const t0 = Date.now();
        p.proc.child.kill("SIGTERM");
        assert.deepEqual(await p.proc.exited, { code: 0, signal: null });
        assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms to stop`);
    });

    it("fails, and answers 503 on its health path, with a wrong password; the denial then proves nothing", async () => {
        const p = await probe(envFor("fv", "not-the-password", "ac"));
        const r = await p.report();
        assert.equal(r.ok, false);
        assert.deepEqual(r.checks.map((c: any) => [c.name, c.ok]), [["POSTGRES", false], ["POSTGRES:deny:ac", false]]);
        assert.match(r.checks[0].detail, /password authentication failed for user "fv"/);
        assert.match(r.checks[1].detail, /^RuntimeError: not a refusal: connection to server at "127\.0\.0\.1", port \d+ failed: FATAL: password authentication failed for user "fv"$/);
        const health = await get(p.port, "/healthz");
        assert.equal(health.status, 503);
        assert.match(health.body, /^failing:\nPOSTGRES postgresql 127\.0\.0\.1:\d+: OperationalError: .*password authentication failed/);
        assert.ok(!health.body.includes("not-the-password") && !JSON.stringify(r).includes("not-the-password"));
    });

    it("fails when a database it must not reach lets it in", async () => {
        // PostgreSQL's template1 keeps PUBLIC's CONNECT: the bootstrap does not close it.
        const p = await probe(envFor("fv", PW.fv, "ac template1"));
        const r = await p.report();
        assert.equal(r.ok, false);
        assert.deepEqual(r.checks.map((c: any) => [c.name, c.ok]), [["POSTGRES", true], ["POSTGRES:deny:ac", true], ["POSTGRES:deny:template1", false]]);
        assert.equal(r.checks[2].detail, "RuntimeError: fv connected to template1, which must refuse it");
        assert.equal((await get(p.port, "/health")).status, 503);
    });
});

describe("the probe, against a real Redis with a password", function () {
    this.timeout(60000);
    let port: number;
    const password = "redis-password-for-the-probe-test";
    const envFor = (pw: string): Record<string, string> => ({
        REDIS_HOST: "127.0.0.1",
        REDIS_PORT: String(port),
        REDIS_USERNAME: "default",
        REDIS_PASSWORD: pw,
        REDIS_URL: `redis://default:${pw}@127.0.0.1:${port}/0`,
        SLIPWAY_PROBE_NAME: "l01-data",
    });
    let server: Proc;
    before(async () => {
        port = await freePort();
        server = start(tool("redis-server"), ["--port", String(port), "--bind", "127.0.0.1", "--requirepass", password, "--save", "", "--appendonly", "no"], {});
        await until("redis-server", async () => (server.out().includes("Ready to accept connections") ? true : undefined));
        running.splice(running.indexOf(server), 1); // kept for the whole describe
    });
    afterEach(stopAll);
    after(() => server && stop(server));

    it("AUTHs, SETs a key of its own and GETs it back", async () => {
        const p = await probe(envFor(password));
        const r = await p.report();
        assert.equal(r.ok, true, JSON.stringify(r, null, 1));
        assert.deepEqual(r.checks.map((c: any) => [c.name, c.kind, c.target, c.ok]), [["REDIS", "redis", `127.0.0.1:${port}`, true]]);
        assert.match(r.checks[0].detail, /^SET\/GET slipway:probe:l01-data as default; Redis 7\.\d+\.\d+$/);
        // The key really is in Redis.
        const cli = spawnSync(tool("redis-cli"), ["-h", "127.0.0.1", "-p", String(port), "--no-auth-warning", "-a", password, "GET", "slipway:probe:l01-data"], { encoding: "utf8" });
        assert.match(cli.stdout.trim(), /^[0-9a-f]{16}$/);
        assert.equal((await get(p.port, "/health/live")).status, 200);
    });

    it("fails with a wrong password, and its health path answers 503", async () => {
        const p = await probe(envFor("wrong-redis-password"));
        const r = await p.report();
        assert.equal(r.ok, false);
        assert.equal(r.checks[0].ok, false);
        assert.equal(r.checks[0].detail, "ResponseError: WRONGPASS invalid username-password pair or user is disabled.");
        assert.equal((await get(p.port, "/health/live")).status, 503);
        assert.ok(!JSON.stringify(r).includes("wrong-redis-password") && !p.proc.out().includes("wrong-redis-password"));
    });
});

describe("the generic stand-in", function () {
    this.timeout(60000);
    let ports: number[];
    let standin: Proc;
    const EXPOSITION = '# HELP slipway_standin_up 1 while this Slipway stand-in serves (it is not the real service).\n# TYPE slipway_standin_up gauge\nslipway_standin_up{type="vault"} 1\n';
    before(async () => {
        ports = [await freePort(), await freePort(), await freePort()];
        standin = start(python(), [STANDIN], { SLIPWAY_STANDIN_TYPE: "vault", SLIPWAY_STANDIN_PORTS: ports.join(" ") });
        await until("the stand-in", async () => (standin.out().includes("ports:") ? true : undefined));
        running.splice(running.indexOf(standin), 1); // kept for the whole describe
    });
    afterEach(stopAll);
    after(() => standin && stop(standin));

    it("says loudly that it is a stand-in, and on which ports", () => {
        assert.match(standin.out(), /SLIPWAY STAND-IN for type 'vault': NOT the real vault/);
        assert.ok(standin.out().includes(`ports: ${ports.join(" ")}`), standin.out());
    });

    it("answers HTTP on any path of two ports with the Prometheus exposition", async () => {
        for (const [port, p] of [[ports[0], "/"], [ports[1], "/v1/sys/health?standbyok=true"], [ports[0], "/metrics"]] as const) {
            const a = await get(port, p);
            assert.deepEqual([a.status, a.headers["content-type"], a.body], [200, "text/plain; version=0.0.4", EXPOSITION], `${port}${p}`);
        }
    });

    it("accepts a TCP connection that says nothing, and closes it after about 2 s without a word", async () => {
        const t0 = Date.now();
        const got = await new Promise<{ connected: boolean; data: string }>((resolve, reject) => {
            const s = net.connect(ports[2], "127.0.0.1");
            let connected = false;
            let data = "";
            s.on("connect", () => (connected = true));
            s.on("data", (d) => (data += d));
            s.on("close", () => resolve({ connected, data }));
            s.on("error", reject);
            s.setTimeout(8000, () => s.destroy(new Error("held for 8 s")));
        });
        assert.deepEqual(got, { connected: true, data: "" });
        const held = Date.now() - t0;
        assert.ok(held >= 1500 && held < 5000, `held ${held} ms`);
    });

    it("--check exits 0 for a port it serves, 1 for a closed port and for one that never answers", async () => {
        const check = (port: number) => spawnSync(python(), [STANDIN, "--check", String(port)], { encoding: "utf8" }).status;
        assert.equal(check(ports[2]), 0);
        assert.equal(check(await freePort()), 1);
        const mute = net.createServer(() => undefined);
        await new Promise<void>((r) => mute.listen(0, "127.0.0.1", r));
        try {
            const mutePort = (mute.address() as net.AddressInfo).port;
            const r = await new Promise<number | null>((resolve) => spawn(python(), [STANDIN, "--check", String(mutePort)]).on("exit", (code) => resolve(code)));
            assert.equal(r, 1);
        } finally {
            mute.close();
        }
    });

    it("is what the probe proves http and tcp connections against", async () => {
        const closed = await freePort();
        const p = await probe({
            OPA_HOST: "127.0.0.1", OPA_PORT: String(ports[0]), OPA_URL: `http://127.0.0.1:${ports[0]}`,
            MAILHOG_HOST: "127.0.0.1", MAILHOG_PORT: String(ports[2]), MAILHOG_URL: `smtp://127.0.0.1:${ports[2]}`,
            DOCKER_PROXY_HOST: "127.0.0.1", DOCKER_PROXY_PORT: String(closed), DOCKER_PROXY_URL: `http://127.0.0.1:${closed}`,
        });
        const r = await p.report();
        assert.deepEqual(r.checks.map((c: any) => [c.name, c.kind, c.ok, c.detail.replace(/\d{4,5}/g, "N")]), [
            ["DOCKER_PROXY", "http", false, "URLError: <urlopen error [Errno 111] Connection refused>"],
            ["MAILHOG", "tcp", true, "tcp connect to 127.0.0.1:N (smtp)"],
            ["OPA", "http", true, "GET http://127.0.0.1:N -> 200"],
        ]);
        assert.equal((await get(p.port, "/")).status, 503);
    });

    it("stops on SIGTERM, exiting 0, promptly", async () => {
        const t0 = Date.now();
        standin.child.kill("SIGTERM");
        assert.deepEqual(await standin.exited, { code: 0, signal: null });
        assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
    });
});
