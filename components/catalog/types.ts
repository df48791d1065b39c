// The shape of a catalog entry: everything Slipway knows about one kind of service, as data
// plus three small functions. Entries never see the target they will run on.
import { createHmac } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { envPrefix } from "../config/validate";
import {
    Connection, FileSpec, HealthSpec, MetricsSpec, PlatformSpec, PortSpec, Resources, ServiceSpec, TargetEnvironment, VolumeSpec,
} from "../model";

export interface HostAccess {
    /** Why the type needs the host, shown when a target refuses it. */
    readonly reason: string;
    /** Host paths mounted read-only into the container. */
    readonly mounts: readonly { readonly hostPath: string; readonly path: string }[];
    /** The container runs as root (reading host files owned by root needs it). */
    readonly root?: boolean;
}

/** Generated credentials a service owns; every value is a Pulumi secret. */
export interface Credentials {
    readonly password?: pulumi.Output<string>;
    readonly token?: pulumi.Output<string>;
    /** One generated value per name in the service's `secrets:` list. */
    readonly secrets: Readonly<Record<string, pulumi.Output<string>>>;
    /** The service's own certificate and the CA that signed it, where its type serves TLS (see CatalogType.tls). */
    readonly tls?: TlsCredentials;
}

/** A generated CA and a server certificate it signed; PEM. The key is a Pulumi secret. */
export interface TlsCredentials {
    readonly caCert: pulumi.Output<string>;
    readonly cert: pulumi.Output<string>;
    readonly key: pulumi.Output<string>;
}

/** The names a service's certificate is valid for. */
export interface TlsNames {
    readonly dnsNames: readonly string[];
    readonly ipAddresses: readonly string[];
}

/** What an entry may read about the service being built. */
export interface ServiceContext {
    readonly name: string;
    readonly spec: ServiceSpec;
    readonly platform: PlatformSpec;
    /** What the target offers (a KMS key to seal Vault with …). */
    readonly environment: TargetEnvironment;
    readonly credentials: Credentials;
    /** Credentials generated for each consumer that gets its own (see CatalogType.perConsumer). */
    readonly consumers: Readonly<Record<string, pulumi.Output<string>>>;
    readonly resources: Resources;
    /** The port consumers connect to (the user's `port`, or the type's first). */
    readonly port: number;
}

/** What an entry may read about the other services of the platform. */
export interface Peer {
    readonly name: string;
    readonly type: string;
    readonly spec: ServiceSpec;
    readonly port: number;
    readonly connection: Connection;
    readonly metrics?: MetricsSpec;
    /** The connection one consumer gets, and where its credentials are kept: its own, where the type gives consumers their own. */
    connectionFor(consumer: string): { readonly connection: Connection; readonly keys: import("../connections").SecretKeys };
}

/** A bootstrap job, as a catalog entry describes it (see Task in model.ts). */
export interface TaskSpec {
    /** Short name: the task is `<service>-<name>`. */
    readonly name: string;
    /** Defaults to the service's own image. */
    readonly image?: string;
    readonly command: readonly string[];
    readonly env?: Readonly<Record<string, pulumi.Input<string>>>;
    /** Credentials the job needs; each kept in the service's secret store. */
    readonly secretEnv?: Readonly<Record<string, pulumi.Output<string>>>;
    readonly files?: readonly FileSpec[];
}

export interface Configured {
    readonly env?: Readonly<Record<string, pulumi.Input<string>>>;
    readonly secretEnv?: Readonly<Record<string, pulumi.Output<string>>>;
    readonly files?: readonly FileSpec[];
    readonly command?: readonly string[];
    readonly args?: readonly string[];
    /** Services this one opens connections to beyond its `uses` (scrape targets, proxied apps). */
    readonly reaches?: readonly string[];
}

export interface CatalogType {
    readonly type: string;
    /** Pinned default image; the user's `image` replaces it. */
    readonly image: string;
    /** Ports the image listens on; the first is the one consumers connect to. */
    readonly ports: readonly PortSpec[];
    /** URL scheme of the primary port, for `S_URL` and `endpoints`. */
    readonly scheme: string;
    /** The image's own non-root user: the process runs as it and owns the volumes. */
    readonly user: { readonly uid: number; readonly gid: number };
    /** Capabilities the process needs after all are dropped; say why next to each. */
    readonly capabilities?: readonly string[];
    readonly volumes?: readonly VolumeSpec[];
    /**
     * Access to the host the type cannot work without (cadvisor reads the host's cgroups). It is
     * declared, never implied: targets that do not allow it refuse the type with this reason.
     */
    readonly hostAccess?: HostAccess;
    /** Writable paths that need not persist; with these, the root filesystem can be read-only. */
    readonly scratch?: readonly string[];
    readonly readOnlyRootFilesystem: boolean;
    /**
     * A data store: it keeps the platform's data (a database, cache, queue, graph, object or
     * vector store, the secrets store). On a cluster target it is public only when the stack says
     * so for that service (`exposeOnCluster: true`); validation refuses it otherwise.
     */
    readonly dataStore?: boolean;
    /** Why the type is never public on any target; validation refuses `public` and `hostPort` with this reason. */
    readonly neverPublic?: string;
    /** Only the services that use it may connect to it, on Docker too (see Workload.consumersOnly). */
    readonly consumersOnly?: boolean;
    /**
     * Environment variables the type sets, or that would change how it authenticates: a service's
     * `env` and `secrets` may not set them. Names, or prefixes ending in `*` (`GF_AUTH_*`). Every
     * variable `configure` returns must be listed (a test checks it).
     */
    readonly ownedEnv: readonly string[];
    /**
     * What a service's `args` may do; `command` is refused on every catalog type, whose setup
     * runs through the image's entrypoint. "refuse" (the default): the type's arguments are its
     * own, because a flag given later can undo one given earlier (redis' `--requirepass`) and an
     * image's entrypoint runs any other command it is given. "append": the user's come after the
     * type's own `configure().args`, for types none of whose flags opens access.
     */
    readonly args?: "refuse" | "append";
    /** Catalog types this one must use one of (an exporter needs what it watches); validation checks it. */
    readonly needs?: readonly string[];
    /** Default readiness check. */
    readonly health: HealthSpec;
    /** Port the default health check targets, when it is not the primary port. */
    readonly healthPort?: number;
    /** A command that exists in the image and checks the same as `health`, for runtimes that can only exec. */
    readonly healthCommand?: string | readonly string[];
    /** Seconds a slow starter may take before failed checks count. */
    readonly startSeconds?: number;
    /** Sizing at `size: small`; medium doubles it, large quadruples it. */
    readonly resources: Resources;
    /** Credentials the type owns. */
    readonly owns?: { readonly password?: boolean; readonly token?: boolean };
    /**
     * The service serves TLS with a certificate signed by a CA generated for it: the names the
     * certificate must carry, or undefined where it serves plain HTTP (Vault's dev server). Its
     * URL scheme is then https, and consumers receive the CA (`S_CA_CERT`).
     */
    tls?(name: string, platform: PlatformSpec): TlsNames | undefined;
    /** Connection settings consumers get, beyond host, port and a plain URL. */
    connection?(ctx: ServiceContext): Partial<Omit<Connection, "host" | "port">>;
    /** How Prometheus scrapes it, where it exposes metrics. */
    metrics?(ctx: ServiceContext): MetricsSpec | undefined;
    /** Environment, files and command for the container; `peers` is every service of the platform, this one included. */
    configure?(ctx: ServiceContext, peers: readonly Peer[]): Configured;
    /**
     * Consumers get credentials of their own: a Vault token with its own policy, a database and
     * user. `consumers` says which; `connection` builds one consumer's connection from the
     * service's (which may be a managed equivalent's) and the secret generated for it.
     */
    readonly perConsumer?: {
        readonly consumers: "all" | "apps";
        /** Consumer types that keep the service's own login (an admin tool whose config has no user name). */
        readonly except?: readonly string[];
        /**
         * Whether consumers still get credentials of their own when a managed equivalent runs the
         * service: postgres' bootstrap makes them on RDS too; ElastiCache and S3 have no such step
         * here, so their consumers share the service's credentials there.
         */
        readonly managed?: boolean;
        connection(base: Connection, consumer: string, secret: pulumi.Output<string>): Connection;
    };
    /** The names of the bootstrap jobs `tasks` may return: they take part in name validation. */
    readonly taskNames?: readonly string[];
    /** Bootstrap jobs to run once the service is healthy. */
    tasks?(ctx: ServiceContext, peers: readonly Peer[], connection: Connection): TaskSpec[];
    /** Runs a seed file the user supplies (`slipway:seeds`), once the service is up. */
    readonly seed?: {
        readonly extension: string;
        task(ctx: ServiceContext, file: string, connection: Connection): TaskSpec;
    };
}

/** The services of `type` this one uses, in `uses` order. */
export function usedPeers(ctx: ServiceContext, peers: readonly Peer[], type: string): Peer[] {
    return ctx.spec.uses.map((u) => peers.find((p) => p.name === u)!).filter((p) => p && p.type === type);
}

/** The first service of `type` this one uses; validation guarantees it for types that `need` it. */
export function usedPeer(ctx: ServiceContext, peers: readonly Peer[], type: string): Peer {
    const [peer] = usedPeers(ctx, peers, type);
    if (!peer) throw new Error(`slipway:services.${ctx.name}.uses: ${ctx.spec.type} needs a service of type ${type}`);
    return peer;
}

/**
 * An HTTP check for images with bash but no HTTP client: bash's /dev/tcp sends the request
 * and the status line must be 200.
 */
export function bashHttpCheck(port: number, path: string): string[] {
    return [
        "/bin/bash",
        "-c",
        `exec 3<>/dev/tcp/127.0.0.1/${port} && printf 'GET ${path} HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q '^HTTP/1\\.[01] 200'`,
    ];
}

/** Shorthand for a secret derived from secrets, e.g. a URL with a password in it. */
export function secretInterpolate(strings: TemplateStringsArray, ...values: pulumi.Input<unknown>[]): pulumi.Output<string> {
    return pulumi.secret(pulumi.interpolate(strings, ...values));
}

/**
 * A secret derived from a generated one for one purpose (HMAC-SHA256, hex): a credential of its
 * own that needs no resource of its own, and tells nothing about the secret it came from.
 */
export function derivedSecret(secret: pulumi.Output<string>, purpose: string): pulumi.Output<string> {
    return pulumi.secret(secret.apply((s) => createHmac("sha256", s).update(`slipway:${purpose}`).digest("hex")));
}

/**
 * A generated value in the form of a UUID, for services whose tokens must be UUIDs (Consul:
 * agent/consul/acl_endpoint.go, TokenSet: "Invalid Token: SecretID is not a valid UUID").
 */
export function uuidSecret(secret: pulumi.Output<string>, purpose: string): pulumi.Output<string> {
    return pulumi.secret(
        derivedSecret(secret, purpose).apply((h) => {
            // RFC 4122 version 4 layout: the version nibble is 4 and the variant bits are 10.
            const v = `4${h.slice(13, 16)}`;
            const variant = ((parseInt(h[16], 16) & 0x3) | 0x8).toString(16) + h.slice(17, 20);
            return `${h.slice(0, 8)}-${h.slice(8, 12)}-${v}-${variant}-${h.slice(20, 32)}`;
        }),
    );
}

/**
 * The variable a bootstrap task reads one consumer's value from: `SLIPWAY_<WHAT>_<CONSUMER>`,
 * the consumer's name as an S_* prefix (`l01-data` -> `L01_DATA`), which each task's shell
 * recovers with `tr 'a-z-' 'A-Z_'`.
 */
export const consumerVar = (what: string, consumer: string) => `SLIPWAY_${what}_${envPrefix(consumer)}`;

/** A service's URL with a consumer's own login in it (and its own database as the path, where given): a secret. */
export function urlWithLogin(url: pulumi.Input<string>, username: string, password: pulumi.Input<string>, pathname?: string): pulumi.Output<string> {
    return pulumi.secret(
        pulumi.all([url, password]).apply(([u, pw]) => {
            const parsed = new URL(u);
            parsed.username = username;
            parsed.password = pw;
            if (pathname !== undefined) parsed.pathname = pathname;
            return parsed.toString();
        }),
    );
}

