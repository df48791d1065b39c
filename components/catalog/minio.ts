import { createHmac } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { CatalogType, secretInterpolate } from "./types";

export const MINIO_USER = "slipway";

/** The bucket every object store offers its consumers (S_BUCKET); on S3 it is a bucket of its own. */
export const MINIO_BUCKET = "data";

/**
 * Runs MinIO and, once it answers, makes the bucket. `mc` reads the server and its credentials
 * from MC_HOST_local, so no credential appears on a command line.
 */
export const MINIO_START = `set -eu
minio server /data --address :9000 --console-address :9001 &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server"' TERM INT
until mc ready local >/dev/null 2>&1; do sleep 1; done
mc mb --ignore-existing "local/$MINIO_BUCKET"
wait "$server"
`;

/** The token's expiry: fixed, so the generated scrape config does not change on every update. */
const TOKEN_EXPIRY = 4102444800; // 2100-01-01T00:00:00Z

const b64url = (data: string | Buffer) => Buffer.from(data).toString("base64url");

/**
 * The bearer token MinIO's metrics endpoint requires, as `mc admin prometheus generate` makes it:
 * a JWT signed with HS512 by the secret key, with `sub` the access key and `iss` "prometheus".
 */
export function minioMetricsToken(accessKey: string, secretKey: string): string {
    const header = b64url(JSON.stringify({ alg: "HS512", typ: "JWT" }));
    const claims = b64url(JSON.stringify({ exp: TOKEN_EXPIRY, sub: accessKey, iss: "prometheus" }));
    const signature = createHmac("sha512", secretKey).update(`${header}.${claims}`).digest();
    return `${header}.${claims}.${b64url(signature)}`;
}

export const minio: CatalogType = {
    type: "minio",
    // Docker Hub no longer serves minio/minio; quay.io has the last open-source release.
    image: "quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z",
    ports: [
        { name: "api", port: 9000, access: "client" },
        // In community releases since RELEASE.2025-05 the console is an object browser only; its
        // administration pages were removed (minio/object-browser#3509, minio/minio#21724). It
        // logs in with S3 credentials, like any client.
        { name: "console", port: 9001, access: "client" },
    ],
    scheme: "http",
    user: { uid: 1000, gid: 1000 },
    dataStore: true,
    // MINIO_PROMETHEUS_AUTH_TYPE=public would open the metrics; MINIO_IDENTITY_* and MINIO_POLICY_*
    // change who may log in.
    ownedEnv: ["MINIO_*", "MC_*", "HOME"],
    volumes: [{ name: "data", path: "/data" }],
    scratch: ["/tmp"],
    readOnlyRootFilesystem: true,
    health: { kind: "http", path: "/minio/health/live" },
    healthCommand: "curl -fsS -o /dev/null http://127.0.0.1:9000/minio/health/live || mc ready local",
    resources: { cpu: 0.5, memoryMiB: 512, storageGiB: 10 },
    owns: { password: true },
    connection: (ctx) => ({ username: MINIO_USER, password: ctx.credentials.password, bucket: MINIO_BUCKET }),
    // Metrics stay private: Prometheus presents the token, instead of MINIO_PROMETHEUS_AUTH_TYPE=public.
    metrics: (ctx) => ({
        port: 9000,
        path: "/minio/v2/metrics/cluster",
        bearerToken: pulumi.secret(ctx.credentials.password!.apply((secret) => minioMetricsToken(MINIO_USER, secret))),
    }),
    configure: (ctx) => ({
        // HOME and MC_CONFIG_DIR point at scratch space: the image's /root is not the user's.
        env: { MINIO_ROOT_USER: MINIO_USER, MINIO_BUCKET, HOME: "/tmp", MC_CONFIG_DIR: "/tmp/.mc", MINIO_BROWSER_REDIRECT: "false" },
        secretEnv: {
            MINIO_ROOT_PASSWORD: ctx.credentials.password!,
            MC_HOST_local: secretInterpolate`http://${MINIO_USER}:${ctx.credentials.password}@127.0.0.1:9000`,
        },
        command: ["/bin/sh", "-c", MINIO_START],
    }),
};
