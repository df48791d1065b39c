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
import { minioAcceptsMetricsToken, tool } from "./tools";

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
    // exits 2 while sealed, `operator init -status` 2 until initialised, `operator init` prints
    // one key and a root token, `unseal` needs that key, and only the root token may write the
    // admin policy, create a token with an id, and revoke itself, after which it is no token.
    const STUB = `#!/bin/sh
S="$STUB_STATE"
root_ok() { [ "$VAULT_TOKEN" = hvs.ROOT ] && [ ! -e "$S/root-revoked" ]; }
case "$1 $2 \${3:-}" in
  "server -config=/vault/config/slipway.hcl "*)
    rm -f "$S/unsealed"; touch "$S/running"
    # With a KMS seal, an initialised Vault unseals itself.
    if [ "\${SLIPWAY_VAULT_SEAL:-}" = awskms ] && [ -e "$S/initialised" ]; then touch "$S/unsealed"; fi
    sleep 1; exit 0 ;;
  "status  ") [ -e "$S/running" ] || exit 1; [ -e "$S/unsealed" ] || exit 2; exit 0 ;;
  "operator init -status") [ -e "$S/initialised" ] || exit 2 ;;
  "operator init "*)
    echo "init $3" >> "$S/calls"
    if [ "$3" = -recovery-shares=1 ]; then printf 'Recovery Key 1: REC+/1=\\n\\nInitial Root Token: hvs.ROOT\\n'; touch "$S/unsealed"
    else printf 'Unseal Key 1: K3y+/Unseal=\\n\\nInitial Root Token: hvs.ROOT\\n'; fi
    touch "$S/initialised" ;;
  "operator unseal "*) echo "unseal $3" >> "$S/calls"; [ "$3" = "K3y+/Unseal=" ] && touch "$S/unsealed" ;;
  "policy write "*) root_ok || exit 2; echo "policy $3" >> "$S/calls" ;;
  "token create "*) root_ok || exit 2; echo "create $3 $4 $5 $6" >> "$S/calls" ;;
  "token revoke -self") root_ok || exit 2; touch "$S/root-revoked"; echo "revoke root" >> "$S/calls" ;;
  *) echo "unexpected: $*" >&2; exit 9 ;;
esac
`;
    // 64 bytes of pad, as SLIPWAY_UNSEAL_PAD is (two HMAC-SHA256 digests, hex).
    const PAD = "0f".repeat(16) + "a5".repeat(16) + "3c".repeat(32);
    let dir: string;
    const start = (state: string, shell: string[], env: Record<string, string> = {}) => {
        // A (re)start: the old server is gone, so nothing answers and Vault is sealed until the
        // new one is up (else the script could ask before the stub server has reset its state).
        for (const f of ["running", "unsealed"]) fs.rmSync(path.join(dir, state, f), { force: true });
        return spawnSync(shell[0], [...shell.slice(1), path.join(dir, "start.sh")], {
            encoding: "utf8",
            timeout: 20000,
            env: {
                PATH: `${path.join(dir, "bin")}:/usr/bin:/bin`,
                STUB_STATE: path.join(dir, state),
                SLIPWAY_UNSEAL_STORE: path.join(dir, state, "unseal.xor"),
                SLIPWAY_ADMIN_POLICY: "/vault/config/slipway-admin.hcl",
                SLIPWAY_ADMIN_TOKEN: "generated-by-pulumi",
                SLIPWAY_UNSEAL_PAD: PAD,
                ...env,
            },
        });
    };
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-vault-"));
        fs.mkdirSync(path.join(dir, "bin"));
        for (const d of ["dash", "busybox", "kms"]) fs.mkdirSync(path.join(dir, d));
        fs.writeFileSync(path.join(dir, "bin", "vault"), STUB, { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "start.sh"), VAULT_START);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    // Debian's sh (dash) and busybox's ash, the image's own shell.
    for (const [state, shell] of [["dash", ["sh"]], ["busybox", [tool("busybox"), "sh"]]] as const) {
        it(`initialises once, keeps the unseal key only under the pad, unseals on every start, and revokes the root token (${state})`, () => {
            const first = start(state, [...shell]);
            assert.equal(first.status, 0, first.stderr);
            assert.match(first.stdout, /initial root token revoked/);
            const store = path.join(dir, state, "unseal.xor");
            assert.equal(fs.statSync(store).mode & 0o777, 0o600, "readable by Vault's user only");
            const kept = fs.readFileSync(store, "utf8");
            // "K3y+/Unseal=" XOR 0x0f per byte, as hex: no trace of the key, and nothing of the root token.
            assert.equal(kept, "443c7624205a617c6a6e6332");
            assert.doesNotMatch(kept, /K3y|hvs/);

            const second = start(state, [...shell]); // a restart: sealed again, already initialised
            assert.equal(second.status, 0, second.stderr);
            const calls = fs.readFileSync(path.join(dir, state, "calls"), "utf8").trim().split("\n");
            assert.deepEqual(calls, [
                "init -key-shares=1",
                "unseal K3y+/Unseal=",
                "policy slipway-admin",
                "create -id=generated-by-pulumi -policy=slipway-admin -orphan -period=768h",
                "revoke root",
                // The restart unseals with the key it takes back from under the pad.
                "unseal K3y+/Unseal=",
            ]);
        });
    }

    it("with a KMS seal: keeps the recovery key under the pad, never unseals by hand, and revokes the root token", () => {
        for (let i = 0; i < 2; i++) {
            const r = start("kms", ["sh"], { SLIPWAY_VAULT_SEAL: "awskms" });
            assert.equal(r.status, 0, r.stderr);
        }
        const calls = fs.readFileSync(path.join(dir, "kms", "calls"), "utf8").trim().split("\n");
        assert.deepEqual(calls, ["init -recovery-shares=1", "policy slipway-admin", "create -id=generated-by-pulumi -policy=slipway-admin -orphan -period=768h", "revoke root"]);
        assert.doesNotMatch(fs.readFileSync(path.join(dir, "kms", "unseal.xor"), "utf8"), /REC/);
    });
});

