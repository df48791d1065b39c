// The settings of the Kubernetes and AWS targets: validated with the rest of the config, in the
// same `slipway:<key>: message` form, and refused on targets they do not apply to.
import { AWS_TARGETS, AwsSettings, EXPOSURES, Exposure, KUBERNETES_TARGETS, KubernetesSettings, Size, TARGETS, TargetName } from "../model";
import { DNS_LABEL, parseBool, Report } from "./util";

/** Keys that only mean something on the AWS targets. */
const AWS_KEYS = ["adminCidrs", "vpcCidr", "azCount", "kubernetesVersion", "instanceType", "nodeCount", "managedServices", "multiAz", "protectData", "sshKeyName"];

/** Instance types and EKS node counts by size. */
const AWS_SIZES: Record<Size, { instanceType: string; nodeCount: number }> = {
    small: { instanceType: "t3.large", nodeCount: 2 },
    medium: { instanceType: "m6i.xlarge", nodeCount: 3 },
    large: { instanceType: "m6i.2xlarge", nodeCount: 4 },
};

/** Keys that only mean something on the Kubernetes targets. */
const KUBERNETES_KEYS = ["kubeContext", "namespace", "exposure", "ingressDomain", "ingressClass", "storageClass"];

/** The kind cluster that kind/cluster.yaml creates, and its kubeconfig context. */
export const KIND_CONTEXT = "kind-slipway";

const DOMAIN = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export function validateKubernetes(
    cfg: Readonly<Record<string, unknown>>,
    target: unknown,
    stack: string,
    problem: Report,
): KubernetesSettings | undefined {
    const onKubernetes = KUBERNETES_TARGETS.includes(target as TargetName);
    if (!onKubernetes) {
        if ((TARGETS as readonly unknown[]).includes(target)) {
            for (const key of KUBERNETES_KEYS) {
                if (cfg[key] !== undefined) problem(key, `only applies to targets ${KUBERNETES_TARGETS.join(", ")}, not ${target}`);
            }
        }
        return undefined;
    }
    const text = (key: string): string | undefined => {
        const v = cfg[key];
        if (v === undefined) return undefined;
        if (typeof v !== "string" || v.trim() === "") {
            problem(key, `${JSON.stringify(v)} is not a non-empty string`);
            return undefined;
        }
        return v;
    };
    const context = text("kubeContext") ?? (target === "kind" ? KIND_CONTEXT : undefined);
    const namespace = text("namespace") ?? `slipway-${stack}`.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 63);
    if (!DNS_LABEL.test(namespace)) problem("namespace", `${JSON.stringify(namespace)} is not a namespace name (a DNS label)`);
    const exposure = (cfg.exposure ?? (target === "kind" ? "nodePort" : "loadBalancer")) as Exposure;
    if (!(EXPOSURES as readonly unknown[]).includes(exposure)) {
        problem("exposure", `${JSON.stringify(cfg.exposure)} is not an exposure; one of ${EXPOSURES.join(", ")}`);
    } else if (target === "kind" && exposure !== "nodePort") {
        problem("exposure", `target kind publishes services on node ports mapped by kind/cluster.yaml; ${exposure} needs a cluster that provides it`);
    }
    const ingressDomain = text("ingressDomain");
    if (ingressDomain !== undefined && !DOMAIN.test(ingressDomain)) problem("ingressDomain", `${JSON.stringify(ingressDomain)} is not a DNS domain`);
    if (exposure === "ingress" && cfg.ingressDomain === undefined) problem("ingressDomain", "required when exposure is ingress");
    return { context, namespace, exposure, ingressDomain, ingressClass: text("ingressClass"), storageClass: text("storageClass") };
}

const CIDR = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;

export function validateAws(cfg: Readonly<Record<string, unknown>>, target: unknown, size: Size, problem: Report): AwsSettings | undefined {
    if (!AWS_TARGETS.includes(target as TargetName)) {
        if ((TARGETS as readonly unknown[]).includes(target)) {
            for (const key of AWS_KEYS) if (cfg[key] !== undefined) problem(key, `only applies to targets ${AWS_TARGETS.join(", ")}, not ${target}`);
        }
        return undefined;
    }
    const adminCidrs: string[] = [];
    if (!Array.isArray(cfg.adminCidrs) || cfg.adminCidrs.length === 0) {
        problem("adminCidrs", "required on AWS: the networks (CIDRs) that operate the platform, e.g. [\"203.0.113.0/24\"]");
    } else {
        cfg.adminCidrs.forEach((c, i) => {
            if (typeof c !== "string" || !CIDR.test(c)) problem(`adminCidrs[${i}]`, `${JSON.stringify(c)} is not an IPv4 CIDR`);
            else if (c.endsWith("/0")) problem(`adminCidrs[${i}]`, `${c} opens the admin endpoints to the whole internet; list the networks that operate the platform`);
            else adminCidrs.push(c);
        });
    }
    const vpcCidr = cfg.vpcCidr ?? "10.0.0.0/16";
    if (typeof vpcCidr !== "string" || !CIDR.test(vpcCidr) || Number(vpcCidr.split("/")[1]) > 20 || Number(vpcCidr.split("/")[1]) < 16) {
        problem("vpcCidr", `${JSON.stringify(vpcCidr)} is not an IPv4 CIDR from /16 to /20`);
    }
    const integer = (key: string, fallback: number, min: number, max: number): number => {
        const v = cfg[key] ?? fallback;
        if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) {
            problem(key, `${JSON.stringify(v)} is not a whole number from ${min} to ${max}`);
            return fallback;
        }
        return v as number;
    };
    const bool = (key: string, fallback: boolean): boolean => {
        const v = parseBool(cfg[key] ?? fallback);
        if (v === undefined) problem(key, `${JSON.stringify(cfg[key])} is not true or false`);
        return v ?? fallback;
    };
    const text = (key: string, fallback?: string, pattern?: RegExp, what?: string): string | undefined => {
        const v = cfg[key] ?? fallback;
        if (v === undefined) return undefined;
        if (typeof v !== "string" || (pattern && !pattern.test(v))) {
            problem(key, `${JSON.stringify(v)} is not ${what ?? "a string"}`);
            return fallback;
        }
        return v;
    };
    const azCount = integer("azCount", 2, 2, 6);
    const nodeCount = integer("nodeCount", AWS_SIZES[size].nodeCount, 1, 100);
    const managedServices = bool("managedServices", target === "eks");
    if (target === "ec2" && managedServices) problem("managedServices", "managed equivalents (RDS, ElastiCache, S3) are for target eks; ec2 runs every service as a container");
    const sshKeyName = text("sshKeyName");
    if (target === "ec2" && sshKeyName === undefined) {
        problem("sshKeyName", "required on target ec2: the EC2 key pair whose private key your ssh agent holds (the Docker provider connects over SSH)");
    }
    return {
        adminCidrs,
        vpcCidr: vpcCidr as string,
        azCount,
        kubernetesVersion: text("kubernetesVersion", "1.33", /^1\.\d{2}$/, "a Kubernetes minor version like 1.33")!,
        instanceType: text("instanceType", AWS_SIZES[size].instanceType, /^[a-z][a-z0-9-]*\.[a-z0-9]+$/, "an EC2 instance type like t3.large")!,
        nodeCount,
        managedServices,
        multiAz: bool("multiAz", false),
        protectData: bool("protectData", false),
        sshKeyName,
    };
}

