import * as pulumi from "@pulumi/pulumi";
import { CatalogType, consumerVar, Configured, derivedSecret, ServiceContext } from "./types";
import { VAULT_ADMIN_POLICY, VAULT_BOOTSTRAP, VAULT_CONFIG, VAULT_START } from "./vault-scripts";

export { VAULT_BOOTSTRAP, VAULT_START } from "./vault-scripts";

// Vault runs as the image's vault user (uid 100) with no capabilities at all:
// - SKIP_SETCAP stops the image's entrypoint from `setcap cap_ipc_lock` on the binary, the step
//   that needs CAP_SETFCAP and failed in SEEDS.md ("unable to set CAP_SETFCAP");
// - memory locking is off instead of granting IPC_LOCK: dev mode never locks, and server mode
//   sets `disable_mlock`, as HashiCorp recommends for integrated/file storage on hosts without
//   swap, and as Kubernetes' restricted profile requires (it forbids adding IPC_LOCK).
// Off the `dev` stack Vault runs in server mode on its volume, serves TLS with a certificate from
// a CA generated for it (consumers get the CA as VAULT_CA_CERT), and initialises and unseals
// itself (vault-scripts.ts). The token in `credentials` is then an admin token (a policy, not
// root; periodic, renewed by every bootstrap); the initial root token is revoked once it has
// made it. Prometheus reads the metrics with a token of its own.

/** The seal stanza when the target offers a KMS key: Vault then unseals itself on every start. */
export function awsKmsSeal(region: string, keyId: string): string {
    return `
seal "awskms" {
  region     = "${region}"
  kms_key_id = "${keyId}"
}
`;
}

/** Prometheus' token, and the pad the unseal key is kept under: derived from the admin token, each for that one use. */
const metricsToken = (ctx: ServiceContext) => derivedSecret(ctx.credentials.token!, "vault-metrics");
const unsealPad = (ctx: ServiceContext) =>
    pulumi.secret(pulumi.all([derivedSecret(ctx.credentials.token!, "vault-unseal-pad-1"), derivedSecret(ctx.credentials.token!, "vault-unseal-pad-2")]).apply(([a, b]) => a + b));

/** `SLIPWAY_TOKEN_<CONSUMER>`: the variable the bootstrap reads a consumer's token from. */
export const consumerTokenVar = (consumer: string) => consumerVar("TOKEN", consumer);

export const vault: CatalogType = {
    type: "vault",
    image: "hashicorp/vault:1.18.3",
    ports: [{ name: "http", port: 8200, access: "client" }],
    // The secrets store: its API hands out every secret the platform keeps there.
    dataStore: true,
    // VAULT_LOCAL_CONFIG would add configuration (docker-entrypoint.sh writes it to local.json).
    ownedEnv: ["VAULT_*", "SKIP_SETCAP", "SKIP_CHOWN", "SLIPWAY_*"],
    scheme: "http",
    user: { uid: 100, gid: 1000 },
    volumes: [{ name: "data", path: "/vault/file" }],
    scratch: ["/tmp", "/vault/logs"],
    // Read-only: the server writes its storage to /vault/file (the volume) and audit logs, if any,
    // to /vault/logs. The image's entrypoint writes only when told to (VAULT_LOCAL_CONFIG, which
    // the type owns, and chown/setcap, skipped), and the start script keeps its one file on the
    // volume. A dev server would write its root token to ~/.vault-token, which
    // -dev-no-store-token turns off (Vault docs, "server" command: dev options).
    readOnlyRootFilesystem: true,
    // 200 only when initialised, unsealed and active; https in server mode (Service sets the scheme).
    health: { kind: "http", path: "/v1/sys/health" },
    // `vault status` exits 0 only when unsealed, over VAULT_ADDR with the CA in VAULT_CACERT.
    healthCommand: "vault status >/dev/null",
    startSeconds: 30,
    resources: { cpu: 0.25, memoryMiB: 256, storageGiB: 1 },
    owns: { token: true },
    connection: (ctx) => ({ token: ctx.credentials.token }),
    // Each consumer gets a token of its own, limited to its own KV path and Transit key.
    perConsumer: { consumers: "all", connection: (base, _consumer, token) => ({ ...base, token }) },
    taskNames: ["bootstrap"],
    tasks: (ctx, _peers, connection) => {
        const consumers = Object.keys(ctx.consumers);
        return [
            {
                name: "bootstrap",
                command: ["/bin/sh", "-c", VAULT_BOOTSTRAP],
                env: {
                    VAULT_ADDR: connection.url,
                    // The vault CLI trusts the CA given as PEM text (api/client.go, VAULT_CACERT_BYTES).
                    ...(connection.caCert !== undefined ? { VAULT_CACERT_BYTES: connection.caCert } : {}),
                    SLIPWAY_CONSUMERS: consumers.join(" "),
                },
                secretEnv: {
                    VAULT_TOKEN: ctx.credentials.token!,
                    SLIPWAY_METRICS_TOKEN: metricsToken(ctx),
                    ...Object.fromEntries(consumers.map((c) => [consumerTokenVar(c), ctx.consumers[c]])),
                },
            },
        ];
    },
    // Vault takes `Authorization: Bearer` as it takes X-Vault-Token (http/handler.go, requestAuth).
    metrics: (ctx) => ({
        port: 8200,
        path: "/v1/sys/metrics",
        params: { format: "prometheus" },
        bearerToken: metricsToken(ctx),
        ...(ctx.credentials.tls ? { scheme: "https" as const, caCert: ctx.credentials.tls.caCert } : {}),
    }),
    // Server mode serves TLS; the dev server (dev stack only) plain HTTP.
    tls: (name, platform) => {
        if (platform.devMode) return undefined;
        const ns = platform.kubernetes?.namespace;
        return {
            dnsNames: [name, "localhost", ...(ns ? [`${name}.${ns}.svc`, `${name}.${ns}.svc.cluster.local`] : [])],
            ipAddresses: ["127.0.0.1"],
        };
    },
    configure: (ctx): Configured => {
        const env = { SKIP_SETCAP: "true", SKIP_CHOWN: "true" };
        if (ctx.platform.devMode) {
            // In-memory dev server: the image's entrypoint turns `server -dev` into a dev server
            // with this root token, listening on all interfaces, over plain HTTP.
            return {
                env: { ...env, VAULT_ADDR: "http://127.0.0.1:8200", VAULT_DEV_LISTEN_ADDRESS: "0.0.0.0:8200" },
                secretEnv: { VAULT_DEV_ROOT_TOKEN_ID: ctx.credentials.token! },
                args: ["server", "-dev", "-dev-no-store-token"],
            };
        }
        const tls = ctx.credentials.tls!;
        const kms = ctx.environment.vaultSeal?.awskms;
        const config = kms ? pulumi.interpolate`${VAULT_CONFIG}${pulumi.all([kms.region, kms.keyId]).apply(([r, k]) => awsKmsSeal(r, k))}` : VAULT_CONFIG;
        // Where the target hands Vault an access key for its seal (ec2), the seal reads it from
        // the environment (Vault docs, "AWS KMS seal": AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
        const sealKey: Record<string, pulumi.Output<string>> = kms?.credentials
            ? { AWS_ACCESS_KEY_ID: kms.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: kms.credentials.secretAccessKey }
            : {};
        return {
            env: { ...env, VAULT_ADDR: "https://127.0.0.1:8200", VAULT_CACERT: "/vault/config/ca.crt", ...(kms ? { SLIPWAY_VAULT_SEAL: "awskms" } : {}) },
            secretEnv: { SLIPWAY_ADMIN_TOKEN: ctx.credentials.token!, SLIPWAY_UNSEAL_PAD: unsealPad(ctx), ...sealKey },
            command: ["/bin/sh", "/vault/config/slipway-start.sh"],
            files: [
                { path: "/vault/config/slipway.hcl", content: config, secret: false },
                { path: "/vault/config/slipway-start.sh", content: VAULT_START, secret: false },
                { path: "/vault/config/slipway-admin.hcl", content: VAULT_ADMIN_POLICY, secret: false },
                { path: "/vault/config/ca.crt", content: tls.caCert, secret: false },
                { path: "/vault/config/tls.crt", content: tls.cert, secret: false },
                { path: "/vault/config/tls.key", content: tls.key, secret: true },
            ],
        };
    },
};
