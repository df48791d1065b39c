// The settings of the Kubernetes and AWS targets, validated with the rest of the config in the
// same `slipway:<key>: message` form. A key set on a target it does not apply to is refused
// by keys.ts (targetMismatches); here each target's keys get their target's defaults.
import { AWS_TARGETS, AwsSettings, EXPOSURES, Exposure, KUBERNETES_TARGETS, KubernetesSettings, Size, TargetName } from "../model";
import { ConfigKey, isSet } from "./keys";
import { DNS_LABEL, Report } from "./util";

/** Instance types and EKS node counts by size. */
const AWS_SIZES: Record<Size, { instanceType: string; nodeCount: number }> = {
    small: { instanceType: "t3.large", nodeCount: 2 },
    medium: { instanceType: "m6i.xlarge", nodeCount: 3 },
    large: { instanceType: "m6i.2xlarge", nodeCount: 4 },
};

/** The kind cluster that kind/cluster.yaml creates, and its kubeconfig context. */
export const KIND_CONTEXT = "kind-slipway";

const DOMAIN = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** A Kubernetes object name (RFC 1123 subdomain). */
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;
/** An ACM certificate's ARN (ACM API, CertificateArn): arn:<partition>:acm:<region>:<account>:certificate/<id>. */
const ACM_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/;
const CIDR = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;

type Config = Readonly<Record<string, unknown>>;

/** A string key's value, or undefined when it is left at its declared default (""). */
const text = (cfg: Config, key: ConfigKey): string | undefined => (isSet(cfg, key) ? (cfg[key] as string) : undefined);

/** The narrowest prefix an admin CIDR may have: a wider network is most of the internet. */
export const WIDEST_ADMIN_PREFIX = 8;

/**
 * `slipway:adminCidrs`, the networks that operate the platform: each an IPv4 CIDR no broader
 * than /8. A broader one (0.0.0.0/0, or 0.0.0.0/1 with 128.0.0.0/1) would open the admin
 * endpoints and public services to most of the internet, which is what the list is there to stop.
 */
export function adminCidrs(cfg: Config, problem: Report): string[] {
    const valid: string[] = [];
    (cfg.adminCidrs as readonly string[]).forEach((c, i) => {
        const prefix = Number(c.split("/")[1]);
        if (!CIDR.test(c)) problem(`adminCidrs[${i}]`, `${JSON.stringify(c)} is not an IPv4 CIDR`);
        else if (prefix < WIDEST_ADMIN_PREFIX) {
            problem(
                `adminCidrs[${i}]`,
                `${c} spans ${2 ** (32 - prefix)} addresses, more than a /${WIDEST_ADMIN_PREFIX}: a network that wide is most of the internet, ` +
                    `not the networks that operate the platform; list those, each /${WIDEST_ADMIN_PREFIX} or narrower`,
            );
        } else valid.push(c);
    });
    return valid;
}

/**
 * Namespaces a stack may not take: Kubernetes' own (`kube-system`, `kube-public`,
 * `kube-node-lease`, and the `kube-` prefix it reserves) and `default`, where the workloads of
 * everyone who names no namespace land. Slipway labels its namespace for the restricted Pod
 * Security Standard and puts a default-deny network policy in it, which would break theirs.
 */
function reservedNamespace(namespace: string): string | undefined {
    if (namespace === "default") return "is where every workload that names no namespace lands";
    if (namespace.startsWith("kube-")) return "belongs to Kubernetes itself (it reserves the kube- prefix)";
    return undefined;
}

export function validateKubernetes(
    cfg: Config,
    target: TargetName,
    stack: string,
    publicServices: readonly string[],
    cidrs: readonly string[],
    problem: Report,
): KubernetesSettings | undefined {
    if (!KUBERNETES_TARGETS.includes(target)) return undefined;
    const context = text(cfg, "kubeContext") ?? (target === "kind" ? KIND_CONTEXT : undefined);
    const namespace = text(cfg, "namespace") ?? `slipway-${stack}`.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 63);
    const reserved = reservedNamespace(namespace);
    if (!DNS_LABEL.test(namespace)) problem("namespace", `${JSON.stringify(namespace)} is not a namespace name (a DNS label)`);
    else if (reserved) {
        problem(
            "namespace",
            `${JSON.stringify(namespace)} ${reserved}; Slipway's default-deny network policy and restricted Pod Security labels would apply to other workloads there. ` +
                `Use a namespace of the stack's own (the default is slipway-<stack>)`,
        );
    }
    const exposure = (text(cfg, "exposure") ?? (target === "kind" ? "nodePort" : "loadBalancer")) as Exposure;
    if (!(EXPOSURES as readonly unknown[]).includes(exposure)) {
        problem("exposure", `${JSON.stringify(exposure)} is not an exposure; one of ${EXPOSURES.join(", ")}`);
    } else if (target === "kind" && exposure !== "nodePort") {
        problem("exposure", `target kind publishes services on node ports mapped by kind/cluster.yaml; ${exposure} needs a cluster that provides it`);
    } else if (target !== "kind" && exposure === "nodePort") {
        problem(
            "exposure",
            `nodePort is for kind, whose node ports kind/cluster.yaml binds to 127.0.0.1; on target ${target} a node port is open on every node's address ` +
                "to whoever reaches the nodes: use loadBalancer or ingress, which admit slipway:adminCidrs alone",
        );
    }
    const ingressDomain = text(cfg, "ingressDomain");
    if (ingressDomain !== undefined && !DOMAIN.test(ingressDomain)) problem("ingressDomain", `${JSON.stringify(ingressDomain)} is not a DNS domain`);
    if (exposure === "ingress" && ingressDomain === undefined) problem("ingressDomain", "required when exposure is ingress");
    // TLS: a cert-manager issuer serves ingresses, an ACM certificate serves AWS load balancers
    // (on a target where the key does not apply, keys.ts has refused it already).
    const certIssuer = target === "kind" ? undefined : text(cfg, "certIssuer");
    if (certIssuer !== undefined && !DNS_SUBDOMAIN.test(certIssuer)) problem("certIssuer", `${JSON.stringify(certIssuer)} is not a ClusterIssuer name`);
    else if (certIssuer !== undefined && exposure !== "ingress") problem("certIssuer", `serves ingresses, and exposure is ${exposure}; set exposure to ingress, or leave certIssuer unset`);
    if (target === "eks" && text(cfg, "certificateArn") !== undefined && exposure !== "loadBalancer") {
        problem("certificateArn", `serves load balancers, and exposure is ${exposure}; with an ingress, set certIssuer instead`);
    }
    // kind's node ports are bound to 127.0.0.1 (kind/cluster.yaml); elsewhere a public service
    // is open to the admin networks alone, so a platform with public services needs them.
    if (target === "kubernetes" && publicServices.length > 0 && (cfg.adminCidrs as readonly string[]).length === 0) {
        problem(
            "adminCidrs",
            `required on target kubernetes when a service is public (${publicServices.join(", ")}): its load balancer or Ingress ` +
                `admits these networks alone, e.g. ["203.0.113.0/24"]`,
        );
    }
    return {
        context,
        namespace,
        exposure,
        ingressDomain,
        ingressClass: text(cfg, "ingressClass"),
        storageClass: text(cfg, "storageClass"),
        adminCidrs: cidrs,
        certIssuer,
    };
}

export function validateAws(cfg: Config, target: TargetName, size: Size, cidrs: readonly string[], problem: Report): AwsSettings | undefined {
    if (!AWS_TARGETS.includes(target)) return undefined;
    if ((cfg.adminCidrs as readonly string[]).length === 0) {
        problem("adminCidrs", "required on AWS: the networks (CIDRs) that operate the platform, e.g. [\"203.0.113.0/24\"]");
    }
    const vpcCidr = cfg.vpcCidr as string;
    const prefix = Number(vpcCidr.split("/")[1]);
    if (!CIDR.test(vpcCidr) || prefix > 20 || prefix < 16) problem("vpcCidr", `${JSON.stringify(vpcCidr)} is not an IPv4 CIDR from /16 to /20`);
    const inRange = (key: string, value: number, min: number, max: number) => {
        if (value < min || value > max) problem(key, `${value} is not a whole number from ${min} to ${max}`);
    };
    const azCount = cfg.azCount as number;
    inRange("azCount", azCount, 2, 6);
    const nodeCount = isSet(cfg, "nodeCount") ? (cfg.nodeCount as number) : AWS_SIZES[size].nodeCount;
    inRange("nodeCount", nodeCount, 1, 100);
    const kubernetesVersion = cfg.kubernetesVersion as string;
    if (!/^1\.\d{2}$/.test(kubernetesVersion)) {
        // An unquoted 1.30 in a stack file is the YAML number 1.3, which the CLI hands over as "1.3".
        const hint = /^1\.\d$/.test(kubernetesVersion) ? ` (unquoted in YAML, 1.${kubernetesVersion.slice(2)}0 is the number ${kubernetesVersion}: quote it)` : "";
        problem("kubernetesVersion", `${JSON.stringify(kubernetesVersion)} is not a Kubernetes minor version like "1.33"${hint}`);
    }
    const instanceType = text(cfg, "instanceType") ?? AWS_SIZES[size].instanceType;
    if (!/^[a-z][a-z0-9-]*\.[a-z0-9]+$/.test(instanceType)) problem("instanceType", `${JSON.stringify(instanceType)} is not an EC2 instance type like t3.large`);
    const sshKeyName = text(cfg, "sshKeyName");
    if (target === "ec2" && sshKeyName === undefined) {
        problem("sshKeyName", "required on target ec2: the EC2 key pair whose private key your ssh agent holds (the Docker provider connects over SSH)");
    }
    const certificateArn = text(cfg, "certificateArn");
    if (certificateArn !== undefined && !ACM_ARN.test(certificateArn)) {
        problem("certificateArn", `${JSON.stringify(certificateArn)} is not an ACM certificate ARN like arn:aws:acm:us-east-1:123456789012:certificate/<id>`);
    }
    return {
        adminCidrs: cidrs,
        vpcCidr,
        azCount,
        kubernetesVersion,
        instanceType,
        nodeCount,
        // Only eks has managed equivalents; the key is refused elsewhere when it is set.
        managedServices: target === "eks" && (cfg.managedServices as boolean),
        multiAz: cfg.multiAz as boolean,
        protectData: cfg.protectData as boolean,
        sshKeyName,
        certificateArn,
    };
}
