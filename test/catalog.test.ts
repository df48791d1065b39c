// The catalog as data: what every entry must say about its service, checked for all of them.
import { strict as assert } from "assert";
import { createHmac } from "crypto";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CATALOG } from "../components/catalog";
import { minioMetricsToken } from "../components/catalog/minio";
import { VAULT_START } from "../components/catalog/vault";
import { ALL_TYPES } from "./bad-configs";

describe("catalog", () => {
    it("covers every type of SPEC.md's catalog, and app", () => {
        assert.equal(Object.keys(CATALOG).sort().join(", "), ALL_TYPES);
    });
});

describe("minio metrics token", () => {
    it("is the HS512 JWT `mc admin prometheus generate` makes: sub = access key, iss = prometheus", () => {
        const token = minioMetricsToken("slipway", "s3cr3t-key");
        const [header, claims, signature] = token.split(".");
        assert.deepEqual(JSON.parse(Buffer.from(header, "base64url").toString()), { alg: "HS512", typ: "JWT" });
        const c = JSON.parse(Buffer.from(claims, "base64url").toString());
        assert.equal(c.sub, "slipway");
        assert.equal(c.iss, "prometheus");
        assert.ok(c.exp > Date.UTC(2090, 0, 1) / 1000, "does not expire within the platform's life");
        const expected = createHmac("sha512", "s3cr3t-key").update(`${header}.${claims}`).digest("base64url");
        assert.equal(signature, expected);
        assert.notEqual(minioMetricsToken("slipway", "other-key"), token, "depends on the secret key");
        assert.equal(minioMetricsToken("slipway", "s3cr3t-key"), token, "stable across runs (no diff on every update)");
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
