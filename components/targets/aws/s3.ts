// minio on S3: a bucket that is private, encrypted with KMS by default, versioned, reached over
// TLS only, and whose every request is recorded by S3 server access logging in a log bucket of
// its own. No IAM user and no access key: consumers on EKS reach it with an IAM role of their
// own (IRSA), limited to this bucket (eks-target.ts).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { AwsSettings, ServiceSpec } from "../../model";
import { AwsAccount } from "./account";
import { awsName } from "./names";

/** Where access logs go in the log bucket. */
export const ACCESS_LOG_PREFIX = "access-logs/";
/** Days an access log is kept. */
export const ACCESS_LOG_DAYS = 365;

/** Deny any request that does not use TLS (S3 User Guide, "aws:SecureTransport"). */
const tlsOnly = (arn: string) => ({
    Sid: "TLSOnly",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [arn, `${arn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
});

/** A bucket no one reaches without a policy that says so: every public-access block on. */
function blockPublic(name: string, bucket: aws.s3.Bucket, base: pulumi.CustomResourceOptions) {
    return new aws.s3.BucketPublicAccessBlock(name, { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true }, base);
}

export interface Bucket {
    readonly bucket: aws.s3.Bucket;
    /** Ready once the bucket, its policy and its logging are in place. */
    readonly ready: pulumi.Resource[];
}

export function s3Bucket(stack: string, spec: ServiceSpec, s: AwsSettings, account: AwsAccount, base: pulumi.CustomResourceOptions): Bucket {
    const o = { ...base, protect: s.protectData };
    const accountId = account.id;
    const bucket = new aws.s3.Bucket(`${spec.name}-bucket`, { bucketPrefix: `${awsName(`${stack}-${spec.name}`, 36)}-`, forceDestroy: !s.protectData }, o);
    blockPublic(`${spec.name}-bucket`, bucket, base);
    new aws.s3.BucketServerSideEncryptionConfiguration(
        `${spec.name}-bucket`,
        { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" }, bucketKeyEnabled: true }] },
        base,
    );
    new aws.s3.BucketVersioning(`${spec.name}-bucket`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, base);
    const policy = new aws.s3.BucketPolicy(
        `${spec.name}-bucket`,
        { bucket: bucket.id, policy: bucket.arn.apply((arn) => JSON.stringify({ Version: "2012-10-17", Statement: [tlsOnly(arn)] })) },
        base,
    );

    // The log bucket: in the same region and account, as S3 requires, and encrypted with
    // S3-managed keys, because log delivery does not write to a bucket whose default is SSE-KMS
    // (S3 User Guide, "Enabling Amazon S3 server access logging": destination bucket
    // requirements). ACLs are off (BucketOwnerEnforced), so the logging service is let in by
    // the bucket policy, and only for logs of this bucket in this account (S3 User Guide,
    // "Permissions for log delivery": logging.s3.amazonaws.com, aws:SourceArn, aws:SourceAccount).
    const logs = new aws.s3.Bucket(`${spec.name}-access-logs`, { bucketPrefix: `${awsName(`${stack}-${spec.name}`, 31)}-logs-`, forceDestroy: !s.protectData }, o);
    blockPublic(`${spec.name}-access-logs`, logs, base);
    new aws.s3.BucketOwnershipControls(`${spec.name}-access-logs`, { bucket: logs.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, base);
    new aws.s3.BucketServerSideEncryptionConfiguration(`${spec.name}-access-logs`, { bucket: logs.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, base);
    new aws.s3.BucketLifecycleConfiguration(
        `${spec.name}-access-logs`,
        { bucket: logs.id, rules: [{ id: "expire-access-logs", status: "Enabled", filter: { prefix: ACCESS_LOG_PREFIX }, expiration: { days: ACCESS_LOG_DAYS } }] },
        base,
    );
    const logPolicy = new aws.s3.BucketPolicy(
        `${spec.name}-access-logs`,
        {
            bucket: logs.id,
            policy: pulumi.all([logs.arn, bucket.arn, accountId]).apply(([logArn, sourceArn, acct]) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Sid: "S3ServerAccessLogs",
                            Effect: "Allow",
                            Principal: { Service: "logging.s3.amazonaws.com" },
                            Action: "s3:PutObject",
                            Resource: `${logArn}/${ACCESS_LOG_PREFIX}*`,
                            Condition: { ArnLike: { "aws:SourceArn": sourceArn }, StringEquals: { "aws:SourceAccount": acct } },
                        },
                        tlsOnly(logArn),
                    ],
                }),
            ),
        },
        base,
    );
    const logging = new aws.s3.BucketLogging(
        `${spec.name}-bucket`,
        { bucket: bucket.id, targetBucket: logs.id, targetPrefix: ACCESS_LOG_PREFIX },
        { ...base, dependsOn: [logPolicy] },
    );
    return { bucket, ready: [bucket, policy, logging] };
}

/**
 * What a consumer's role may do with the bucket: list it and read and write its objects, and
 * only through the VPC's S3 gateway endpoint, so credentials taken off a pod are no use
 * elsewhere (IAM global condition key aws:SourceVpce).
 */
export function bucketStatements(bucketArn: string, vpceId: string): object[] {
    const through = { StringEquals: { "aws:SourceVpce": vpceId } };
    return [
        { Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: bucketArn, Condition: through },
        { Effect: "Allow", Action: ["s3:GetObject*", "s3:PutObject*", "s3:DeleteObject*", "s3:AbortMultipartUpload"], Resource: `${bucketArn}/*`, Condition: through },
    ];
}
