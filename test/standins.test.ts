// The live tier's stand-in images (test/live/standins), checked without Docker: which stand-in
// replaces each catalog image, and the contract scripts they run in place of the official images'
// entrypoints, run here against the real tools (PostgreSQL 15's server, nginx, envsubst).
import { strict as assert } from "assert";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CATALOG } from "../components/catalog";
import { nginxTemplate } from "../components/generated/nginx";
import { standinFor } from "./live/standins";
import { withLock } from "./live/standins/engine";
import { tool } from "./tools";

const STANDINS = path.join(__dirname, "live", "standins");

describe("stand-ins: which one replaces each catalog image", () => {
    it("maps the catalog's pinned images to their Debian stand-ins, the rest to generic", () => {
        const byType = Object.fromEntries(Object.values(CATALOG).map((t) => [t.type, standinFor(t.image).name]));
        assert.deepEqual(
            Object.fromEntries(Object.entries(byType).filter(([, name]) => name !== "generic")),
            {
                alertmanager: "alertmanager", nginx: "nginx", "node-exporter": "node-exporter", postgres: "postgres",
                "postgres-exporter": "postgres-exporter", prometheus: "prometheus", redis: "redis", "redis-exporter": "redis-exporter",
            },
        );
        assert.equal(byType.vault, "generic");
        assert.equal(byType.grafana, "generic");
    });

    it("reads any spelling of a reference: tag, digest, docker.io/library, the unit tests' sha256: ids", () => {
        assert.deepEqual(standinFor("postgres:16.10-alpine"), { kind: "real", name: "postgres", label: "Debian postgresql 15 (stand-in)" });
        assert.equal(standinFor("docker.io/library/postgres:16@sha256:" + "a".repeat(64)).name, "postgres");
        assert.equal(standinFor("sha256:redis:7.4.3-alpine").name, "redis");
        assert.equal(standinFor("busybox:1.37.0").name, "busybox");
        assert.deepEqual(standinFor("mendhak/http-https-echo:37"), { kind: "probe", name: "probe", label: "probe app (stand-in)" });
        assert.deepEqual(standinFor("localhost:5000/team/api:1.2"), { kind: "generic", name: "generic", label: "generic stand-in for localhost:5000/team/api:1.2: ports and health only" });
        // The official nginx image (root, port 80) is not the unprivileged one the catalog pins.
        assert.equal(standinFor("nginx:1.27").kind, "generic");
    });

    it("has a Dockerfile on the base image for every stand-in", () => {
        for (const name of ["postgres", "redis", "nginx", "prometheus", "alertmanager", "node-exporter", "postgres-exporter", "redis-exporter", "busybox", "probe", "generic"]) {
            const file = [path.join(STANDINS, name, "Dockerfile"), path.join(STANDINS, `${name}.Dockerfile`)].find((f) => fs.existsSync(f));
            assert.ok(file, `no Dockerfile for ${name}`);
            assert.match(fs.readFileSync(file, "utf8"), /^ARG BASE\nFROM \$\{BASE\}$/m, file);
        }
    });
});

describe("stand-ins: the base image's lock", () => {
    it("lets one holder in at a time, and takes over a lock whose holder is gone", async () => {
        const name = `slipway-standin-test-${process.pid}`;
        const events: string[] = [];
        const hold = (who: string) => withLock(name, async () => {
            events.push(`${who} in`);
            await new Promise((r) => setTimeout(r, 300));
            events.push(`${who} out`);
        });
        await Promise.all([hold("a"), hold("b")]);
        assert.deepEqual(events, ["a in", "a out", "b in", "b out"]);
        // A lock left by a process that no longer exists (pid 2^22 + 1 is above pid_max's default).
        const lock = path.join(os.tmpdir(), `${name}.lock`);
        fs.mkdirSync(lock);
        fs.writeFileSync(path.join(lock, "pid"), "4194305");
        const started = Date.now();
        assert.equal(await withLock(name, async () => "taken"), "taken");
        assert.ok(Date.now() - started < 2000, "a stale lock is taken over at once");
        assert.equal(fs.existsSync(lock), false);
    });
});

// docker-library/postgres docker-entrypoint.sh, https://hub.docker.com/_/postgres ("Environment
// Variables", "Initialization scripts"): initdb with POSTGRES_USER as superuser and
// POSTGRES_PASSWORD, `host all all all scram-sha-256`, listen_addresses '*', POSTGRES_DB created,
// /docker-entrypoint-initdb.d run once, then exec postgres; an initialised PGDATA is left alone.
describe("stand-ins: the postgres entrypoint, with a real PostgreSQL 15 server", function () {
    this.timeout(120000);
    const root = process.getuid?.() === 0;
    // The server refuses to run as root: as root, everything runs as the postgres user.
    const as = (args: string[]) => (root ? ["runuser", ["-u", "postgres", "--", ...args]] : [args[0], args.slice(1)]) as [string, string[]];
    const port = String(55000 + (process.pid % 900));
    // A non-loopback address: initdb's own pg_hba.conf trusts 127.0.0.1 and ::1 (as in the
    // official image), so only a connection from elsewhere meets the entrypoint's scram rule.
    const ip = Object.values(os.networkInterfaces()).flat().find((a) => a && a.family === "IPv4" && !a.internal)?.address;
    let dir: string;
    let bin: string;
    let server: ChildProcess | undefined;
    let output = "";

    const env = (password: string) => [
        `PATH=${bin}:/usr/sbin:/usr/bin:/sbin:/bin`, "LANG=C.UTF-8", `PGDATA=${dir}/volume/pgdata`, `PGPORT=${port}`,
        "POSTGRES_USER=slipway", "POSTGRES_DB=app", `POSTGRES_PASSWORD=${password}`, `STANDIN_INITDB_D=${dir}/initdb.d`,
    ];
    /** The entrypoint with CMD `postgres`, listening on `ip` only; resolves once it accepts connections. */
    async function start(password: string): Promise<void> {
        output = "";
        const [cmd, args] = as(["env", "-i", ...env(password), "bash", `${dir}/docker-entrypoint.sh`, "postgres", "-c", `listen_addresses=${ip}`]);
        server = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
        server.stdout!.on("data", (d) => (output += d));
        server.stderr!.on("data", (d) => (output += d));
        for (let i = 0; i < 120; i++) {
            // Only the final server listens on TCP: the setup's temporary one is socket-only.
            if (spawnSync(path.join(bin, "pg_isready"), ["-q", "-h", ip!, "-p", port]).status === 0) return;
            if (server.exitCode !== null) break;
            await new Promise((r) => setTimeout(r, 250));
        }
        throw new Error(`the entrypoint did not start a server:\n${output}`);
    }
    async function stop(): Promise<void> {
        if (!server || server.exitCode !== null) return;
        const exited = new Promise((r) => server!.once("exit", r));
        const [cmd, args] = as([path.join(bin, "pg_ctl"), "-D", `${dir}/volume/pgdata`, "-m", "fast", "-w", "stop"]);
        spawnSync(cmd, args);
        await exited;
    }
    const psql = (user: string, password: string, db: string, sql: string) =>
        spawnSync(path.join(bin, "psql"), ["-h", ip!, "-p", port, "-U", user, "-d", db, "-tAc", sql], { encoding: "utf8", env: { PGPASSWORD: password, PGCONNECT_TIMEOUT: "5" } });
    const ok = (r: ReturnType<typeof psql>) => {
        assert.equal(r.status, 0, r.stderr);
        return r.stdout.trim();
    };

    before(function () {
        assert.ok(ip, "these tests need a non-loopback IPv4 address to connect from");
        // Where initdb really is (a machine may link it into /usr/local/bin): the server's bin directory.
        bin = path.dirname(fs.realpathSync(tool("initdb")));
        assert.match(spawnSync(path.join(bin, "postgres"), ["--version"], { encoding: "utf8" }).stdout, /\(PostgreSQL\) 15\./, "the stand-in runs PostgreSQL 15");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-standin-pg-"));
        fs.copyFileSync(path.join(STANDINS, "postgres", "docker-entrypoint.sh"), `${dir}/docker-entrypoint.sh`);
        fs.mkdirSync(`${dir}/volume`);
        fs.mkdirSync(`${dir}/initdb.d`);
        // Init scripts as the docs describe them: *.sql run with psql against POSTGRES_DB, a
        // non-executable *.sh sourced, so it can call the entrypoint's docker_process_sql.
        fs.writeFileSync(`${dir}/initdb.d/10-seed.sql`, "CREATE TABLE seeded (v text); INSERT INTO seeded VALUES ('from initdb.d');\n");
        fs.writeFileSync(`${dir}/initdb.d/20-role.sh`, `docker_process_sql <<<'CREATE ROLE from_sh'\n`, { mode: 0o644 });
        if (root) spawnSync("chown", ["-R", "postgres", dir]);
        // The temporary server and psql meet on the default socket directory, as in the image.
        const [cmd, args] = as(["test", "-w", "/var/run/postgresql"]);
        assert.equal(spawnSync(cmd, args).status, 0, `${root ? "the postgres user" : "this user"} must be able to write /var/run/postgresql (Debian's postgresql package makes it)`);
    });
    afterEach(stop);
    after(async () => {
        await stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("refuses to initialise without POSTGRES_PASSWORD, and leaves PGDATA uninitialised", () => {
        const [cmd, args] = as(["env", "-i", ...env(""), "bash", `${dir}/docker-entrypoint.sh`, "postgres"]);
        const r = spawnSync(cmd, args, { encoding: "utf8" });
        assert.equal(r.status, 1);
        assert.match(r.stderr, /Database is uninitialized and superuser password is not specified/);
        assert.equal(fs.existsSync(`${dir}/volume/pgdata/PG_VERSION`), false);
    });

    it("initialises: POSTGRES_USER is the superuser, with a SCRAM password, POSTGRES_DB exists, init scripts ran", async () => {
        await start("first-password");
        assert.match(output, /PostgreSQL init process complete; ready for start up\./);
        assert.equal(ok(psql("slipway", "first-password", "app", "SELECT current_user, current_database(), (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)")), "slipway|app|t");
        assert.equal(ok(psql("slipway", "first-password", "app", "SELECT pg_get_userbyid(datdba), pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'app'")), "slipway|UTF8");
        assert.equal(ok(psql("slipway", "first-password", "app", "SELECT left(rolpassword, 14) FROM pg_authid WHERE rolname = 'slipway'")), "SCRAM-SHA-256$");
        // initdb made no `postgres` role: POSTGRES_USER replaced it.
        assert.equal(ok(psql("slipway", "first-password", "app", "SELECT count(*) FROM pg_roles WHERE rolname IN ('postgres', 'from_sh')")), "1");
        assert.equal(ok(psql("slipway", "first-password", "app", "SELECT v FROM seeded")), "from initdb.d");
        const wrong = psql("slipway", "not-the-password", "app", "SELECT 1");
        assert.equal(wrong.status, 2);
        assert.match(wrong.stderr, /password authentication failed for user "slipway"/);
        const hba = fs.readFileSync(`${dir}/volume/pgdata/pg_hba.conf`, "utf8").trim().split("\n");
        assert.equal(hba[hba.length - 1], "host all all all scram-sha-256");
        assert.match(fs.readFileSync(`${dir}/volume/pgdata/postgresql.conf`, "utf8"), /^listen_addresses = '\*'$/m);
    });

    it("starts again on the initialised PGDATA without initialising it again", async () => {
        // A different POSTGRES_PASSWORD on the second start changes nothing, as in the image.
        await start("second-password");
        assert.match(output, /PostgreSQL Database directory appears to contain a database; Skipping initialization/);
        assert.doesNotMatch(output, /init process complete|running .*10-seed\.sql/);
        assert.equal(ok(psql("slipway", "first-password", "app", "SELECT count(*) FROM seeded")), "1");
        assert.match(psql("slipway", "second-password", "app", "SELECT 1").stderr, /password authentication failed/);
    });
});

// nginxinc/docker-nginx entrypoint/docker-entrypoint.sh, 15-local-resolvers.envsh and
// 20-envsubst-on-templates.sh; https://hub.docker.com/_/nginx ("Using environment variables in
// nginx configuration"): each templates/*.template is rendered to conf.d/ with envsubst,
// substituting only variables defined in the environment; NGINX_ENTRYPOINT_LOCAL_RESOLVERS
// exports NGINX_LOCAL_RESOLVERS from /etc/resolv.conf, IPv6 in brackets.
describe("stand-ins: the nginx entrypoint, rendering templates for the real nginx", () => {
    let dir: string;
    before(() => {
        assert.equal(spawnSync("sh", ["-c", "command -v envsubst"]).status, 0, "envsubst is not installed: apt-get install gettext-base");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-standin-nginx-"));
        for (const d of ["entrypoint.d", "templates", "conf.d"]) fs.mkdirSync(path.join(dir, d));
        for (const f of ["15-local-resolvers.envsh", "20-envsubst-on-templates.sh"]) {
            fs.copyFileSync(path.join(STANDINS, "nginx", f), path.join(dir, "entrypoint.d", f));
            fs.chmodSync(path.join(dir, "entrypoint.d", f), 0o755);
        }
        fs.writeFileSync(path.join(dir, "resolv.conf"), "search example.internal\nnameserver 10.0.0.2\nnameserver fd00::53\noptions ndots:0\n");
        // The program's own template (components/generated/nginx.ts), and one probing the rules.
        fs.writeFileSync(path.join(dir, "templates", "default.conf.template"), nginxTemplate(8080, [{ name: "demo", port: 8080 }]));
        fs.writeFileSync(path.join(dir, "templates", "probe.conf.template"), "# ${DEMO_URL} $DEMO_HOST ${UNDEFINED_VAR} $host\n");
        // The stand-in's nginx.conf with its absolute paths moved into the test directory.
        const conf = fs.readFileSync(path.join(STANDINS, "nginx", "nginx.conf"), "utf8")
            .replace(/\/tmp\//g, `${dir}/`).replace(/\/var\/log\/nginx\//g, `${dir}/`).replace("/etc/nginx/conf.d/", `${dir}/conf.d/`);
        fs.writeFileSync(path.join(dir, "nginx.conf"), conf);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const entrypoint = (args: string[], extra: Record<string, string>) =>
        spawnSync("sh", [path.join(STANDINS, "nginx", "docker-entrypoint.sh"), ...args], {
            encoding: "utf8",
            env: {
                PATH: `${path.dirname(tool("nginx"))}:/usr/sbin:/usr/bin:/sbin:/bin`,
                STANDIN_ENTRYPOINT_D: path.join(dir, "entrypoint.d"), STANDIN_RESOLV_CONF: path.join(dir, "resolv.conf"),
                NGINX_ENVSUBST_TEMPLATE_DIR: path.join(dir, "templates"), NGINX_ENVSUBST_OUTPUT_DIR: path.join(dir, "conf.d"),
                DEMO_HOST: "demo", DEMO_PORT: "8080", DEMO_URL: "http://demo:8080",
                ...extra,
            },
        });
    const nginxT = () => ["nginx", "-t", "-e", "stderr", "-p", `${dir}/`, "-c", path.join(dir, "nginx.conf")];

    it("renders the program's template with the resolvers of resolv.conf, and nginx -t accepts the result", () => {
        const r = entrypoint(nginxT(), { NGINX_ENTRYPOINT_LOCAL_RESOLVERS: "1" });
        assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
        assert.match(r.stdout, /Sourcing .*\/15-local-resolvers\.envsh/);
        assert.match(r.stdout, /Running envsubst on .*\/templates\/default\.conf\.template to .*\/conf\.d\/default\.conf/);
        assert.match(r.stderr, /configuration file .*nginx\.conf test is successful/);
        const rendered = fs.readFileSync(path.join(dir, "conf.d", "default.conf"), "utf8");
        assert.match(rendered, /^resolver 10\.0\.0\.2 \[fd00::53\] valid=10s ipv6=off;$/m);
        // nginx's own variables are not in the environment: they stay for nginx.
        assert.match(rendered, /^ {8}set \$upstream_demo demo:8080;$/m);
        assert.match(rendered, /^ {8}proxy_pass http:\/\/\$upstream_demo;$/m);
        assert.match(rendered, /^ {8}proxy_set_header Host \$host;$/m);
        assert.equal(fs.readFileSync(path.join(dir, "conf.d", "probe.conf"), "utf8"), "# http://demo:8080 demo ${UNDEFINED_VAR} $host\n");
    });

    it("without NGINX_ENTRYPOINT_LOCAL_RESOLVERS leaves ${NGINX_LOCAL_RESOLVERS} unrendered, which nginx -t refuses", () => {
        const r = entrypoint(nginxT(), {});
        assert.equal(r.status, 1, `${r.stdout}\n${r.stderr}`);
        assert.match(fs.readFileSync(path.join(dir, "conf.d", "default.conf"), "utf8"), /^resolver \$\{NGINX_LOCAL_RESOLVERS\} valid=10s ipv6=off;$/m);
        assert.match(r.stderr, /\[emerg\] .*NGINX_LOCAL_RESOLVERS/);
    });

    it("configures nothing for a command other than nginx, and runs it", () => {
        fs.rmSync(path.join(dir, "conf.d", "default.conf"));
        const r = entrypoint(["echo", "just this"], { NGINX_ENTRYPOINT_LOCAL_RESOLVERS: "1" });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stdout, "just this\n");
        assert.equal(fs.existsSync(path.join(dir, "conf.d", "default.conf")), false);
    });
});
