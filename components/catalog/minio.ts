import { createHmac } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { CatalogType, consumerVar, secretInterpolate } from "./types";

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

/** A consumer's bucket and user: named after it (MinIO access keys have at least 3 characters). */
export const minioConsumerBucket = (consumer: string) => `${consumer}-data`;
export const minioConsumerUser = (consumer: string) => (consumer.length >= 3 ? consumer : `${consumer}-user`);

/** The policy that limits a consumer to its own bucket (MinIO's IAM policies are AWS's S3 policy language). */
export function minioBucketPolicy(bucket: string): string {
    return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"], Resource: [`arn:aws:s3:::${bucket}`] },
            {
                Effect: "Allow",
                Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
                Resource: [`arn:aws:s3:::${bucket}/*`],
            },
        ],
    });
}

/** `SLIPWAY_<WHAT>_<CONSUMER>`: where the bootstrap reads one consumer's bucket, user, secret key and policy. */
export const minioConsumerVar = (what: "BUCKET" | "USER" | "SECRET" | "POLICY", consumer: string) => consumerVar(what, consumer);

/**
 * Bootstrap, with the root credentials in MC_HOST_local: for each consumer, its bucket, a policy
 * on that bucket alone (`<consumer>-bucket`), and a user with the secret key Slipway generated,
 * attached to it (mc admin policy create / user add / policy attach:
 * https://min.io/docs/minio/linux/reference/minio-mc-admin.html). Every step may run again.
 */
export const MINIO_BOOTSTRAP = `set -eu
until mc ready local >/dev/null 2>&1; do sleep 2; done
for c in $SLIPWAY_CONSUMERS; do
  var=$(echo "$c" | tr 'a-z-' 'A-Z_')
  eval "bucket=\\\${SLIPWAY_BUCKET_$var}; user=\\\${SLIPWAY_USER_$var}; key=\\\${SLIPWAY_SECRET_$var}; policy=\\\${SLIPWAY_POLICY_$var}"
  mc mb --ignore-existing "local/$bucket" >/dev/null
  printf '%s' "$policy" > /tmp/policy.json
  mc admin policy create local "$c-bucket" /tmp/policy.json >/dev/null
  mc admin user add local "$user" "$key" >/dev/null
  mc admin policy attach local "$c-bucket" --user "$user" >/dev/null 2>&1 ||
    mc admin user info local "$user" | grep -q "$c-bucket"
done
echo "slipway: minio has a bucket, a policy and a user for: $SLIPWAY_CONSUMERS"
`;

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
    // Each consumer gets a user of its own, limited to a bucket of its own. On S3 (eks) consumers
    // share the bucket's IAM credentials.
    perConsumer: {
        consumers: "all",
        managed: false,
        connection: (base, consumer, secret) => ({ ...base, username: minioConsumerUser(consumer), password: secret, bucket: minioConsumerBucket(consumer) }),
    },
    taskNames: ["users"],
    tasks: (ctx) => {
        const consumers = Object.keys(ctx.consumers);
        if (consumers.length === 0) return [];
        return [
            {
                name: "users",
                command: ["/bin/sh", "-c", MINIO_BOOTSTRAP],
                env: {
                    HOME: "/tmp",
                    MC_CONFIG_DIR: "/tmp/.mc",
                    SLIPWAY_CONSUMERS: consumers.join(" "),
                    ...Object.fromEntries(
                        consumers.flatMap((c) => [
                            [minioConsumerVar("BUCKET", c), minioConsumerBucket(c)],
                            [minioConsumerVar("USER", c), minioConsumerUser(c)],
                            [minioConsumerVar("POLICY", c), minioBucketPolicy(minioConsumerBucket(c))],
                        ]),
                    ),
                },
                secretEnv: {
                    MC_HOST_local: secretInterpolate`http://${MINIO_USER}:${ctx.credentials.password}@${ctx.name}:${ctx.port}`,
                    ...Object.fromEntries(consumers.map((c) => [minioConsumerVar("SECRET", c), ctx.consumers[c]])),
                },
            },
        ];
    },
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
