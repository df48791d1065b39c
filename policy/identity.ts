// Identity: everything a stack makes carries the stack's name, so that what a destroy leaves
// behind can be found (scripts/leftovers.sh) and every resource traced to its stack
// (components/targets/identity.ts). The stack is read from the resource's URN,
// urn:pulumi:<stack>::<project>::<type>::<name>.
import { ResourceValidationPolicy } from "@pulumi/policy";

/** The stack and project of a URN. */
export const stackOfUrn = (urn: string) => {
    const [, stack, project] = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(urn) ?? [];
    return { stack, project };
};

/** Docker types that take labels and that a destroy must remove. */
const DOCKER_TYPES = ["docker:index/container:Container", "docker:index/volume:Volume", "docker:index/network:Network"];

/**
 * AWS types that hold data, cost money or bound the network: they must be tagged even where the
 * program would pass no tags at all (a policy sees no input that was not set, so it cannot tell
 * an untagged resource of a type that takes tags from a type that takes none). Any other AWS
 * resource that has tags must carry the identity among them.
 */
const AWS_TAGGED = [
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/instance:Instance",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:eks/cluster:Cluster",
    "aws:eks/nodeGroup:NodeGroup",
    "aws:rds/instance:Instance",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:s3/bucket:Bucket",
    "aws:kms/key:Key",
    "aws:iam/role:Role",
];

function identityProblem(type: string, props: any, stack: string, project: string): string | undefined {
    if (DOCKER_TYPES.includes(type)) {
        const labels = Object.fromEntries((props.labels ?? []).map((l: { label: string; value: string }) => [l.label, l.value]));
        if (labels["dev.slipway.stack"] !== stack || labels["dev.slipway.project"] !== project) return "has no dev.slipway.stack/dev.slipway.project labels for this stack";
    } else if (type.startsWith("kubernetes:") && !type.startsWith("kubernetes:helm")) {
        const labels = props.metadata?.labels ?? {};
        if (labels["dev.slipway.stack"] !== stack || labels["dev.slipway.project"] !== project) return "has no dev.slipway.stack/dev.slipway.project labels for this stack";
    } else if (type.startsWith("aws:") && (AWS_TAGGED.includes(type) || props.tags !== undefined)) {
        const tags = props.tags ?? {};
        if (tags["slipway:stack"] !== stack || tags["slipway:project"] !== project) return "has no slipway:stack/slipway:project tags for this stack";
    }
    return undefined;
}

export const identityPolicies: ResourceValidationPolicy[] = [
    {
        name: "stack-identity",
        description: "Every Docker container, volume and network and every Kubernetes object is labelled with its stack and project; every tagged AWS resource is tagged with them.",
        enforcementLevel: "mandatory",
        validateResource: (args, report) => {
            const { stack, project } = stackOfUrn(args.urn);
            const problem = identityProblem(args.type, args.props, stack, project);
            if (problem) report(`${args.name} ${problem}`);
        },
    },
];
