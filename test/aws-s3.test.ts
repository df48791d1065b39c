// minio on S3 (eks): every request to the bucket is logged by S3 server access logging to a
// private log bucket of its own, and consumers reach the bucket with an IAM role of their own
// (IRSA), limited to that bucket, instead of an IAM user's long-lived access key.
import { strict as assert } from "assert";
import { app } from "./bad-configs";
import { isWrappedSecret, plain, plainTextLeaks, Recorded, Run, runProgram, runStack } from "./harness";

const of = (run: Run, type: string) => run.resources.filter((r) => r.type === type);
const named = (run: Run, type: string, name: string) => {
    const found = of(run, type).filter((r) => r.name === name);
    assert.equal(found.length, 1, `one ${type} ${name}`);
    return plain(found[0].inputs);
};
const inputs = (r: Recorded) => plain(r.inputs);
const ADMIN = ["203.0.113.0/24"];
/** The double names a bucket after its prefix: `<bucketPrefix>0001`. */
const BUCKET = "arn:aws:s3:::slipway-prod-minio-0001";
const LOGS = "arn:aws:s3:::slipway-prod-minio-logs-0001";

describe("aws S3: server access logging", () => {
    let run: Run;
    before(async () => {
        run = await runStack("prod");
    });

    it("logs the bucket's requests to a log bucket of its own, under access-logs/", () => {
        const logging = named(run, "aws:s3/bucketLogging:BucketLogging", "minio-bucket");
        assert.equal(logging.bucket, "minio-bucket-id");
        assert.equal(logging.targetBucket, "minio-access-logs-id");
        assert.equal(logging.targetPrefix, "access-logs/");
        assert.equal(named(run, "aws:s3/bucket:Bucket", "minio-access-logs").bucketPrefix, "slipway-prod-minio-logs-");
    });

    it("keeps the log bucket private, ACLs off, encrypted with S3-managed keys (log delivery refuses SSE-KMS), TLS only, logs expiring after a year", () => {
        const block = named(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "minio-access-logs");
        for (const k of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) assert.equal(block[k], true, k);
        assert.equal(named(run, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "minio-access-logs").rule.objectOwnership, "BucketOwnerEnforced");
        const sse = named(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "minio-access-logs");
        assert.deepEqual(sse.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
        const lifecycle = named(run, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "minio-access-logs");
        assert.deepEqual(lifecycle.rules, [{ id: "expire-access-logs", status: "Enabled", filter: { prefix: "access-logs/" }, expiration: { days: 365 } }]);
        const logBucket = of(run, "aws:s3/bucket:Bucket").find((b) => b.name === "minio-access-logs")!;
        assert.equal(logBucket.options.protect, true, "prod keeps its access logs");
    });

    it("lets the logging service write this bucket's logs only, for this account, and nobody without TLS", () => {
        const policy = JSON.parse(named(run, "aws:s3/bucketPolicy:BucketPolicy", "minio-access-logs").policy);
        assert.deepEqual(policy.Statement, [
            {
                Sid: "S3ServerAccessLogs",
                Effect: "Allow",
                Principal: { Service: "logging.s3.amazonaws.com" },
                Action: "s3:PutObject",
                Resource: `${LOGS}/access-logs/*`,
                Condition: { ArnLike: { "aws:SourceArn": BUCKET }, StringEquals: { "aws:SourceAccount": "123456789012" } },
            },
            { Sid: "TLSOnly", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [LOGS, `${LOGS}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
        ]);
        const logging = of(run, "aws:s3/bucketLogging:BucketLogging")[0];
        assert.ok(logging.dependsOn.includes("aws:s3/bucketPolicy:BucketPolicy::minio-access-logs"), "logging is turned on once the service may write");
    });
});

describe("aws S3: consumers on EKS reach the bucket through IRSA", () => {
    let run: Run;
    before(async () => {
        run = await runStack("prod");
    });

    it("makes no IAM user and no access key", () => {
        assert.deepEqual(of(run, "aws:iam/user:User"), []);
        assert.deepEqual(of(run, "aws:iam/accessKey:AccessKey"), []);
    });

    it("gives each consumer a service account of its own, annotated with a role whose trust is that service account alone", () => {
        const account = named(run, "kubernetes:core/v1:ServiceAccount", "demo-account");
        assert.equal(account.metadata.name, "demo");
        assert.equal(account.metadata.annotations["eks.amazonaws.com/role-arn"], "arn:aws:iam:us-east-1:123456789012:demo-s3");
        assert.equal(account.metadata.annotations["eks.amazonaws.com/sts-regional-endpoints"], "true");
        const pod = inputs(of(run, "kubernetes:apps/v1:Deployment").find((d) => d.name === "demo")!).spec.template.spec;
        assert.equal(pod.serviceAccountName, "demo");
        assert.equal(pod.automountServiceAccountToken, false, "the pod identity webhook mounts the web identity token anyway");
        const trust = JSON.parse(named(run, "aws:iam/role:Role", "demo-s3").assumeRolePolicy).Statement[0];
        assert.equal(trust.Action, "sts:AssumeRoleWithWebIdentity");
        assert.deepEqual(trust.Condition.StringEquals, {
            "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF:sub": "system:serviceaccount:slipway-prod:demo",
            "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF:aud": "sts.amazonaws.com",
        });
    });

    it("lets that role use this bucket alone, and only through the VPC's S3 endpoint", () => {
        const policy = JSON.parse(named(run, "aws:iam/rolePolicy:RolePolicy", "demo-s3").policy);
        const through = { StringEquals: { "aws:SourceVpce": "s3-id" } };
        assert.deepEqual(policy.Statement, [
            { Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: BUCKET, Condition: through },
            { Effect: "Allow", Action: ["s3:GetObject*", "s3:PutObject*", "s3:DeleteObject*", "s3:AbortMultipartUpload"], Resource: `${BUCKET}/*`, Condition: through },
        ]);
    });

    it("hands consumers S_HOST, S_PORT, S_URL and S_BUCKET, and no username or password; the credentials output has none for S3", () => {
        const env = inputs(of(run, "kubernetes:apps/v1:Deployment").find((d) => d.name === "demo")!).spec.template.spec.containers[0].env;
        const minio = Object.fromEntries(env.filter((e: any) => e.name.startsWith("MINIO_")).map((e: any) => [e.name, e.value]));
        assert.deepEqual(minio, {
            MINIO_HOST: "s3.us-east-1.amazonaws.com",
            MINIO_PORT: "443",
            MINIO_URL: "https://s3.us-east-1.amazonaws.com",
            MINIO_BUCKET: "slipway-prod-minio-0001",
        });
        assert.equal(run.outputs.credentials.minio, undefined);
        assert.deepEqual(plainTextLeaks(run), []);
    });

    it("gives no role to workloads that do not use S3", () => {
        const accounts = of(run, "kubernetes:core/v1:ServiceAccount").map((a) => a.name).sort();
        assert.deepEqual(accounts, ["demo-account", "vault-account"]);
    });
});

describe("aws S3: several consumers, several buckets", () => {
    it("gives each consumer a role for the buckets it uses, and no other", async () => {
        const run = await runProgram(
            {
                target: "eks",
                adminCidrs: ADMIN,
                services: {
                    media: { type: "minio" },
                    reports: { type: "minio" },
                    api: app({ uses: ["media", "reports"] }),
                    worker: app({ uses: ["reports"] }),
                },
            },
            { stack: "qa" },
        );
        const resources = (role: string) => JSON.parse(named(run, "aws:iam/rolePolicy:RolePolicy", role).policy).Statement.map((s: any) => s.Resource);
        assert.deepEqual(resources("api-s3"), [
            "arn:aws:s3:::slipway-qa-media-0001",
            "arn:aws:s3:::slipway-qa-media-0001/*",
            "arn:aws:s3:::slipway-qa-reports-0001",
            "arn:aws:s3:::slipway-qa-reports-0001/*",
        ]);
        assert.deepEqual(resources("worker-s3"), ["arn:aws:s3:::slipway-qa-reports-0001", "arn:aws:s3:::slipway-qa-reports-0001/*"]);
        assert.equal(of(run, "aws:s3/bucketLogging:BucketLogging").length, 2);
        assert.ok(!run.resources.some((r) => r.inputs && isWrappedSecret(r.inputs.secret)), "no access key secret anywhere");
    });

    it("gives no role to a service that reaches the bucket's service without using it (Consul checks every peer's health)", async () => {
        const run = await runProgram(
            { target: "eks", adminCidrs: ADMIN, services: { media: { type: "minio" }, consul: { type: "consul" }, api: app({ uses: ["media"] }) } },
            { stack: "qa" },
        );
        const roles = of(run, "aws:iam/role:Role").map((r) => r.name).filter((n) => n.endsWith("-s3"));
        assert.deepEqual(roles, ["api-s3"]);
        assert.deepEqual(of(run, "kubernetes:core/v1:ServiceAccount").map((a) => a.name), ["api-account"]);
    });
});
