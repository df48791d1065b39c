// Authentication on every service (issue 9): Consul's ACLs, OPA's token authorization, Vault's
// TLS and tokens, and the per-consumer users of Redis and MinIO. Scripts run against a real
// redis-server, or against stubs of the CLIs that cannot run here (consul, mc).
import { strict as assert } from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { CONSUL_ACL_BOOTSTRAP } from "../components/catalog/consul";
import { MINIO_BOOTSTRAP } from "../components/catalog/minio";
import { REDIS_START, redisPasswordVar, redisRules, redisRulesVar } from "../components/catalog/redis";
import { containers, envOf, filesCarrier, filesOf, isWrappedSecret, plain, plainTextLeaks, Run, runProgram, runStack, strings } from "./harness";
import { tool } from "./tools";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const byName = (run: Run, name: string) => containers(run).find((c) => c.name === name)!;
/** A service's file: uploaded into it, or, for a read-only one, into its holder (docker-files.ts). */
const upload = (run: Run, name: string, file: string) => filesOf(run, name).find((u: any) => u.file === file)?.content as string;
const uploadIsSecret = (run: Run, name: string, file: string) => {
    const uploads = filesCarrier(run, name).inputs.uploads;
    if (isWrappedSecret(uploads)) return true;
    const u = uploads.find((x: any) => plain(x).file === file);
    return isWrappedSecret(u) || isWrappedSecret(u.content);
};
/** Values that must never be seen outside a secret: the generated ones, and each token in `credentials`. */
function leaksOf(run: Run, values: string[]): string[] {
    return run.resources.flatMap((r) => strings(r.inputs).filter((x) => !x.secret && values.some((v) => x.s.includes(v))).map(() => `${r.type} ${r.name}`));
}

describe("consul: ACLs on, default deny, a token per consumer", () => {
    let run: Run;
    before(async () => {
        run = await runProgram({ target: "docker", platform: "service-mesh" }, { stack: "qa" });
    });

    it("generates an ACL config with default deny, and keeps the tokens in a secret file", () => {
        const config = upload(run, "consul", "/consul/config/slipway.hcl");
        assert.match(config, /acl \{\n {2}enabled {18}= true\n {2}default_policy {11}= "deny"/);
        assert.ok(uploadIsSecret(run, "consul", "/consul/config/slipway-tokens.hcl"));
        const tokens = upload(run, "consul", "/consul/config/slipway-tokens.hcl");
        const management = run.outputs.credentials.consul.token;
        assert.match(management, UUID);
        assert.ok(tokens.includes(`initial_management = "${management}"`));
        assert.doesNotMatch(plain(byName(run, "consul").inputs.command).join(" "), /-ui/);
    });

    it("gives each consumer its own token, a secret, distinct from the management token", () => {
        const consumers = run.outputs.credentials.consul.consumers;
        assert.deepEqual(Object.keys(consumers).sort(), ["backend", "mcp-3001", "mcp-3003", "mcp-3004", "mcp-3006", "mcp-3009", "mcp-3017"]);
        const tokens = Object.values(consumers).map((c: any) => c.token);
        assert.equal(new Set([...tokens, run.outputs.credentials.consul.token]).size, tokens.length + 1);
        for (const [name, c] of Object.entries<any>(consumers)) {
            assert.match(c.token, UUID);
            assert.equal(envOf(byName(run, name)).CONSUL_TOKEN, c.token, `${name} gets its own as CONSUL_TOKEN`);
            assert.ok(isWrappedSecret(byName(run, name).inputs.envs));
        }
        assert.deepEqual(leaksOf(run, [run.outputs.credentials.consul.token, ...tokens]), []);
        assert.deepEqual(plainTextLeaks(run), []);
    });

    it("makes each token with its policy in an ACL task, and registers with a token of its own", () => {
        const acl = envOf(byName(run, "consul-acl"));
        assert.equal(acl.CONSUL_HTTP_TOKEN, run.outputs.credentials.consul.token);
        assert.ok(acl.SLIPWAY_ACLS.split(" ").includes("consumer-backend"));
        assert.equal(acl.SLIPWAY_RULES_CONSUMER_BACKEND, 'service "backend" { policy = "write" }\nservice_prefix "" { policy = "read" }\nnode_prefix "" { policy = "read" }\n');
        assert.equal(acl.SLIPWAY_TOKEN_CONSUMER_BACKEND, run.outputs.credentials.consul.consumers.backend.token);
        assert.equal(acl.SLIPWAY_RULES_METRICS, 'agent_prefix "" { policy = "read" }\n');
        const register = envOf(byName(run, "consul-register"));
        assert.equal(register.CONSUL_HTTP_TOKEN, acl.SLIPWAY_TOKEN_REGISTER);
        assert.notEqual(register.CONSUL_HTTP_TOKEN, run.outputs.credentials.consul.token, "not the management token");
        assert.match(acl.SLIPWAY_RULES_REGISTER, /^service "postgres" \{ policy = "write" \}\n/);
    });

    it("scrapes the agent's metrics with the metrics token", () => {
        const config = YAML.parse(upload(run, "prometheus", "/etc/prometheus/prometheus.yml"));
        const job = config.scrape_configs.find((j: any) => j.job_name === "consul");
        assert.deepEqual(job.authorization, { type: "Bearer", credentials: envOf(byName(run, "consul-acl")).SLIPWAY_TOKEN_METRICS });
        assert.ok(uploadIsSecret(run, "prometheus", "/etc/prometheus/prometheus.yml"));
    });

    describe("the ACL task, against a stub consul CLI", () => {
        // The stub answers as Consul's CLI does: `acl token read -self` succeeds for a known token,
        // policies are created once and updated after, and only the management token writes.
        const STUB = `#!/bin/sh
S="$STUB_STATE"
case "$1 $2 $3" in
  "acl token read") grep -qx "$CONSUL_HTTP_TOKEN" "$S/tokens" ;;
  "acl policy create") [ "$CONSUL_HTTP_TOKEN" = mgmt ] || exit 1; n="\${4#-name=}"; [ "$n" = -name ] && n="$5"; [ ! -e "$S/policy-$n" ] || exit 1; cp /tmp/rules.hcl "$S/policy-$n"; echo "create $n" >> "$S/calls" ;;
  "acl policy update") [ "$CONSUL_HTTP_TOKEN" = mgmt ] || exit 1; cp /tmp/rules.hcl "$S/policy-$5"; echo "update $5" >> "$S/calls" ;;
  "acl token create") [ "$CONSUL_HTTP_TOKEN" = mgmt ] || exit 1; echo "$4 $5" >> "$S/calls"; echo "\${4#-secret=}" >> "$S/tokens" ;;
  *) echo "unexpected: $*" >&2; exit 9 ;;
esac
`;
        it("writes each policy, makes each token once, and may run again", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-consul-"));
            fs.mkdirSync(path.join(dir, "bin"));
            fs.writeFileSync(path.join(dir, "bin", "consul"), STUB, { mode: 0o755 });
            fs.writeFileSync(path.join(dir, "tokens"), "mgmt\n");
            const env = {
                PATH: `${path.join(dir, "bin")}:/usr/bin:/bin`, STUB_STATE: dir, CONSUL_HTTP_TOKEN: "mgmt",
                SLIPWAY_ACLS: "metrics consumer-api",
                SLIPWAY_RULES_METRICS: 'agent_prefix "" { policy = "read" }', SLIPWAY_TOKEN_METRICS: "tok-metrics",
                SLIPWAY_RULES_CONSUMER_API: 'service "api" { policy = "write" }', SLIPWAY_TOKEN_CONSUMER_API: "tok-api",
            };
            try {
                for (let i = 0; i < 2; i++) {
                    const r = spawnSync("sh", ["-c", CONSUL_ACL_BOOTSTRAP], { encoding: "utf8", env });
                    assert.equal(r.status, 0, r.stderr);
                }
                assert.deepEqual(fs.readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n"), [
                    "create slipway-metrics",
                    "-secret=tok-metrics -policy-name=slipway-metrics",
                    "create slipway-consumer-api",
                    "-secret=tok-api -policy-name=slipway-consumer-api",
                    "update slipway-metrics",
                    "update slipway-consumer-api",
                ]);
                assert.equal(fs.readFileSync(path.join(dir, "policy-slipway-consumer-api"), "utf8"), 'service "api" { policy = "write" }\n');
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });
});

describe("opa: token authentication and a system.authz policy", () => {
    let run: Run;
    before(async () => {
        run = await runProgram({ target: "docker", platform: "governance" }, { stack: "qa" });
    });

    it("runs with --authentication=token --authorization=basic and the generated policy", () => {
        const args = plain(byName(run, "opa").inputs.command);
        for (const a of ["--authentication=token", "--authorization=basic", "/policies/slipway-authz.rego"]) assert.ok(args.includes(a), a);
        assert.ok(uploadIsSecret(run, "opa", "/policies/slipway-authz.rego"));
        const policy = upload(run, "opa", "/policies/slipway-authz.rego");
        assert.match(policy, /^package system\.authz$/m);
        assert.match(policy, /^default allow := false$/m);
        // /health answers everyone; nothing else does without a token.
        assert.match(policy, /allow if \{\n\tinput\.method == "GET"\n\tinput\.path == \["health"\]\n\}/);
        assert.match(policy, /^holds\(tokens\) if crypto\.sha256\(input\.identity\) in tokens$/m);
    });

    it("gives each consumer its own query token, known to the policy by its digest only", () => {
        const consumers = run.outputs.credentials.opa.consumers;
        assert.deepEqual(Object.keys(consumers).sort(), ["ac", "fv", "gs", "pgc"]);
        const policy = upload(run, "opa", "/policies/slipway-authz.rego");
        const tokens = Object.values<any>(consumers).map((c) => c.token);
        assert.equal(new Set([...tokens, run.outputs.credentials.opa.token]).size, 5);
        for (const [name, c] of Object.entries<any>(consumers)) {
            assert.equal(envOf(byName(run, name)).OPA_TOKEN, c.token);
            assert.ok(!policy.includes(c.token), "no token in the policy");
            const digest = require("crypto").createHash("sha256").update(c.token).digest("hex");
            assert.match(policy.split("query := ")[1].split("\n")[0], new RegExp(digest));
            assert.doesNotMatch(policy.split("admin := ")[1].split("\n")[0], new RegExp(digest), "a consumer cannot load policy");
        }
        assert.equal(envOf(byName(run, "integrity")).OPA_TOKEN, undefined, "integrity does not use opa");
        assert.deepEqual(plainTextLeaks(run), []);
    });

    it("lets Prometheus scrape with a metrics token of its own", () => {
        const config = YAML.parse(upload(run, "prometheus", "/etc/prometheus/prometheus.yml"));
        const job = config.scrape_configs.find((j: any) => j.job_name === "opa");
        assert.equal(job.authorization.type, "Bearer");
        const all = [run.outputs.credentials.opa.token, ...Object.values<any>(run.outputs.credentials.opa.consumers).map((c) => c.token)];
        assert.ok(!all.includes(job.authorization.credentials), "its own token");
        const digest = require("crypto").createHash("sha256").update(job.authorization.credentials).digest("hex");
        assert.match(upload(run, "opa", "/policies/slipway-authz.rego").split("metrics := ")[1].split("\n")[0], new RegExp(digest));
    });
});

describe("redis: an ACL user per consumer", () => {
    it("gives each consumer its own user and password as S_USERNAME/S_PASSWORD, and records them", async () => {
        const run = await runProgram({ target: "docker", platform: "observability" }, { stack: "qa" });
        const redis = run.outputs.credentials.redis;
        assert.deepEqual(Object.keys(redis.consumers).sort(), ["dashboard", "redis-exporter"]);
        const dashboard = envOf(byName(run, "dashboard"));
        assert.deepEqual([dashboard.REDIS_USERNAME, dashboard.REDIS_PASSWORD], ["dashboard", redis.consumers.dashboard.password]);
        const exporter = envOf(byName(run, "redis-exporter"));
        assert.deepEqual([exporter.REDIS_USER, exporter.REDIS_PASSWORD], ["redis-exporter", redis.consumers["redis-exporter"].password]);
        assert.equal(new Set([redis.password, redis.consumers.dashboard.password, redis.consumers["redis-exporter"].password]).size, 3);
        // redis-commander's connection format has no user name: it keeps the default login.
        assert.equal(envOf(byName(run, "redis-commander")).REDIS_USERNAME, "default");
        const server = envOf(byName(run, "redis"));
        assert.equal(server.SLIPWAY_REDIS_USERS, "dashboard redis-exporter");
        assert.equal(server[redisPasswordVar("dashboard")], redis.consumers.dashboard.password);
        assert.doesNotMatch(plain(byName(run, "redis").inputs.command).join(" "), /requirepass|gen\d+x/);
        assert.deepEqual(plainTextLeaks(run), []);
    });

    it("on Kubernetes, each consumer reads its own password by secretKeyRef", async () => {
        const run = await runProgram({ target: "kind", platform: "agent-layers" }, { stack: "qa" });
        const l01 = plain(run.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name === "l01-data")!.inputs);
        const env = l01.spec.template.spec.containers[0].env;
        assert.deepEqual(env.find((e: any) => e.name === "REDIS_PASSWORD").valueFrom.secretKeyRef, { name: "redis-credentials", key: "password-l01-data" });
        assert.equal(env.find((e: any) => e.name === "REDIS_USERNAME").value, "l01-data");
    });

    describe("the start script, against a real redis-server", function () {
        this.timeout(30000);
        const port = 16000 + (process.pid % 900);
        let dir: string;
        let server: ReturnType<typeof spawn>;
        const cli = (user: string, pw: string, ...cmd: string[]) =>
            spawnSync(tool("redis-cli"), ["-p", String(port), "--no-auth-warning", "--user", user, "--pass", pw, ...cmd], { encoding: "utf8" }).stdout.trim();
        before(async () => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-redis-"));
            const env = {
                PATH: process.env.PATH!, REDIS_PASSWORD: "admin-pw", SLIPWAY_REDIS_USERS: "l01-data redis-exporter",
                [redisPasswordVar("l01-data")]: "app-pw", [redisRulesVar("l01-data")]: redisRules("app"),
                [redisPasswordVar("redis-exporter")]: "exp-pw", [redisRulesVar("redis-exporter")]: redisRules("redis-exporter"),
            };
            const script = REDIS_START.replace("/tmp/slipway-users.acl", path.join(dir, "users.acl")).replace("redis-server", tool("redis-server"));
            server = spawn("sh", ["-c", script, "redis-start", "--port", String(port), "--dir", dir, "--save", ""], { env, stdio: "ignore" });
            for (let i = 0; i < 50 && cli("default", "admin-pw", "PING") !== "PONG"; i++) await new Promise((r) => setTimeout(r, 100));
        });
        after(() => {
            server.kill();
            fs.rmSync(dir, { recursive: true, force: true });
        });

        it("lets each user in with its own password only, with its own rules", () => {
            assert.equal(cli("l01-data", "app-pw", "SET", "k", "v"), "OK");
            assert.equal(cli("l01-data", "app-pw", "GET", "k"), "v");
            assert.match(cli("l01-data", "app-pw", "CONFIG", "GET", "maxmemory"), /NOPERM/, "no admin commands");
            assert.match(cli("l01-data", "app-pw", "FLUSHALL"), /NOPERM/);
            assert.match(cli("l01-data", "exp-pw", "PING"), /NOAUTH/, "another user's password does not let it in");
            assert.match(cli("redis-exporter", "exp-pw", "INFO", "server"), /redis_version/);
            assert.match(cli("redis-exporter", "exp-pw", "SET", "k", "w"), /NOPERM/, "the exporter only reads");
            assert.equal(cli("default", "admin-pw", "PING"), "PONG");
            const acl = fs.readFileSync(path.join(dir, "users.acl"), "utf8");
            assert.doesNotMatch(acl, /admin-pw|app-pw|exp-pw/, "digests, never the passwords");
            assert.equal(fs.statSync(path.join(dir, "users.acl")).mode & 0o777, 0o600);
        });
    });
});

describe("minio: a user, a policy and a bucket per consumer", () => {
    it("gives each consumer its own access key, secret and bucket, and records them", async () => {
        const run = await runStack("dev");
        const demo = envOf(byName(run, "demo"));
        const creds = run.outputs.credentials.minio;
        assert.deepEqual(creds.consumers.demo.username, "demo");
        assert.deepEqual([demo.MINIO_USERNAME, demo.MINIO_PASSWORD, demo.MINIO_BUCKET], ["demo", creds.consumers.demo.password, "demo-data"]);
        assert.notEqual(demo.MINIO_PASSWORD, creds.password, "not the root credentials");
        const task = envOf(byName(run, "minio-users"));
        assert.deepEqual(JSON.parse(task.SLIPWAY_POLICY_DEMO).Statement.map((s: any) => s.Resource), [["arn:aws:s3:::demo-data"], ["arn:aws:s3:::demo-data/*"]]);
        assert.equal(task.SLIPWAY_SECRET_DEMO, creds.consumers.demo.password);
        assert.ok(isWrappedSecret(byName(run, "minio-users").inputs.envs));
    });

    it("the bootstrap makes bucket, policy, user and attachment, against a stub mc, and may run again", () => {
        const STUB = `#!/bin/sh
S="$STUB_STATE"
case "$1 $2 $3" in
  "ready local ") ;;
  "mb --ignore-existing "*) echo "mb $3" >> "$S/calls" ;;
  "admin policy create") cp "$6" "$S/policy-$5"; echo "policy $5" >> "$S/calls" ;;
  "admin user add") echo "user $5 $6" >> "$S/calls" ;;
  "admin policy attach") [ -e "$S/attached-$7" ] && { echo "already in effect" >&2; exit 1; }; touch "$S/attached-$7"; echo "attach $5 $7" >> "$S/calls" ;;
  "admin user info") echo "PolicyName: demo-bucket" ;;
  *) echo "unexpected: $*" >&2; exit 9 ;;
esac
`;
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-mc-"));
        try {
            fs.mkdirSync(path.join(dir, "bin"));
            fs.writeFileSync(path.join(dir, "bin", "mc"), STUB, { mode: 0o755 });
            const env = {
                PATH: `${path.join(dir, "bin")}:/usr/bin:/bin`, STUB_STATE: dir, SLIPWAY_CONSUMERS: "demo",
                SLIPWAY_BUCKET_DEMO: "demo-data", SLIPWAY_USER_DEMO: "demo", SLIPWAY_SECRET_DEMO: "s3cr3t", SLIPWAY_POLICY_DEMO: '{"Version":"2012-10-17"}',
            };
            for (let i = 0; i < 2; i++) {
                const r = spawnSync("sh", ["-c", MINIO_BOOTSTRAP], { encoding: "utf8", env });
                assert.equal(r.status, 0, r.stderr);
            }
            assert.deepEqual(fs.readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n"), [
                "mb local/demo-data", "policy demo-bucket", "user demo s3cr3t", "attach demo-bucket demo",
                "mb local/demo-data", "policy demo-bucket", "user demo s3cr3t",
            ]);
            assert.equal(fs.readFileSync(path.join(dir, "policy-demo-bucket"), "utf8"), '{"Version":"2012-10-17"}');
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("vault in server mode: TLS with a generated CA, tokens that are not root", () => {
    let run: Run;
    before(async () => {
        run = await runStack("staging");
    });
    const k8s = (type: string, name: string) => plain(run.resources.find((r) => r.type === type && r.name === name)!.inputs);

    it("makes a CA and a certificate for vault's names, with keys that stay secret", () => {
        const request = k8s("tls:index/certRequest:CertRequest", "vault-tls-request");
        assert.deepEqual(request.dnsNames, ["vault", "localhost", "vault.slipway-staging.svc", "vault.slipway-staging.svc.cluster.local"]);
        assert.deepEqual(request.ipAddresses, ["127.0.0.1"]);
        assert.equal(k8s("tls:index/selfSignedCert:SelfSignedCert", "vault-ca").isCaCertificate, true);
        // The key goes into vault's Secret, never a ConfigMap.
        const secret = k8s("kubernetes:core/v1:Secret", "vault-credentials");
        assert.match(secret.stringData["vault-config-tls.key"], /PRIVATE KEY/);
        const files = k8s("kubernetes:core/v1:ConfigMap", "vault-files");
        assert.ok(!Object.keys(files.data).includes("vault-config-tls.key"));
        assert.match(files.data["vault-config-slipway.hcl"], /tls_cert_file = "\/vault\/config\/tls.crt"/);
        assert.doesNotMatch(files.data["vault-config-slipway.hcl"], /tls_disable|unauthenticated_metrics_access/);
        assert.deepEqual(plainTextLeaks(run), []);
    });

    it("hands consumers an https VAULT_URL and the CA, and probes over https", () => {
        const demo = k8s("kubernetes:apps/v1:Deployment", "demo").spec.template.spec.containers[0].env;
        const ca = demo.find((e: any) => e.name === "VAULT_CA_CERT").value;
        const caCert = run.resources.find((r) => r.type === "tls:index/selfSignedCert:SelfSignedCert" && r.name === "vault-ca")!;
        assert.equal(ca, plain(caCert.outputs).certPem, "the CA that signed Vault's certificate");
        assert.match(ca, /BEGIN CERTIFICATE/);
        const secret = k8s("kubernetes:core/v1:Secret", "vault-credentials");
        assert.equal(secret.stringData[demo.find((e: any) => e.name === "VAULT_URL").valueFrom.secretKeyRef.key], "https://vault:8200");
        const vault = k8s("kubernetes:apps/v1:StatefulSet", "vault").spec.template.spec.containers[0];
        assert.equal(vault.readinessProbe.httpGet.scheme, "HTTPS");
        const job = k8s("kubernetes:batch/v1:Job", "vault-bootstrap").spec.template.spec.containers[0].env;
        assert.match(job.find((e: any) => e.name === "VAULT_CACERT_BYTES").value, /BEGIN CERTIFICATE/);
    });

    it("scrapes Vault over https with the CA and a metrics token of its own", () => {
        const secret = k8s("kubernetes:core/v1:Secret", "prometheus-credentials");
        const config = YAML.parse(secret.stringData["etc-prometheus-prometheus.yml"]);
        const job = config.scrape_configs.find((j: any) => j.job_name === "vault");
        assert.equal(job.scheme, "https");
        assert.deepEqual(job.tls_config, { ca_file: "/etc/prometheus/ca/vault.crt" });
        assert.equal(job.authorization.type, "Bearer");
        assert.notEqual(job.authorization.credentials, run.outputs.credentials.vault.token, "not the admin token");
        const bootstrap = k8s("kubernetes:core/v1:Secret", "vault-credentials");
        assert.equal(bootstrap.stringData["bootstrap-SLIPWAY_METRICS_TOKEN"], job.authorization.credentials, "the bootstrap makes that token");
        assert.match(k8s("kubernetes:core/v1:ConfigMap", "prometheus-files").data["etc-prometheus-ca-vault.crt"], /BEGIN CERTIFICATE/);
    });

    it("keeps the dev server on plain HTTP, with no CA, on the dev stack", async () => {
        const dev = await runStack("dev");
        const demo = envOf(byName(dev, "demo"));
        assert.equal(demo.VAULT_URL, "http://vault:8200");
        assert.equal(demo.VAULT_CA_CERT, undefined);
        assert.ok(!dev.resources.some((r) => r.type.startsWith("tls:")));
    });
});
