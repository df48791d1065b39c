// Bootstrap jobs: what they run (against a real PostgreSQL, and a stub of Vault's CLI), and how
// each target wires them (after their service, before its consumers, with only the access they need).
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { appPasswordVar, POSTGRES_BOOTSTRAP } from "../components/catalog/postgres";
import { consumerTokenVar, VAULT_BOOTSTRAP } from "../components/catalog/vault";
import { asProgramSays } from "./bad-configs";
import { containers, envOf, isWrappedSecret, plain, plainTextLeaks, Recorded, Run, runExpectingError, runProgram, runStack } from "./harness";
import { restrictedViolations } from "../policy/restricted";
import { tool } from "./tools";

const CONTAINER = "docker:index/container:Container";
const COMMAND = "command:local:Command";
const JOB = "kubernetes:batch/v1:Job";
const role = (c: Recorded) => (c.inputs.labels ?? []).find((l: any) => l.label === "dev.slipway.role")?.value;


describe("postgres bootstrap, against a real PostgreSQL server", function () {
    this.timeout(60000);
    const root = process.getuid?.() === 0;
    // initdb refuses to run as root: as root, the server runs as the postgres user.
    const asServer = (cmd: string, args: string[]) => (root ? spawnSync("runuser", ["-u", "postgres", "--", cmd, ...args], { encoding: "utf8" }) : spawnSync(cmd, args, { encoding: "utf8" }));
    let dir: string;
    const port = String(54000 + (process.pid % 900));
    const admin = "admin-password-for-the-test";
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-pg-"));
        fs.writeFileSync(path.join(dir, "pw"), admin);
        if (root) spawnSync("chown", ["-R", "postgres", dir]);
        const init = asServer(tool("initdb"), ["-D", path.join(dir, "data"), "-U", "slipway", "--auth=scram-sha-256", `--pwfile=${path.join(dir, "pw")}`]);
        assert.equal(init.status, 0, init.stderr);
        const start = asServer(tool("pg_ctl"), ["-D", path.join(dir, "data"), "-w", "-l", path.join(dir, "log"), "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`, "start"]);
        assert.equal(start.status, 0, start.stderr);
    });
    after(() => {
        asServer(tool("pg_ctl"), ["-D", path.join(dir, "data"), "-m", "fast", "stop"]);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const env = { PATH: process.env.PATH!, PGHOST: "127.0.0.1", PGPORT: port };
    const bootstrap = () =>
        spawnSync("sh", ["-c", POSTGRES_BOOTSTRAP], {
            encoding: "utf8",
            env: { ...env, PGUSER: "slipway", PGDATABASE: "postgres", PGPASSWORD: admin, SLIPWAY_APPS: "l01-data api", [appPasswordVar("l01-data")]: "pw-l01", [appPasswordVar("api")]: "pw-api" },
        });
    const psql = (user: string, password: string, db: string, sql: string) =>
        spawnSync(tool("psql"), ["-tAc", sql], { encoding: "utf8", env: { ...env, PGUSER: user, PGPASSWORD: password, PGDATABASE: db } });

    it("gives each app a role and a database of its own, and can run again", () => {
        for (let i = 0; i < 2; i++) {
            const r = bootstrap();
            assert.equal(r.status, 0, r.stderr);
            assert.match(r.stdout, /database and role for: l01-data api/);
        }
        const me = psql("l01_data", "pw-l01", "l01_data", "select current_user || '@' || current_database()");
        assert.equal(me.status, 0, me.stderr);
        assert.equal(me.stdout.trim(), "l01_data@l01_data");
        // The app owns its database: it can make its schema there.
        assert.equal(psql("l01_data", "pw-l01", "l01_data", "create table t (id int); select 1").status, 0);
    });

    it("closes each app's database to the other apps, and checks passwords", () => {
        const other = psql("api", "pw-api", "l01_data", "select 1");
        assert.notEqual(other.status, 0);
        assert.match(other.stderr, /permission denied|CONNECT privilege/);
        assert.notEqual(psql("api", "wrong", "api", "select 1").status, 0);
        assert.equal(psql("api", "pw-api", "api", "select 1").status, 0);
    });

    it("closes the admin databases (postgres, and app, the image's POSTGRES_DB) to the apps, not to the admin", () => {
        assert.equal(psql("slipway", admin, "postgres", "create database app").status, 0);
        assert.equal(bootstrap().status, 0);
        for (const db of ["postgres", "app"]) {
            const r = psql("api", "pw-api", db, "select 1");
            assert.notEqual(r.status, 0, db);
            assert.match(r.stderr, /permission denied for database/);
            assert.equal(psql("slipway", admin, db, "select 1").status, 0);
        }
    });
});

describe("vault bootstrap, against a stub vault CLI", () => {
    // The stub answers as Vault's CLI does for what the script uses, and records each change.
    const STUB = `#!/bin/sh
S="$STUB_STATE"
case "$1 $2" in
  "status ") exit 0 ;;
  "secrets list") cat "$S/mounts" 2>/dev/null ;;
  "secrets enable") for a; do case "$a" in -path=*) p="\${a#-path=}";; esac; done; p="\${p:-$3}"; echo "$p/" >> "$S/mounts"; echo "enable $p" >> "$S/calls" ;;
  "policy write") cat > "$S/policy-$3"; echo "policy $3" >> "$S/calls" ;;
  "read transit/keys/"*) [ -e "$S/key-\${2#transit/keys/}" ] ;;
  "write -f") touch "$S/key-\${3#transit/keys/}"; echo "key \${3#transit/keys/}" >> "$S/calls" ;;
  "token lookup") case "$VAULT_TOKEN" in
      admin-token) printf '{\n  "data": {\n    "period": 2764800,\n    "renewable": true\n  }\n}\n' ;;
      dev-root) printf '{\n  "data": {\n    "policies": [\n      "root"\n    ],\n    "renewable": false\n  }\n}\n' ;;
      *) grep -qx "$VAULT_TOKEN" "$S/tokens" 2>/dev/null ;;
    esac ;;
  "token renew") case "$VAULT_TOKEN" in
      admin-token) echo "renew admin" >> "$S/calls" ;;
      dev-root) echo "Error renewing token: lease is not renewable" >&2; exit 2 ;;
      *) grep -qx "$VAULT_TOKEN" "$S/tokens" 2>/dev/null ;;
    esac ;;
  "token create") case "$VAULT_TOKEN" in admin-token|dev-root) ;; *) exit 2 ;; esac; echo "$*" >> "$S/calls"; echo "\${3#-id=}" >> "$S/tokens" ;;
  *) echo "unexpected: $*" >&2; exit 9 ;;
esac
`;
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-vault-bootstrap-"));
        fs.mkdirSync(path.join(dir, "bin"));
        fs.mkdirSync(path.join(dir, "state"));
        fs.writeFileSync(path.join(dir, "bin", "vault"), STUB, { mode: 0o755 });
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const run = (token = "admin-token", state = "state") =>
        spawnSync("sh", ["-c", VAULT_BOOTSTRAP], {
            encoding: "utf8",
            env: {
                PATH: `${path.join(dir, "bin")}:/usr/bin:/bin`,
                STUB_STATE: path.join(dir, state),
                VAULT_TOKEN: token,
                SLIPWAY_METRICS_TOKEN: "tok-metrics",
                SLIPWAY_CONSUMERS: "gateway l09-api",
                [consumerTokenVar("gateway")]: "tok-gateway",
                [consumerTokenVar("l09-api")]: "tok-l09",
            },
        });

    it("enables KV v2 and Transit once, and gives each consumer a policy, a Transit key and its token, once", () => {
        for (let i = 0; i < 2; i++) {
            const r = run();
            assert.equal(r.status, 0, r.stderr);
        }
        const calls = fs.readFileSync(path.join(dir, "state", "calls"), "utf8").trim().split("\n");
        assert.deepEqual(calls, [
            // The admin token is renewed on every run: it is periodic, not a root token that never expires.
            "renew admin",
            "enable secret",
            "enable transit",
            "policy slipway-metrics",
            "token create -id=tok-metrics -policy=slipway-metrics -orphan -period=768h -display-name=slipway-metrics",
            "policy gateway",
            "key gateway",
            "token create -id=tok-gateway -policy=gateway -orphan -period=768h -display-name=gateway",
            "policy l09-api",
            "key l09-api",
            "token create -id=tok-l09 -policy=l09-api -orphan -period=768h -display-name=l09-api",
            // Policies are written again on every run (idempotent); nothing else is.
            "renew admin",
            "policy slipway-metrics",
            "policy gateway",
            "policy l09-api",
        ]);
        assert.equal(fs.readFileSync(path.join(dir, "state", "policy-slipway-metrics"), "utf8").trim(), 'path "sys/metrics" { capabilities = ["read"] }');
        const policy = fs.readFileSync(path.join(dir, "state", "policy-gateway"), "utf8");
        assert.match(policy, /path "secret\/data\/gateway\/\*"/);
        assert.match(policy, /path "transit\/encrypt\/gateway"/);
        assert.doesNotMatch(policy, /l09-api/);
    });

    it("runs with the dev server's root token, which Vault cannot renew (the dev stack)", () => {
        fs.mkdirSync(path.join(dir, "dev"));
        const r = run("dev-root", "dev");
        assert.equal(r.status, 0, r.stderr);
        assert.match(fs.readFileSync(path.join(dir, "dev", "calls"), "utf8"), /token create -id=tok-gateway/);
    });

    it("stops, and says how to recover, when the admin token is not valid", () => {
        fs.mkdirSync(path.join(dir, "lapsed"));
        const r = run("lapsed-token", "lapsed");
        assert.equal(r.status, 1);
        assert.match(r.stderr, /the admin token \(credentials.vault.token\) is not valid: make a root token with 'vault operator generate-root'/);
    });
});

describe("bootstrap jobs on each target", () => {
    describe("docker: the dev stack", () => {
        let run: Run;
        before(async () => {
            run = await runStack("dev");
        });
        const task = (name: string) => containers(run).find((c) => c.name === name)!;
        const runOf = (name: string) => run.resources.find((r) => r.type === COMMAND && r.name === `${name}-run`)!;

        it("runs Vault's and postgres' bootstrap as one-shot containers once their service is healthy", () => {
            assert.deepEqual(containers(run).filter((c) => role(c) === "task").map((c) => c.name).sort(), ["minio-users", "postgres-databases", "vault-bootstrap"]);
            for (const name of ["postgres-databases", "vault-bootstrap"]) {
                const t = task(name);
                assert.equal(t.inputs.start, false, "created, then run by its Command");
                assert.equal(t.inputs.mustRun, false);
                assert.equal(
                    runOf(name).inputs.create,
                    `docker update --pids-limit 256 slipway-dev-${name} >/dev/null || { echo "could not limit the processes of slipway-dev-${name}" >&2; exit 1; }; ` +
                        `docker start --attach slipway-dev-${name} >/dev/null 2>&1; status=$?; [ "$status" -eq 0 ] || echo "slipway-dev-${name} exited with status $status; its output: docker logs slipway-dev-${name}" >&2; exit "$status"`,
                );
                assert.ok(runOf(name).dependsOn.includes(`${CONTAINER}::${name}`), "the deploy waits for it to finish");
                assert.ok(t.dependsOn.includes(`${CONTAINER}::${name.split("-")[0]}`), `${name} runs after its service`);
                assert.ok(isWrappedSecret(t.inputs.envs), "its credentials are secret");
                assert.deepEqual(plain(t.inputs.capabilities).drops, ["ALL"]);
            }
            assert.equal(envOf(task("vault-bootstrap")).SLIPWAY_CONSUMERS, "demo");
            assert.equal(envOf(task("vault-bootstrap")).VAULT_TOKEN, run.outputs.credentials.vault.token);
            assert.equal(envOf(task("postgres-databases")).SLIPWAY_APPS, "demo");
        });

        it("starts the consumers only after the bootstrap has run", () => {
            const demo = containers(run).find((c) => c.name === "demo")!;
            assert.ok(demo.dependsOn.includes(`${COMMAND}::vault-bootstrap-run`), "after the run that fails the deploy when the task fails");
            assert.ok(demo.dependsOn.includes(`${COMMAND}::postgres-databases-run`));
            assert.equal(envOf(task("vault-bootstrap"))[consumerTokenVar("demo")], envOf(demo).VAULT_TOKEN);
            assert.equal(envOf(task("postgres-databases"))[appPasswordVar("demo")], envOf(demo).POSTGRES_PASSWORD);
        });
    });

    describe("kubernetes: the staging stack", () => {
        let run: Run;
        before(async () => {
            run = await runStack("staging");
        });
        const jobs = () => run.resources.filter((r) => r.type === JOB);

        it("runs each bootstrap as a Job whose pod passes the restricted profile and reads credentials by secretKeyRef", () => {
            assert.deepEqual(jobs().map((j) => j.name).sort(), ["minio-users", "postgres-databases", "vault-bootstrap"]);
            for (const j of jobs()) {
                const pod = plain(j.inputs).spec.template.spec;
                assert.deepEqual(restrictedViolations(pod), [], j.name);
                for (const e of pod.containers[0].env) assert.ok(!run.generated.some((g) => String(e.value).includes(g)), `${j.name} ${e.name}`);
                assert.ok(j.dependsOn.some((d) => d.endsWith(`::${j.name.split("-")[0]}`)), `${j.name} waits for its service`);
            }
            const demo = run.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name === "demo")!;
            assert.ok(demo.dependsOn.includes(`${JOB}::vault-bootstrap`));
            assert.ok(demo.dependsOn.includes(`${JOB}::postgres-databases`));
        });

        it("lets a Job reach only the service it bootstraps", () => {
            const policy = plain(run.resources.find((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && r.name === "vault-bootstrap-network")!.inputs);
            assert.deepEqual(policy.spec.ingress, []);
            assert.deepEqual(policy.spec.egress, [
                { to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": "staging" } } }], ports: [{ protocol: "TCP", port: 8200 }] },
            ]);
            const pod = plain(jobs().find((j) => j.name === "vault-bootstrap")!.inputs).spec.template;
            assert.equal(pod.metadata.labels["reaches.slipway.dev/vault"], "true", "vault's own policy lets it in");
        });
    });

    describe("eks: against RDS", () => {
        it("makes the apps' databases on the managed database, from inside the cluster", async () => {
            const run = await runStack("prod");
            const job = plain(run.resources.find((r) => r.type === JOB && r.name === "postgres-databases")!.inputs);
            const env = job.spec.template.spec.containers[0].env;
            assert.match(env.find((e: any) => e.name === "PGHOST").value, /\.rds\.amazonaws\.com$/);
            const policy = plain(run.resources.find((r) => r.name === "postgres-databases-network")!.inputs);
            assert.deepEqual(policy.spec.egress, [{ to: [{ ipBlock: { cidr: "10.0.0.0/16" } }], ports: [{ protocol: "TCP", port: 5432 }] }]);
        });
    });
});

describe("seed files", () => {
    it("runs a Neo4j schema and a postgres script the user supplies, once the service is up", async () => {
        const run = await runProgram(
            { target: "docker", services: { graph: { type: "neo4j" }, db: { type: "postgres" } }, seeds: { graph: "test/fixtures/schema.cypher", db: "test/fixtures/seed.sql" } },
            { stack: "qa" },
        );
        const graph = containers(run).find((c) => c.name === "graph-seed")!;
        assert.deepEqual(plain(graph.inputs.uploads), [{ file: "/seed/seed.cypher", content: fs.readFileSync("test/fixtures/schema.cypher", "utf8") }]);
        const env = envOf(graph);
        assert.equal(env.NEO4J_ADDRESS, "bolt://graph:7687");
        assert.equal(env.NEO4J_PASSWORD, run.outputs.credentials.graph.password);
        assert.ok(graph.dependsOn.includes(`${CONTAINER}::graph`));
        const db = containers(run).find((c) => c.name === "db-seed")!;
        assert.match(plain(db.inputs.entrypoints).join(" "), /psql -v ON_ERROR_STOP=1 -f \/seed\/seed.sql/);
        assert.deepEqual(plainTextLeaks(run), []);
    });

    it("refuses seeds for unknown services, other types, other extensions and missing files", async () => {
        const { message, registered } = await runExpectingError({
            target: "docker",
            services: { graph: { type: "neo4j" }, cache: { type: "redis" } },
            seeds: { nope: "a.sql", cache: "test/fixtures/seed.sql", graph: "test/fixtures/seed.sql" },
        });
        assert.equal(
            message,
            // In the CLI's order: it hands a map over with its keys sorted.
            asProgramSays([
                "slipway:seeds.cache: type redis takes no seed file; postgres takes .sql, neo4j .cypher",
                'slipway:seeds.graph: "test/fixtures/seed.sql" is not the path of a .cypher file',
                'slipway:seeds.nope: unknown service "nope"',
            ]),
        );
        assert.equal(registered, 0);
        const missing = await runExpectingError({ target: "docker", services: { graph: { type: "neo4j" } }, seeds: { graph: "test/fixtures/none.cypher" } });
        assert.equal(missing.message, asProgramSays(["slipway:seeds.graph: no file at test/fixtures/none.cypher (paths are relative to the project directory)"]));
    });
});

describe("consul registration", () => {
    it("registers every other service of service-mesh with a health check, and lets Consul reach them", async () => {
        const run = await runProgram({ target: "docker", platform: "service-mesh" }, { stack: "qa" });
        const task = containers(run).find((c) => c.name === "consul-register")!;
        const files = plain(task.inputs.uploads) as { file: string; content: string }[];
        const services = containers(run).filter((c) => role(c) === "service").map((c) => c.name).filter((n) => n !== "consul");
        assert.deepEqual(files.map((f) => path.basename(f.file, ".json")).sort(), services.sort());
        const backend = JSON.parse(files.find((f) => f.file === "/seed/backend.json")!.content);
        assert.deepEqual(backend.service.check.tcp, "backend:10010");
        assert.equal(backend.service.address, "backend");
        assert.match(plain(task.inputs.entrypoints).join(" "), /consul services register \/seed\/[a-z0-9-]+\.json/);
        assert.equal(envOf(task).CONSUL_HTTP_ADDR, "http://consul:8500");

        const kind = await runProgram({ target: "kind", platform: "service-mesh" }, { stack: "qa" });
        const consul = plain(kind.resources.find((r) => r.type === "kubernetes:apps/v1:StatefulSet" && r.name === "consul")!.inputs);
        for (const s of services.filter((n) => kind.resources.some((r) => r.name === n && r.type.startsWith("kubernetes:apps")))) {
            assert.equal(consul.spec.template.metadata.labels[`reaches.slipway.dev/${s}`], "true", `consul checks ${s}`);
        }
    });
});
