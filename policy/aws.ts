// AWS: encryption at rest, IMDSv2, no ingress from the whole internet, RDS and S3 private.
// Where @pulumi/awsguard already has the rule, its own policy object is used (it matches
// resources by type token, the same in @pulumi/aws 4 and 7), with enforcement made mandatory.
import * as aws from "@pulumi/aws";
import { PolicyResource, ResourceValidationPolicy, StackValidationPolicy, validateResourceOfType } from "@pulumi/policy";

// awsguard exports each policy from its module, without typings for it (marked @internal).
// eslint-disable-next-line @typescript-eslint/no-var-requires
const database = require("@pulumi/awsguard/database") as Record<string, ResourceValidationPolicy>;
// eslint-disable-next-line @typescript-eslint/no-var-requires
const compute = require("@pulumi/awsguard/compute") as Record<string, ResourceValidationPolicy>;

const mandatory = (p: ResourceValidationPolicy): ResourceValidationPolicy => ({ ...p, enforcementLevel: "mandatory" });

const WORLD = ["0.0.0.0/0", "::/0"];

export const awsResourcePolicies: ResourceValidationPolicy[] = [
    // From awsguard: rds-storage-encrypted, rds-instance-public-access, rds-instance-backup-enabled, encrypted-volumes.
    mandatory(database.rdsStorageEncrypted),
    mandatory(database.rdsInstancePublicAccess),
    mandatory(database.rdsInstanceBackupEnabled),
    mandatory(compute.encryptedVolumes),
    {
        name: "aws-kms-key-rotation",
        description: "Every KMS key rotates its key material.",
        enforcementLevel: "mandatory",
        validateResource: validateResourceOfType(aws.kms.Key, (k, args, report) => {
            if (!k.enableKeyRotation) report(`${args.name}: key rotation is off`);
        }),
    },
    {
        name: "aws-elasticache-encrypted",
        description: "ElastiCache encrypts at rest and in transit, with an auth token.",
        enforcementLevel: "mandatory",
        validateResource: validateResourceOfType(aws.elasticache.ReplicationGroup, (g, args, report) => {
            if (!g.atRestEncryptionEnabled) report(`${args.name}: not encrypted at rest`);
            if (!g.transitEncryptionEnabled) report(`${args.name}: not encrypted in transit`);
            if (!g.authToken) report(`${args.name}: no auth token`);
        }),
    },
    {
        name: "aws-imdsv2",
        description: "Instances and launch templates require IMDSv2 (session tokens).",
        enforcementLevel: "mandatory",
        validateResource: [
            validateResourceOfType(aws.ec2.Instance, (i, args, report) => {
                if (i.metadataOptions?.httpTokens !== "required") report(`${args.name}: IMDSv2 is not required`);
            }),
            validateResourceOfType(aws.ec2.LaunchTemplate, (t, args, report) => {
                if (t.metadataOptions?.httpTokens !== "required") report(`${args.name}: IMDSv2 is not required`);
                for (const b of t.blockDeviceMappings ?? []) {
                    if (b.ebs && String(b.ebs.encrypted) !== "true") report(`${args.name}: volume ${b.deviceName} is not encrypted`);
                }
            }),
        ],
    },
    {
        name: "aws-no-world-ingress",
        description: "No security group admits the whole internet. (Load balancers Kubernetes makes for public services get their source ranges from adminCidrs.)",
        enforcementLevel: "mandatory",
        validateResource: [
            validateResourceOfType(aws.ec2.SecurityGroup, (g, args, report) => {
                for (const r of g.ingress ?? []) {
                    const open = [...(r.cidrBlocks ?? []), ...(r.ipv6CidrBlocks ?? [])].filter((c) => WORLD.includes(c));
                    if (open.length) report(`${args.name}: port ${r.fromPort}-${r.toPort} open to ${open.join(", ")}`);
                }
            }),
            validateResourceOfType(aws.ec2.SecurityGroupRule, (r, args, report) => {
                const open = [...(r.cidrBlocks ?? []), ...(r.ipv6CidrBlocks ?? [])].filter((c) => WORLD.includes(c));
                if (r.type === "ingress" && open.length) report(`${args.name}: port ${r.fromPort}-${r.toPort} open to ${open.join(", ")}`);
            }),
            validateResourceOfType(aws.vpc.SecurityGroupIngressRule, (r, args, report) => {
                if (WORLD.includes(r.cidrIpv4 ?? "") || WORLD.includes(r.cidrIpv6 ?? "")) report(`${args.name}: open to the whole internet`);
            }),
        ],
    },
];

/** The resources of `type` that refer to `bucket` through one of their properties. */
const referring = (resources: PolicyResource[], type: string, bucket: PolicyResource) =>
    resources.filter((r) => r.type === type && Object.values(r.propertyDependencies ?? {}).some((deps) => deps.some((d) => d.urn === bucket.urn)));

export const awsStackPolicies: StackValidationPolicy[] = [
    {
        name: "aws-s3-private-and-encrypted",
        description: "Every S3 bucket blocks all public access and encrypts its objects by default.",
        enforcementLevel: "mandatory",
        validateStack: (args, report) => {
            for (const bucket of args.resources.filter((r) => r.type === "aws:s3/bucket:Bucket" || r.type === "aws:s3/bucketV2:BucketV2")) {
                const blocks = referring(args.resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", bucket);
                const fullyBlocked = blocks.some((b) => ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every((k) => b.props[k] === true));
                if (!fullyBlocked) report(`${bucket.name}: public access is not blocked on all four settings`);
                const sse = [
                    ...referring(args.resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", bucket),
                    ...referring(args.resources, "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2", bucket),
                ];
                if (sse.length === 0) report(`${bucket.name}: no default encryption`);
            }
        },
    },
];
