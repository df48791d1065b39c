// Target selection. Each target's module is loaded only when a stack uses it, so a Docker
// stack never loads the Kubernetes or AWS providers (a test checks it).
import * as pulumi from "@pulumi/pulumi";
import { CATALOG } from "../catalog";
import { KUBERNETES_TARGETS, PlatformSpec } from "../model";
import { Materializer } from "../service";
import { publishedPorts } from "./ports";

/** Rules that depend on the target, in the same `slipway:<path>: message` form as the rest. */
export function targetProblems(spec: PlatformSpec): string[] {
    if (spec.target === "docker" || spec.target === "ec2") return (require("./docker") as typeof import("./docker")).dockerProblems(spec);
    // eks: the managed equivalents' AWS identifiers too (a pure module: no provider is loaded).
    const aws = spec.target === "eks" ? (require("./aws/names") as typeof import("./aws/names")).awsNameProblems(spec) : [];
    if (KUBERNETES_TARGETS.includes(spec.target)) return [...kubernetesProblems(spec), ...aws];
    return aws;
}

function kubernetesProblems(spec: PlatformSpec): string[] {
    const { KIND_NODE_PORTS } = require("./kubernetes") as typeof import("./kubernetes");
    const problems: string[] = [];
    for (const s of spec.services) {
        const host = CATALOG[s.type].hostAccess;
        if (host) {
            problems.push(
                `slipway:services.${s.name}.type: ${s.type} needs the host (${host.reason}); ` +
                    `target ${spec.target} runs every pod under the restricted Pod Security Standard, which forbids host paths`,
            );
        }
        if (s.public && spec.kubernetes!.exposure === "ingress" && CATALOG[s.type].scheme !== "http") {
            problems.push(`slipway:services.${s.name}.public: exposure ingress carries HTTP only, and ${s.type} speaks ${CATALOG[s.type].scheme}`);
        }
    }
    if (spec.target === "kind") {
        const ports = publishedPorts(spec);
        const needed = spec.services.filter((s) => s.public).reduce((n, s) => n + ports(s.name).length, 0);
        if (needed > KIND_NODE_PORTS.count) {
            problems.push(`slipway:services: public services need ${needed} node ports; kind/cluster.yaml maps ${KIND_NODE_PORTS.count} (${KIND_NODE_PORTS.first}-${KIND_NODE_PORTS.first + KIND_NODE_PORTS.count - 1})`);
        }
    }
    return problems;
}

export function materializerFor(spec: PlatformSpec, parent: pulumi.Resource): Materializer {
    switch (spec.target) {
        case "docker": {
            const { DockerTarget } = require("./docker") as typeof import("./docker");
            return new DockerTarget(spec, parent);
        }
        case "kind":
        case "kubernetes": {
            const { KubernetesTarget } = require("./kubernetes") as typeof import("./kubernetes");
            return new KubernetesTarget(spec, parent, publishedPorts(spec));
        }
        case "eks": {
            const { EksTarget } = require("./aws/eks-target") as typeof import("./aws/eks-target");
            return new EksTarget(spec, parent, publishedPorts(spec));
        }
        case "ec2": {
            const { Ec2Target } = require("./aws/ec2-target") as typeof import("./aws/ec2-target");
            return new Ec2Target(spec, parent);
        }
        default:
            throw new Error(`target ${spec.target} is not implemented`);
    }
}
