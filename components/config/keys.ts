// Every `slipway:` config key, in the one place that documents it: its type, the default
// Pulumi.yaml gives every stack, the targets it means something on, and what it does.
// Pulumi.yaml's `config:` block and the README's configuration table are generated from this
// table (`npm run docs:config`), and a test fails when either drifts from it.
//
// Why every optional key has a `default` in Pulumi.yaml: the CLI refuses to run a stack that
// lacks a key declared there with neither `default` nor `value` (pulumi/pulumi
// sdk/go/common/workspace/config.go, mergeConfig: "Stack '%v' is missing configuration %v %v"),
// and it writes a declared default into every stack that lacks the key. So a default must be
// a value every target accepts. Keys whose real default depends on the target declare a neutral
// one ("" or 0: "the target decides", spelled out in `defaultDoc`), and a key that only means
// something on some targets is refused elsewhere only when it differs from its declared default.
import { TargetName } from "../model";
import { Report } from "./util";

export type KeyType = "string" | "integer" | "boolean" | "array" | "object";

export interface KeySpec {
    readonly type: KeyType;
    /** Element type of an array key. */
    readonly items?: "string";
    /** What Pulumi.yaml gives a stack that does not set the key; undefined: the key is required. */
    readonly default?: string | number | boolean | readonly string[] | Readonly<Record<string, never>>;
    /** The targets the key means something on; undefined: every target. */
    readonly targets?: readonly TargetName[];
    /** The type as the README shows it. */
    readonly typeDoc: string;
    /** The value in effect when the key is left at its default, as the README shows it. */
    readonly defaultDoc: string;
    /** What the key does: Pulumi.yaml's description and the README's "meaning" column. */
    readonly description: string;
}

const AWS: readonly TargetName[] = ["eks", "ec2"];
const KUBERNETES: readonly TargetName[] = ["kind", "kubernetes", "eks"];

/** In the order the README and Pulumi.yaml list them. */
export const KEYS = {
    target: {
        type: "string",
        typeDoc: "`docker` \\| `kind` \\| `kubernetes` \\| `eks` \\| `ec2`",
        defaultDoc: "required",
        description: "Where the platform runs: docker, kind, kubernetes, eks or ec2.",
    },
    platform: {
        type: "string",
        default: "",
        typeDoc: "string",
        defaultDoc: "none",
        description: "A bundled platform definition, platforms/<name>.yaml, that `services` is merged over.",
    },
    services: {
        type: "object",
        default: {},
        typeDoc: "map",
        defaultDoc: "`{}`",
        description: "Service name -> service config (type, image, port, health, public, exposeOnCluster, hostPort, uses, env, secrets, replicas, cpu, memory, storage, command, args), merged key by key over the platform; a service set to null is removed.",
    },
    size: {
        type: "string",
        default: "small",
        typeDoc: "`small` \\| `medium` \\| `large`",
        defaultDoc: "`small`",
        description: "Default sizing of every service: medium doubles small, large quadruples it. A service's own cpu, memory and storage win.",
    },
    bindAddress: {
        type: "string",
        default: "",
        targets: ["docker", "ec2"],
        typeDoc: "IPv4",
        defaultDoc: "`127.0.0.1` on docker, `0.0.0.0` on ec2 (behind its firewall)",
        description: "Host address that public services' ports are published on (docker, ec2). 0.0.0.0 exposes them to the network.",
    },
    devMode: {
        type: "boolean",
        default: false,
        targets: ["docker"],
        typeDoc: "boolean",
        defaultDoc: "`false`",
        description: "Allow dev-mode servers (Vault's in-memory -dev server with a generated root token); docker only. The dev stack sets it.",
    },
    kubeContext: {
        type: "string",
        default: "",
        targets: ["kind", "kubernetes"],
        typeDoc: "string",
        defaultDoc: "`kind-slipway` on kind, the current context on kubernetes",
        description: "kubeconfig context of the cluster (kind, kubernetes).",
    },
    namespace: {
        type: "string",
        default: "",
        targets: KUBERNETES,
        typeDoc: "string",
        defaultDoc: "`slipway-<stack>`",
        description: "Kubernetes namespace of the stack (kind, kubernetes, eks); it enforces the restricted Pod Security Standard.",
    },
    exposure: {
        type: "string",
        default: "",
        targets: KUBERNETES,
        typeDoc: "`nodePort` \\| `loadBalancer` \\| `ingress`",
        defaultDoc: "`nodePort` on kind, `loadBalancer` elsewhere",
        description: "How public services are reached on Kubernetes: node ports (kind alone: 30000-30019, which kind/cluster.yaml binds to 127.0.0.1), load balancers, or an Ingress for ingress-nginx (needs ingressDomain); load balancers and Ingresses admit adminCidrs alone.",
    },
    ingressDomain: {
        type: "string",
        default: "",
        targets: KUBERNETES,
        typeDoc: "string",
        defaultDoc: "none",
        description: "With exposure ingress: public services are served at <service>.<ingressDomain> (http://, or https:// with certIssuer).",
    },
    ingressClass: {
        type: "string",
        default: "",
        targets: KUBERNETES,
        typeDoc: "string",
        defaultDoc: "the cluster's default class",
        description: "With exposure ingress: the IngressClass to use.",
    },
    certIssuer: {
        type: "string",
        default: "",
        targets: ["kubernetes", "eks"],
        typeDoc: "string",
        defaultDoc: "none: ingresses serve plain HTTP",
        description: "With exposure ingress: a cert-manager ClusterIssuer. Each public service's Ingress gets a certificate from it and serves https://<service>.<ingressDomain>. Without it, ingresses serve plain HTTP.",
    },
    certificateArn: {
        type: "string",
        default: "",
        targets: ["eks"],
        typeDoc: "ACM certificate ARN",
        defaultDoc: "none: load balancers serve plain HTTP",
        description: "With exposure loadBalancer on eks: an ACM certificate. Public HTTP services' network load balancers terminate TLS with it on their ports (https://). Without it, they serve plain HTTP.",
    },
    storageClass: {
        type: "string",
        default: "",
        targets: KUBERNETES,
        typeDoc: "string",
        defaultDoc: "the cluster's default; on eks, the encrypted gp3 class Slipway makes",
        description: "StorageClass of the data volumes of services that keep data (kind, kubernetes, eks).",
    },
    adminCidrs: {
        type: "array",
        items: "string",
        default: [],
        targets: ["kubernetes", "eks", "ec2"],
        typeDoc: "list of IPv4 CIDRs",
        defaultDoc: "required on eks and ec2, and on kubernetes when a service is public",
        description: "The networks that operate the platform (kubernetes, eks, ec2): they alone reach the public services' load balancers and Ingresses, the EKS API endpoint and SSH on the ec2 host. A CIDR broader than /8 is refused.",
    },
    vpcCidr: {
        type: "string",
        default: "10.0.0.0/16",
        targets: AWS,
        typeDoc: "IPv4 CIDR",
        defaultDoc: "`10.0.0.0/16`",
        description: "The VPC's address range, /16 to /20, split into a public and a private subnet per availability zone (eks, ec2).",
    },
    azCount: {
        type: "integer",
        default: 2,
        targets: AWS,
        typeDoc: "integer",
        defaultDoc: "`2`",
        description: "Availability zones the VPC spans, 2 to 6 (eks, ec2).",
    },
    kubernetesVersion: {
        type: "string",
        default: "1.33",
        targets: ["eks"],
        typeDoc: "string",
        defaultDoc: "`1.33`",
        description: "The EKS control plane's Kubernetes minor version. Quote it in YAML (\"1.30\"): unquoted, 1.30 is the number 1.3.",
    },
    instanceType: {
        type: "string",
        default: "",
        targets: AWS,
        typeDoc: "string",
        defaultDoc: "by size: `t3.large`, `m6i.xlarge`, `m6i.2xlarge`",
        description: "Instance type of the EKS nodes or of the ec2 host.",
    },
    nodeCount: {
        type: "integer",
        default: 0,
        targets: ["eks"],
        typeDoc: "integer",
        defaultDoc: "by size: 2, 3, 4",
        description: "Nodes in the EKS managed node group; 0 means by size.",
    },
    managedServices: {
        type: "boolean",
        default: true,
        targets: ["eks"],
        typeDoc: "boolean",
        defaultDoc: "`true`",
        description: "eks: run postgres on RDS, redis on ElastiCache and minio on S3 instead of in the cluster, with the same connection settings. Other targets have no managed equivalents.",
    },
    multiAz: {
        type: "boolean",
        default: false,
        targets: AWS,
        typeDoc: "boolean",
        defaultDoc: "`false`",
        description: "A NAT gateway per zone, a Multi-AZ RDS standby and an ElastiCache replica with automatic failover (eks, ec2).",
    },
    protectData: {
        type: "boolean",
        default: false,
        targets: AWS,
        typeDoc: "boolean",
        defaultDoc: "`false` (`prod`: `true`)",
        description: "Protect stateful resources (RDS, ElastiCache, S3, KMS keys, the EKS cluster, the ec2 host) from deletion and keep final snapshots (eks, ec2).",
    },
    sshKeyName: {
        type: "string",
        default: "",
        targets: ["ec2"],
        typeDoc: "string",
        defaultDoc: "required on ec2",
        description: "The EC2 key pair whose private key your ssh agent holds; the Docker provider deploys the containers over SSH (ec2).",
    },
    seeds: {
        type: "object",
        default: {},
        typeDoc: "map",
        defaultDoc: "`{}`",
        description: "Service name -> path, relative to the project, of a file run once the service is up: .sql for postgres, .cypher for neo4j. Write it to run again safely.",
    },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof KEYS;
export const CONFIG_KEYS = Object.keys(KEYS) as ConfigKey[];

export const NS = "slipway";

const sameValue = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A key the stack set to something other than what Pulumi.yaml gives every stack. */
export function isSet(config: Readonly<Record<string, unknown>>, key: ConfigKey): boolean {
    const spec: KeySpec = KEYS[key];
    return config[key] !== undefined && !sameValue(config[key], spec.default);
}

/** Config values with every declared default filled in, as the CLI hands a stack over. */
export function withDefaults(config: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const key of CONFIG_KEYS) {
        const spec: KeySpec = KEYS[key];
        if (spec.default !== undefined) out[key] = spec.default;
    }
    return { ...out, ...config };
}

/** Problems for keys set on a target they do not apply to. */
export function targetMismatches(config: Readonly<Record<string, unknown>>, target: TargetName, problem: Report): void {
    for (const key of CONFIG_KEYS) {
        const targets: readonly TargetName[] | undefined = (KEYS[key] as KeySpec).targets;
        if (targets && !targets.includes(target) && isSet(config, key)) {
            problem(key, `only applies to targets ${targets.join(", ")}, not ${target}`);
        }
    }
}
