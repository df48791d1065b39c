// The catalog as data: what every entry must say about its service, checked for all of them.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CATALOG } from "../components/catalog";
import { minioMetricsToken } from "../components/catalog/minio";
import { VAULT_START } from "../components/catalog/vault";
import { ALL_TYPES } from "./bad-configs";
import { minioAcceptsMetricsToken } from "./tools";

describe("catalog", () => {
    it("covers every type of SPEC.md's catalog, and app", () => {
        assert.equal(Object.keys(CATALOG).sort().join(", "), ALL_TYPES);
    });
});

describe("minio metrics token", () => {
    // Known answers, computed with openssl (HMAC-SHA512, base64url without padding), for access key
    // "slipway", secret key "s3cr3t-key" and an expiry of 2100-01-01T00:00:00Z (4102444800).
    /** What `mc admin prometheus generate` signs (golang-jwt StandardClaims: exp, iss, sub). */
    const MC_TOKEN =
        "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJleHAiOjQxMDI0NDQ4MDAsImlzcyI6InByb21ldGhldXMiLCJzdWIiOiJzbGlwd2F5In0." +
        "KFBYpFeUw1exgbldsHV7uTfZzuPRFRJseWRKvbq7PaTzBQ-y9NJDHtuhL56Km2KKtWNrb3a0o044oadRTHsp7A";
    /** The same claims in the order Slipway writes them (exp, sub, iss). */
    const SLIPWAY_TOKEN =
        "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJleHAiOjQxMDI0NDQ4MDAsInN1YiI6InNsaXB3YXkiLCJpc3MiOiJwcm9tZXRoZXVzIn0." +
        "58GktmDHo9UucDSWbhhYyakl00ycIJRQRYBvmQy2enpIgXJiM0ERmXDetFCDdJ_mZGZmYmSqO1Eghn7OGIVCzQ";
    const USERS = { slipway: "s3cr3t-key" };

    it("the stand-in for MinIO's check accepts mc's token, and refuses a wrong key, a tampered token or an expired one", () => {
        assert.deepEqual(minioAcceptsMetricsToken(MC_TOKEN, USERS).claims, { exp: 4102444800, iss: "prometheus", sub: "slipway" });
        assert.throws(() => minioAcceptsMetricsToken(MC_TOKEN, { slipway: "other-key" }), { message: "signature is invalid" });
        assert.throws(() => minioAcceptsMetricsToken(MC_TOKEN, { admin: "s3cr3t-key" }), { message: "unknown access key slipway" });
        const [h, , sig] = MC_TOKEN.split(".");
        const forged = Buffer.from('{"exp":4102444800,"iss":"prometheus","sub":"admin"}').toString("base64url");
        assert.throws(() => minioAcceptsMetricsToken(`${h}.${forged}.${sig}`, { admin: "s3cr3t-key" }), { message: "signature is invalid" });
        assert.throws(() => minioAcceptsMetricsToken(MC_TOKEN, USERS, 4102444800), { message: "token is expired (exp 4102444800)" });
        assert.throws(() => minioAcceptsMetricsToken(`${MC_TOKEN}==`, USERS), /malformed token/);
    });

    it("is an HS512 JWT MinIO accepts from access key and secret key: sub = access key, iss = prometheus, valid until 2100", () => {
        const token = minioMetricsToken("slipway", "s3cr3t-key");
        const { header, claims } = minioAcceptsMetricsToken(token, USERS);
        assert.deepEqual(header, { alg: "HS512", typ: "JWT" });
        assert.deepEqual(claims, { exp: 4102444800, iss: "prometheus", sub: "slipway" });
        assert.throws(() => minioAcceptsMetricsToken(token, { slipway: "other-key" }), { message: "signature is invalid" });
        assert.equal(minioAcceptsMetricsToken(minioMetricsToken("ops", "k2"), { ops: "k2" }).claims.sub, "ops");
    });

    it("is the known answer for a fixed secret, so the scrape config does not change on every update", () => {
        assert.equal(minioMetricsToken("slipway", "s3cr3t-key"), SLIPWAY_TOKEN);
    });
});

describe("vault server-mode start script, against a stub vault CLI", () => {
    // The stub behaves like Vault's CLI as the script uses it: the server starts sealed, `status`
    // exits 2 while sealed, `operator init` prints one unseal key and a root token, `unseal`
    // needs that key, and `token create -id` needs the root token.
    const STUB = `#!/bin/sh
S="$STUB_STATE"
case "$1 $2" in
  "server -config=/vault/config/slipway.hcl")
    rm -f "$S/unsealed"; touch "$S/running"
    # With a KMS seal, an initialised Vault unseals itself.
    if [ "\${SLIPWAY_VAULT_SEAL:-}" = awskms ] && [ -e "$S/initialised" ]; then touch "$S/unsealed"; fi
    sleep 1; exit 0 ;;
  "status ") [ -e "$S/running" ] || exit 1; [ -e "$S/unsealed" ] || exit 2; exit 0 ;;
  "operator init")
    echo "init $3" >> "$S/calls"
    if [ "$3" = -recovery-shares=1 ]; then printf 'Recovery Key 1: REC-1\\n\\nInitial Root Token: hvs.ROOT\\n'; touch "$S/unsealed"
    else printf 'Unseal Key 1: KEY-123\\n\\nInitial Root Token: hvs.ROOT\\n'; fi
    touch "$S/initialised" ;;
  "operator unseal") echo "unseal $3" >> "$S/calls"; [ "$3" = KEY-123 ] && touch "$S/unsealed" ;;
  "token lookup") grep -qx "$VAULT_TOKEN" "$S/tokens" 2>/dev/null ;;
  "token create") [ "$VAULT_TOKEN" = hvs.ROOT ] || exit 2; echo "create $3" >> "$S/calls"; echo "\${3#-id=}" >> "$S/tokens" ;;
  *) echo "unexpected: $*" >&2; exit 9 ;;
esac
`;
    let dir: string;
    const start = (state: string, env: Record<string, string> = {}) =>
        spawnSync("sh", [path.join(dir, "start.sh")], {
            encoding: "utf8",
            timeout: 20000,
            env: {
                PATH: `${path.join(dir, "bin")}:/usr/bin:/bin`,
                STUB_STATE: path.join(dir, state),
                SLIPWAY_VAULT_INIT: path.join(dir, state, "init.txt"),
                SLIPWAY_ROOT_TOKEN: "generated-by-pulumi",
                ...env,
            },
        });
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-vault-"));
        fs.mkdirSync(path.join(dir, "bin"));
        fs.mkdirSync(path.join(dir, "state"));
        fs.mkdirSync(path.join(dir, "kms"));
        fs.writeFileSync(path.join(dir, "bin", "vault"), STUB, { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "start.sh"), VAULT_START);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("initialises once, unseals on every start, and makes the generated token a root token once", () => {
        const first = start("state");
        assert.equal(first.status, 0, first.stderr);
        assert.match(first.stdout, /initialised and unsealed/);
        const init = path.join(dir, "state", "init.txt");
        assert.equal(fs.statSync(init).mode & 0o777, 0o600, "the unseal key is readable by Vault's user only");

        const second = start("state"); // a restart: sealed again, already initialised
        assert.equal(second.status, 0, second.stderr);
        const calls = fs.readFileSync(path.join(dir, "state", "calls"), "utf8").trim().split("\n");
        assert.deepEqual(calls, ["init -key-shares=1", "unseal KEY-123", "create -id=generated-by-pulumi", "unseal KEY-123"]);
        assert.equal(fs.readFileSync(path.join(dir, "state", "tokens"), "utf8"), "generated-by-pulumi\n");
    });

    it("with a KMS seal: makes recovery keys instead, and never unseals by hand", () => {
        for (let i = 0; i < 2; i++) {
            const r = start("kms", { SLIPWAY_VAULT_SEAL: "awskms" });
            assert.equal(r.status, 0, r.stderr);
        }
        const calls = fs.readFileSync(path.join(dir, "kms", "calls"), "utf8").trim().split("\n");
        assert.deepEqual(calls, ["init -recovery-shares=1", "create -id=generated-by-pulumi"]);
    });
});
