// Managed equivalents on AWS: postgres -> RDS, redis -> ElastiCache, minio -> S3. Each is made
// with the credentials the service component already generated, and hands its consumers the
// same connection settings (S_HOST, S_PORT, S_URL, S_USERNAME, S_PASSWORD …) as the container
// would; S3 alone is reached with an IAM role per consumer instead of a password (s3.ts).
// Every one is encrypted, private to the VPC, reachable only from the cluster's nodes.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Credentials, secretInterpolate } from "../../catalog/types";
import { ManagedAs } from "../../service";
import { POSTGRES_DB, POSTGRES_USER } from "../../catalog/postgres";
import { AwsSettings, Connection, ServiceSpec, Size } from "../../model";
import { AwsAccount } from "./account";
import { LOG_RETENTION_DAYS } from "./flow-logs";
import { cacheId, rdsIdentifier } from "./names";
import { Network } from "./network";
import { s3Bucket } from "./s3";

/** The logs RDS for PostgreSQL exports to CloudWatch Logs (RDS User Guide, "PostgreSQL database log files"). */
export const RDS_LOG_EXPORTS = ["postgresql", "upgrade"];

export interface Managed {
    readonly connection: Connection;
    readonly ready: pulumi.Resource[];
    /** What the operator reads in `endpoints`: the managed service's address (no credential). */
    readonly endpoint: pulumi.Output<string>;
    /** Where consumers connect, for their network policy: a port inside the VPC, or HTTPS out. */
    readonly port: number;
    /** An S3 bucket's ARN: its consumers get a role that may use it. */
    readonly bucketArn?: pulumi.Output<string>;
}

const RDS_CLASS: Record<Size, string> = { small: "db.t4g.medium", medium: "db.m6g.large", large: "db.m6g.xlarge" };
const CACHE_NODE: Record<Size, string> = { small: "cache.t4g.small", medium: "cache.m7g.large", large: "cache.m7g.xlarge" };

/**
 * The types AWS runs, and what each takes of the credentials the type owns: RDS the master
 * password, ElastiCache the auth token (the password); S3 nothing, its consumers use IAM roles.
 */
export const MANAGED_TYPES: Readonly<Record<string, ManagedAs>> = { postgres: { password: true }, redis: { password: true }, minio: { password: false } };

export class ManagedServices {
    private dbSubnets?: aws.rds.SubnetGroup;
    private cacheSubnets?: aws.elasticache.SubnetGroup;
    constructor(
        private readonly name: string,
        private readonly size: Size,
        private readonly settings: AwsSettings,
        private readonly network: Network,
        /** The security group of the clients (the EKS cluster's): the only source let in. */
        private readonly clientSecurityGroup: pulumi.Input<string>,
        private readonly account: AwsAccount,
        private readonly opts: pulumi.ComponentResourceOptions,
    ) {}

    /** What the managed equivalent of a service takes, or undefined when AWS has none for its type. */
    public takes(spec: ServiceSpec): ManagedAs | undefined {
        return Object.hasOwn(MANAGED_TYPES, spec.type) ? MANAGED_TYPES[spec.type] : undefined;
    }

    /** The managed equivalent of a service, or undefined when AWS has none for its type. */
    public provision(spec: ServiceSpec, credentials: Credentials, parent: pulumi.Resource): Managed | undefined {
        // Under the target's options: its tags (targets/identity.ts).
        const base: pulumi.CustomResourceOptions = { ...this.opts, parent };
        switch (spec.type) {
            case "postgres":
                return this.postgres(spec, credentials, base);
            case "redis":
                return this.redis(spec, credentials, base);
            case "minio":
                return this.s3(spec, base);
            default:
                return undefined;
        }
    }

    private firewall(spec: ServiceSpec, port: number, base: pulumi.CustomResourceOptions): aws.ec2.SecurityGroup {
        return new aws.ec2.SecurityGroup(
            `${spec.name}-sg`,
            {
                vpcId: this.network.vpc.id,
                description: `${this.name}: ${spec.name} (${spec.type}) from the cluster only`,
                ingress: [{ protocol: "tcp", fromPort: port, toPort: port, securityGroups: [this.clientSecurityGroup], description: "cluster nodes" }],
                egress: [],
            },
            base,
        );
    }

    private postgres(spec: ServiceSpec, credentials: Credentials, base: pulumi.CustomResourceOptions): Managed {
        const s = this.settings;
        this.dbSubnets ??= new aws.rds.SubnetGroup("db-subnets", { subnetIds: this.network.privateSubnets.map((x) => x.id) }, this.opts);
        const identifier = rdsIdentifier(this.name, spec.name);
        // RDS makes /aws/rds/instance/<id>/<log> on first export and keeps it forever; made
        // first, the groups have a retention (RDS User Guide, "Publishing PostgreSQL logs to
        // Amazon CloudWatch Logs").
        const logGroups = RDS_LOG_EXPORTS.map(
            (log) => new aws.cloudwatch.LogGroup(`${spec.name}-rds-${log}`, { name: `/aws/rds/instance/${identifier}/${log}`, retentionInDays: LOG_RETENTION_DAYS }, base),
        );
        const db = new aws.rds.Instance(
            `${spec.name}-rds`,
            {
                identifier,
                engine: "postgres",
                engineVersion: "16",
                instanceClass: RDS_CLASS[this.size],
                allocatedStorage: 20,
                maxAllocatedStorage: 200,
                storageType: "gp3",
                storageEncrypted: true,
                dbName: POSTGRES_DB,
                username: POSTGRES_USER,
                password: credentials.password!,
                dbSubnetGroupName: this.dbSubnets.name,
                vpcSecurityGroupIds: [this.firewall(spec, 5432, base).id],
                publiclyAccessible: false,
                multiAz: s.multiAz,
                backupRetentionPeriod: s.protectData ? 14 : 7,
                deletionProtection: s.protectData,
                skipFinalSnapshot: !s.protectData,
                finalSnapshotIdentifier: `${identifier}-final`,
                copyTagsToSnapshot: true,
                autoMinorVersionUpgrade: true,
                // IAM database authentication on: a role granted rds_iam logs in with a
                // short-lived token from its IAM identity instead of a password (RDS User Guide,
                // "IAM database authentication"). The roles Slipway makes keep their passwords.
                iamDatabaseAuthenticationEnabled: true,
                enabledCloudwatchLogsExports: RDS_LOG_EXPORTS,
            },
            { ...base, protect: s.protectData, dependsOn: logGroups },
        );
        return {
            connection: {
                host: db.address,
                port: 5432,
                username: POSTGRES_USER,
                password: credentials.password,
                database: POSTGRES_DB,
                url: secretInterpolate`postgresql://${POSTGRES_USER}:${credentials.password}@${db.address}:5432/${POSTGRES_DB}?sslmode=require`,
            },
            ready: [db],
            endpoint: pulumi.interpolate`postgresql://${db.address}:5432`,
            port: 5432,
        };
    }

    private redis(spec: ServiceSpec, credentials: Credentials, base: pulumi.CustomResourceOptions): Managed {
        const s = this.settings;
        this.cacheSubnets ??= new aws.elasticache.SubnetGroup("cache-subnets", { subnetIds: this.network.privateSubnets.map((x) => x.id) }, this.opts);
        const id = cacheId(this.name, spec.name);
        const cache = new aws.elasticache.ReplicationGroup(
            `${spec.name}-elasticache`,
            {
                replicationGroupId: id,
                description: `${this.name}: ${spec.name}`,
                engine: "redis",
                engineVersion: "7.1",
                nodeType: CACHE_NODE[this.size],
                port: 6379,
                numCacheClusters: s.multiAz ? 2 : 1,
                automaticFailoverEnabled: s.multiAz,
                multiAzEnabled: s.multiAz,
                atRestEncryptionEnabled: true,
                transitEncryptionEnabled: true,
                authToken: credentials.password!,
                subnetGroupName: this.cacheSubnets.name,
                securityGroupIds: [this.firewall(spec, 6379, base).id],
                snapshotRetentionLimit: s.protectData ? 7 : 1,
                finalSnapshotIdentifier: s.protectData ? `${id}-final` : undefined,
            },
            { ...base, protect: s.protectData },
        );
        return {
            connection: {
                host: cache.primaryEndpointAddress,
                port: 6379,
                username: "default",
                password: credentials.password,
                // ElastiCache encrypts in transit: rediss://, the TLS form of the same URL.
                url: secretInterpolate`rediss://default:${credentials.password}@${cache.primaryEndpointAddress}:6379/0`,
            },
            ready: [cache],
            endpoint: pulumi.interpolate`rediss://${cache.primaryEndpointAddress}:6379`,
            port: 6379,
        };
    }

    private s3(spec: ServiceSpec, base: pulumi.CustomResourceOptions): Managed {
        const { bucket, ready } = s3Bucket(this.name, spec, this.settings, this.account, base);
        const host = pulumi.interpolate`s3.${this.account.region}.amazonaws.com`;
        return {
            // No username and no password: consumers authenticate as the IAM role of their own
            // service account (IRSA), which the EKS pod identity webhook hands the AWS SDKs as
            // AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE, with AWS_REGION (eks-target.ts).
            connection: { host, port: 443, url: pulumi.interpolate`https://${host}`, bucket: bucket.bucket },
            ready,
            endpoint: pulumi.interpolate`https://${host}/${bucket.bucket}`,
            port: 443,
            bucketArn: bucket.arn,
        };
    }
}
