// The shapes Slipway works with, from stack config to the target-neutral workload
// description that every materializer (Docker, Kubernetes, AWS) translates.
import * as pulumi from "@pulumi/pulumi";

export const TARGETS = ["docker", "kind", "kubernetes", "eks", "ec2"] as const;
export type TargetName = (typeof TARGETS)[number];

export const SIZES = ["small", "medium", "large"] as const;
export type Size = (typeof SIZES)[number];

/** Targets whose workloads run on Kubernetes. */
export const KUBERNETES_TARGETS: readonly TargetName[] = ["kind", "kubernetes", "eks"];

/**
 * What a target offers the services running on it, beyond running them. A service may use an
 * offer; it never asks which target made it.
 */
export interface TargetEnvironment {
    /** Vault auto-unseals with this KMS key instead of an unseal key kept on its own volume. */
    readonly vaultSeal?: {
        readonly awskms: {
            readonly region: pulumi.Input<string>;
            readonly keyId: pulumi.Input<string>;
            /**
             * An access key for the key alone, where Vault has no identity of its own to reach
             * it with (ec2, where containers may not take the host's role); Pulumi secrets.
             */
            readonly credentials?: { readonly accessKeyId: pulumi.Output<string>; readonly secretAccessKey: pulumi.Output<string> };
        };
    };
}

/** Targets that run on AWS. */
export const AWS_TARGETS: readonly TargetName[] = ["eks", "ec2"];

export interface AwsSettings {
    /** Networks allowed to reach the admin endpoints (EKS API, SSH) and the ec2 host's public ports. */
    readonly adminCidrs: readonly string[];
    readonly vpcCidr: string;
    readonly azCount: number;
    readonly kubernetesVersion: string;
    /** EKS node / ec2 host instance type. */
    readonly instanceType: string;
    /** EKS nodes. */
    readonly nodeCount: number;
    /** postgres -> RDS, redis -> ElastiCache, minio -> S3 (eks). */
    readonly managedServices: boolean;
    readonly multiAz: boolean;
    /** Stateful resources are protected from deletion and keep a final snapshot. */
    readonly protectData: boolean;
    /** EC2 key pair for SSH to the ec2 host (the Docker provider connects over SSH). */
    readonly sshKeyName?: string;
    /** An ACM certificate: public HTTP services' load balancers terminate TLS with it (eks). */
    readonly certificateArn?: string;
}

/** How public services are reached on Kubernetes targets. */
export const EXPOSURES = ["nodePort", "loadBalancer", "ingress"] as const;
export type Exposure = (typeof EXPOSURES)[number];

export interface KubernetesSettings {
    /** kubeconfig context; undefined means the kubeconfig's current context. */
    readonly context?: string;
    readonly namespace: string;
    readonly exposure: Exposure;
    /** Ingress hosts are `<service>.<ingressDomain>`. */
    readonly ingressDomain?: string;
    readonly ingressClass?: string;
    readonly storageClass?: string;
    /** A cert-manager ClusterIssuer: ingresses serve HTTPS with a certificate from it. */
    readonly certIssuer?: string;
    /**
     * The networks that operate the platform (kubernetes, eks): public services' load balancers
     * and Ingresses admit these alone, and so do their network policies. Empty on kind, whose
     * node ports kind/cluster.yaml binds to 127.0.0.1.
     */
    readonly adminCidrs: readonly string[];
}
/** How readiness is judged, as the user wrote it or a catalog type defaults it. */
export type HealthSpec =
    | { readonly kind: "http"; readonly path: string }
    | { readonly kind: "tcp" }
    | { readonly kind: "command"; readonly command: readonly string[] };

/** One service, validated and with the platform definition and stack config merged. */
export interface ServiceSpec {
    readonly name: string;
    readonly type: string;
    /** Image as configured; undefined means the catalog type's pinned default. */
    readonly image?: string;
    readonly port?: number;
    readonly health?: HealthSpec;
    readonly public: boolean;
    /**
     * A data store (catalog `dataStore`) may be public on a cluster target only when the stack
     * says so for it: `exposeOnCluster: true`. Undefined means false.
     */
    readonly exposeOnCluster?: boolean;
    readonly hostPort?: number;
    readonly uses: readonly string[];
    readonly env: Readonly<Record<string, string>>;
    readonly secrets: readonly string[];
    readonly replicas?: number;
    readonly cpu?: string;
    readonly memory?: string;
    readonly storage?: string;
    readonly command?: readonly string[];
    readonly args?: readonly string[];
}

/** The whole validated stack configuration. */
export interface PlatformSpec {
    readonly project: string;
    readonly stack: string;
    readonly target: TargetName;
    readonly platform?: string;
    readonly size: Size;
    /** Host address that published ports bind to on targets with host ports. */
    readonly bindAddress: string;
    /** Dev-mode servers (Vault `-dev`) are allowed; only on the docker target. */
    readonly devMode: boolean;
    /** Settings of the AWS targets (eks, ec2); undefined elsewhere. */
    readonly aws?: AwsSettings;
    /** Settings of the Kubernetes targets (kind, kubernetes, eks); undefined elsewhere. */
    readonly kubernetes?: KubernetesSettings;
    /** Files the user supplies to seed a service once it is up (a schema), by service. */
    readonly seeds: Readonly<Record<string, { readonly path: string; readonly content: string }>>;
    /** Services in dependency order: every service comes after the services it uses. */
    readonly services: readonly ServiceSpec[];
    /** Host ports of every public service, by container port, on targets with host ports. */
    readonly hostPorts: Readonly<Record<string, Readonly<Record<number, number>>>>;
}

// ---------------------------------------------------------------------------
// The workload description: what a service needs, independent of any target.
// ---------------------------------------------------------------------------

/**
 * Who a port is for. Only `client` ports are ever published (a host port, a node port, a load
 * balancer or an Ingress); `admin` and `internal` ports stay inside the platform.
 * - client: what consumers connect to, and what the operator reaches when the service is public;
 * - admin: an administration API or UI that can change the service (RabbitMQ's management API);
 *   no service of the platform is let in either, only `kubectl port-forward` or `docker exec`;
 * - internal: metrics, health and status endpoints that the platform's own services read.
 */
export type PortAccess = "client" | "admin" | "internal";

export interface PortSpec {
    readonly name: string;
    readonly port: number;
    readonly protocol?: "tcp" | "udp";
    readonly access: PortAccess;
}

/** The client-facing ports: the only ones a target ever publishes. */
export const clientPorts = (ports: readonly PortSpec[]): PortSpec[] => ports.filter((p) => p.access === "client");

/** A probe as the platform understands it. */
export interface Probe {
    /** The native check: HTTP GET on a path, a TCP connect, or a command in the container. */
    readonly http?: { readonly path: string; readonly port: number; readonly scheme?: "http" | "https" };
    readonly tcp?: { readonly port: number };
    /**
     * A command that exists in this image and checks the same thing. Runtimes that can only
     * run commands (Docker health checks) use it; runtimes with native HTTP/TCP probes may not.
     * Run by `/bin/sh -c` when it is a string, exec'd when it is a list.
     */
    readonly command?: string | readonly string[];
    /** How long a slow starter may take before failures count. */
    readonly startSeconds: number;
}

export interface FileSpec {
    /** Absolute path in the container. */
    readonly path: string;
    readonly content: pulumi.Input<string>;
    /** The content carries a credential: targets keep it in a secret store, never in plain text. */
    readonly secret: boolean;
}

export interface VolumeSpec {
    /** Short name, unique within the service: `data`. */
    readonly name: string;
    readonly path: string;
}

/** How Prometheus scrapes a service. */
export interface MetricsSpec {
    readonly port: number;
    readonly path: string;
    readonly scheme?: "http" | "https";
    /** Extra query parameters (Vault wants `format=prometheus`). */
    readonly params?: Readonly<Record<string, string>>;
    /** A bearer token the endpoint requires; a Pulumi secret. */
    readonly bearerToken?: pulumi.Output<string>;
    /** The CA that signed the endpoint's certificate (PEM), for `scheme: https`. */
    readonly caCert?: pulumi.Input<string>;
}

/** The connection settings a service offers to the services that use it (SPEC "Connection settings"). */
export interface Connection {
    /** The service's name on the platform network, or a managed equivalent's address. */
    readonly host: pulumi.Input<string>;
    readonly port: number;
    /** In-platform URL; a secret when it carries a password. */
    readonly url: pulumi.Output<string>;
    readonly username?: pulumi.Input<string>;
    readonly password?: pulumi.Output<string>;
    readonly database?: string;
    readonly token?: pulumi.Output<string>;
    /** Object stores: the bucket the service provides (`S_BUCKET`). */
    readonly bucket?: pulumi.Input<string>;
    /** The CA (PEM) that signed the service's certificate, where it serves TLS with a generated one (`S_CA_CERT`). */
    readonly caCert?: pulumi.Input<string>;
}

/**
 * A credential as a workload receives it: its value, and where it is kept, the secret store of
 * the service that owns it under a key. Targets with a secret store (Kubernetes) reference it
 * there; others (Docker) pass the value, always as a Pulumi secret.
 */
export interface SecretRef {
    readonly owner: string;
    readonly key: string;
    readonly value: pulumi.Output<string>;
}

/** Keys of a service's secret store under which consumers find its connection credentials. */
export const SECRET_KEYS = { password: "password", token: "token", url: "url" } as const;

export interface Resources {
    /** CPU limit in cores, e.g. 0.5. */
    readonly cpu: number;
    /** Memory limit in MiB. */
    readonly memoryMiB: number;
    /** Volume size in GiB for services that keep data. */
    readonly storageGiB: number;
}

/**
 * A one-shot job that bootstraps a service once it is healthy (Vault's engines and tokens, the
 * apps' databases, a seed file …), in the platform network, with the service's credentials.
 * Its consumers start only after it has finished.
 */
export interface Task {
    /** `<service>-<task>`, unique in the platform. */
    readonly name: string;
    readonly service: string;
    readonly image: string;
    readonly command: readonly string[];
    readonly env: Readonly<Record<string, pulumi.Input<string>>>;
    readonly secretEnv: Readonly<Record<string, SecretRef>>;
    readonly files: readonly FileSpec[];
    readonly user: { readonly uid: number; readonly gid: number };
    /** Services the task connects to (its own, a managed equivalent …). */
    readonly reaches: readonly string[];
}

export interface Workload {
    readonly name: string;
    readonly type: string;
    readonly image: string;
    /** URL scheme of the primary port: `postgresql`, `redis`, `http` ... */
    readonly scheme: string;
    readonly command?: readonly string[];
    readonly args?: readonly string[];
    /** Ports the container listens on; the first is the one consumers connect to. */
    readonly ports: readonly PortSpec[];
    readonly env: Readonly<Record<string, pulumi.Input<string>>>;
    /** Environment variables whose values are credentials, by where each is kept. */
    readonly secretEnv: Readonly<Record<string, SecretRef>>;
    /** This service's secret store: every credential it owns, by key; each a Pulumi secret. */
    readonly ownSecrets: Readonly<Record<string, pulumi.Output<string>>>;
    readonly files: readonly FileSpec[];
    readonly volumes: readonly VolumeSpec[];
    /** Writable paths that need not survive a restart (tmpfs / emptyDir). */
    readonly scratch: readonly string[];
    /** The user the image's process runs as; volumes are owned by it. */
    readonly user: { readonly uid: number; readonly gid: number };
    /** Host paths the service cannot work without, declared by its type; targets that forbid them refuse it. */
    readonly hostAccess?: {
        readonly reason: string;
        readonly mounts: readonly { readonly hostPath: string; readonly path: string }[];
        readonly root?: boolean;
    };
    /** Linux capabilities added after dropping all. Empty for nearly every image. */
    readonly capabilities: readonly string[];
    /** The image tolerates a read-only root filesystem given `scratch` and `volumes`. */
    readonly readOnlyRootFilesystem: boolean;
    readonly probe: Probe;
    readonly metrics?: MetricsSpec;
    readonly resources: Resources;
    readonly replicas: number;
    readonly public: boolean;
    /**
     * Only the services that reach it may connect to it, on every target: on Kubernetes network
     * policy does this for every service; on Docker, where a stack shares one network, such a
     * service sits on a network of its own that only those services join (docker-proxy).
     */
    readonly consumersOnly: boolean;
    /** Services this one starts after (its `uses`), with the port it connects to. */
    readonly dependsOn: readonly { readonly name: string; readonly port: number }[];
    /** Services this one opens connections to: `uses` plus what the type implies (scrape targets, proxied apps). */
    readonly reaches: readonly string[];
    readonly connection: Connection;
    /** Bootstrap jobs to run once the service is healthy. */
    readonly tasks: readonly Task[];
}
