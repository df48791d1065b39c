// The real tools the tests run (promtool, nginx, PostgreSQL): found on PATH or where Debian puts
// them. A missing tool fails the test that needs it, naming what scripts/test.sh installs. And,
// for MinIO, which cannot run here, its check of a metrics bearer token, written from its source.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { createHmac, timingSafeEqual } from "crypto";
import * as fs from "fs";

const PACKAGES: Record<string, string> = { promtool: "prometheus", nginx: "nginx-light", initdb: "postgresql", pg_ctl: "postgresql", psql: "postgresql" };

/** The path of a tool: on PATH, in /usr/sbin, or in Debian's versioned PostgreSQL directory. */
export function tool(name: string): string {
    const which = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
    if (which.status === 0) return which.stdout.trim();
    const pg = fs.existsSync("/usr/lib/postgresql") ? fs.readdirSync("/usr/lib/postgresql").sort().reverse().map((v) => `/usr/lib/postgresql/${v}/bin/${name}`) : [];
    const found = [`/usr/sbin/${name}`, `/usr/bin/${name}`, ...pg].find((p) => fs.existsSync(p));
    if (found) return found;
    throw new Error(`${name} is not installed: run scripts/test.sh, which installs it (Debian/Ubuntu: apt-get install ${PACKAGES[name] ?? name})`);
}

/** Runs a tool and asserts it succeeds; returns what it printed. */
export function check(name: string, args: string[]): string {
    const r = spawnSync(tool(name), args, { encoding: "utf8" });
    assert.equal(r.status, 0, `${name} ${args.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
    return `${r.stdout}${r.stderr}`;
}

/**
 * Runs a tool that must refuse its input, and asserts it really ran and refused it: the tool is
 * found (a missing one fails, naming its package), it is neither unstartable nor killed, it exits
 * with exactly `status`, and it prints its own complaint `message`. Returns what it printed.
 */
export function checkFails(name: string, args: string[], expected: { status: number; message: RegExp }): string {
    const r = spawnSync(tool(name), args, { encoding: "utf8" });
    const out = `${r.stdout ?? ""}${r.stderr ?? ""}`;
    assert.equal(r.error, undefined, `${name} could not be run: ${r.error?.message}`);
    assert.equal(r.signal, null, `${name} was killed by ${r.signal}`);
    assert.equal(r.status, expected.status, `${name} ${args.join(" ")} should exit ${expected.status}, exited ${r.status}:\n${out}`);
    assert.match(out, expected.message, `${name} ${args.join(" ")} printed no ${expected.message}:\n${out}`);
    return out;
}

const HMAC: Record<string, string> = { HS256: "sha256", HS384: "sha384", HS512: "sha512" };

/**
 * What a MinIO server does with the bearer token of a request to its metrics endpoint
 * (minio cmd/jwt.go metricsRequestAuthenticate and internal/jwt/parser.go ParseWithClaims):
 * the token is `header.claims.signature`, each part unpadded base64url; the header's `alg` must
 * be an HMAC; the access key is the `accessKey` claim, else `sub`; the signature must be the HMAC
 * of `header.claims` keyed with that access key's secret key; and an `exp` claim must be in the
 * future. `users` maps access keys to secret keys. Returns the header and claims of a token MinIO
 * accepts; throws saying why it refuses one.
 */
export function minioAcceptsMetricsToken(token: string, users: Record<string, string>, now = Date.now() / 1000) {
    const parts = token.split(".");
    if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]+$/.test(p))) throw new Error(`malformed token: ${token}`);
    const [header, claims] = parts.slice(0, 2).map((p) => JSON.parse(Buffer.from(p, "base64url").toString("utf8")));
    const hash = HMAC[header.alg];
    if (!hash) throw new Error(`signing method (${header.alg}) is unavailable`);
    const accessKey = claims.accessKey ?? claims.sub;
    if (typeof accessKey !== "string") throw new Error("accessKey/sub missing");
    const secretKey = users[accessKey];
    if (secretKey === undefined) throw new Error(`unknown access key ${accessKey}`);
    const expected = createHmac(hash, secretKey).update(`${parts[0]}.${parts[1]}`).digest();
    const signature = Buffer.from(parts[2], "base64url");
    if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) throw new Error("signature is invalid");
    if (claims.exp !== undefined && !(typeof claims.exp === "number" && claims.exp > now)) throw new Error(`token is expired (exp ${claims.exp})`);
    return { header, claims };
}
