// Identity: everything a stack makes carries the stack's name, so that what a destroy leaves
// behind can be found (scripts/leftovers.sh) and every resource traced to its stack
// (components/targets/identity.ts). The stack is read from the resource's URN,
// urn:pulumi:<stack>::<project>::<type>::<name>.
import { ResourceValidationPolicy } from "@pulumi/policy";
import { identityLabels, identityTags } from "../components/targets/identity";
import { labelsOf } from "./docker";

/** The stack and project of a URN. */
const stackOfUrn = (urn: string) => {
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

const LABELS_MISSING = "has no dev.slipway.stack/dev.slipway.project labels for this stack";
const TAGS_MISSING = "has no slipway:stack/slipway:project tags for this stack";

/** What a resource carries, what it must carry (the keys the program sets), and what to say when it does not. */
function identityOf(type: string, props: any, stack: string, project: string) {
    const id = { stack, project };
    if (DOCKER_TYPES.includes(type)) return { have: labelsOf(props), want: identityLabels(id), missing: LABELS_MISSING };
    if (type.startsWith("kubernetes:") && !type.startsWith("kubernetes:helm")) return { have: props.metadata?.labels ?? {}, want: identityLabels(id), missing: LABELS_MISSING };
    if (type.startsWith("aws:") && (AWS_TAGGED.includes(type) || props.tags !== undefined)) return { have: props.tags ?? {}, want: identityTags(id), missing: TAGS_MISSING };
    return undefined;
}

export const identityPolicies: ResourceValidationPolicy[] = [
    {
        name: "stack-identity",
        description: "Every Docker container, volume and network and every Kubernetes object is labelled with its stack and project; every tagged AWS resource is tagged with them.",
        enforcementLevel: "mandatory",
        validateResource: (args, report) => {
            const { stack, project } = stackOfUrn(args.urn);
            const id = identityOf(args.type, args.props, stack, project);
            if (id && Object.entries(id.want).some(([k, v]) => id.have[k] !== v)) report(`${args.name} ${id.missing}`);
        },
    },
];
