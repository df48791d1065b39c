// The policy pack (policy/): every policy passes a resource that keeps the rule and fails one
// that breaks it, and every shipped stack passes the whole pack, as `pulumi preview
// --policy-pack policy` would run it.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { POLICIES } from "../policy/policies";
import { ROOT, runStack } from "./harness";
import { packViolations, Resource, resourceViolations, stackViolations } from "./policy-runner";

const CONTAINER = "docker:index/container:Container";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const okContainer = {
    name: "slipway-dev-api",
    capabilities: { drops: ["ALL"], adds: [] },
    securityOpts: ["no-new-privileges:true"],
    memory: 256,
    ports: [{ internal: 3000, external: 3000, ip: "127.0.0.1" }],
    labels: [
        { label: "dev.slipway.type", value: "app" },
        { label: "dev.slipway.project", value: "slipway" },
        { label: "dev.slipway.stack", value: "test" },
    ],
};
const restrictedPod = (container: Record<string, unknown> = {}, pod: Record<string, unknown> = {}) => ({
    metadata: { name: "api" },
    spec: {
        template: {
            spec: {
                securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
                containers: [
                    {
                        name: "api",
                        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
                        resources: { limits: { cpu: "500m", memory: "256Mi" } },
                        env: [{ name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: "db-credentials", key: "password" } } }],
                        ...container,
                    },
                ],
                ...pod,
            },
        },
    },
});
const ec2Provider = { type: "pulumi:providers:docker", name: "ec2-docker", urn: "urn:pulumi:small::slipway::pulumi:providers:docker::ec2-docker", props: { host: "ssh://ec2-user@198.51.100.7" } };

/** Per resource policy: a resource that keeps the rule, and one that breaks it with exactly these violations. */
const RESOURCE_CASES: Record<string, { pass: Resource; fail: Resource; violations: string[] }> = {
    "stack-identity": {
        pass: { type: CONTAINER, name: "api", props: okContainer },
        fail: { type: CONTAINER, name: "api", urn: "urn:pulumi:pr-7::slipway::docker:index/container:Container::api", props: okContainer },
        violations: ["api has no dev.slipway.stack/dev.slipway.project labels for this stack"],
    },
    "docker-no-privileged": {
        pass: { type: CONTAINER, name: "api", props: okContainer },
        fail: { type: CONTAINER, name: "api", props: { ...okContainer, privileged: true } },
        violations: ["slipway-dev-api runs privileged"],
    },
    "docker-no-host-network": {
        pass: { type: CONTAINER, name: "api", props: okContainer },
        fail: { type: CONTAINER, name: "api", props: { ...okContainer, networkMode: "host" } },
        violations: ["slipway-dev-api uses the host network"],
    },
    "docker-no-docker-socket": {
        pass: {
            type: CONTAINER,
            name: "docker-proxy",
            props: { ...okContainer, labels: [{ label: "dev.slipway.type", value: "docker-proxy" }], volumes: [{ hostPath: "/var/run/docker.sock", containerPath: "/var/run/docker.sock", readOnly: true }] },
        },
        fail: { type: CONTAINER, name: "cadvisor", props: { ...okContainer, volumes: [{ hostPath: "/var/run", containerPath: "/var/run", readOnly: true }] } },
        violations: ["slipway-dev-api mounts /var/run from the host"],
    },
    "docker-capabilities-dropped": {
        pass: { type: CONTAINER, name: "api", props: okContainer },
        fail: { type: CONTAINER, name: "api", props: { ...okContainer, capabilities: { adds: ["NET_ADMIN"] }, securityOpts: [] } },
        violations: ["slipway-dev-api does not drop all capabilities", "slipway-dev-api does not set no-new-privileges"],
    },
    "docker-memory-limit": {
        pass: { type: CONTAINER, name: "api", props: okContainer },
        fail: { type: CONTAINER, name: "api", props: { ...okContainer, memory: undefined } },
        violations: ["slipway-dev-api has no memory limit"],
    },
    "docker-loopback-ports": {
        pass: { type: CONTAINER, name: "api", props: { ...okContainer, ports: [{ internal: 3000, external: 3000, ip: "0.0.0.0" }] }, provider: ec2Provider },
        fail: { type: CONTAINER, name: "api", props: { ...okContainer, ports: [{ internal: 3000, external: 3000, ip: "0.0.0.0" }] } },
        violations: ["slipway-dev-api publishes port 3000 on 0.0.0.0, not 127.0.0.1"],
    },
    "k8s-restricted-pod-security": {
        pass: { type: DEPLOYMENT, name: "api", props: restrictedPod() },
        fail: {
            type: DEPLOYMENT,
            name: "api",
            props: restrictedPod({ securityContext: { privileged: true, capabilities: { add: ["SYS_ADMIN"] } } }, { volumes: [{ name: "sock", hostPath: { path: "/var/run/docker.sock" } }] }),
        },
        violations: [
            "api: Privileged Containers: api is privileged",
            "api: Capabilities (baseline): api adds SYS_ADMIN",
            "api: HostPath Volumes: volume sock is a hostPath",
            "api: Volume Types (restricted): volume sock has a forbidden type",
            "api: Privilege Escalation: api may escalate privileges",
            "api: Capabilities (restricted): api does not drop ALL",
            "api: Capabilities (restricted): api adds SYS_ADMIN",
        ],
    },
    "k8s-resource-limits": {
        pass: { type: DEPLOYMENT, name: "api", props: restrictedPod() },
        fail: { type: DEPLOYMENT, name: "api", props: restrictedPod({ resources: { requests: { cpu: "100m" } } }) },
        violations: ["api: container api has no CPU or memory limit"],
    },
    "k8s-no-literal-secrets": {
        pass: { type: DEPLOYMENT, name: "api", props: restrictedPod() },
        fail: { type: DEPLOYMENT, name: "api", props: restrictedPod({ env: [{ name: "DB_PASSWORD", value: "hunter2" }, { name: "DB_URL", value: "postgresql://api:hunter2@db:5432/api" }, { name: "DB_HOST", value: "db" }] }) },
        violations: ["api: container api gets DB_PASSWORD as a literal value", "api: container api gets DB_URL as a literal value"],
    },
    "rds-storage-encrypted": {
        pass: { type: "aws:rds/instance:Instance", name: "db", props: { storageEncrypted: true } },
        fail: { type: "aws:rds/instance:Instance", name: "db", props: { storageEncrypted: false } },
        violations: ["RDS Instance must have storage encryption enabled."],
    },
    "rds-instance-public-access": {
        pass: { type: "aws:rds/instance:Instance", name: "db", props: { publiclyAccessible: false } },
        fail: { type: "aws:rds/instance:Instance", name: "db", props: { publiclyAccessible: true } },
        violations: ["RDS Instance must not be publicly accessible."],
    },
    "rds-instance-backup-enabled": {
        pass: { type: "aws:rds/instance:Instance", name: "db", props: { backupRetentionPeriod: 7 } },
        fail: { type: "aws:rds/instance:Instance", name: "db", props: { backupRetentionPeriod: 0 } },
        violations: ["RDS Instances must have backups enabled."],
    },
    "encrypted-volumes": {
        pass: { type: "aws:ec2/instance:Instance", name: "host", props: { rootBlockDevice: { encrypted: true } } },
        fail: { type: "aws:ec2/instance:Instance", name: "host", props: { rootBlockDevice: { encrypted: false } } },
        violations: ["The EC2 instance root block device must be encrypted."],
    },
    "aws-kms-key-rotation": {
        pass: { type: "aws:kms/key:Key", name: "k", props: { enableKeyRotation: true } },
        fail: { type: "aws:kms/key:Key", name: "k", props: {} },
        violations: ["k: key rotation is off"],
    },
    "aws-elasticache-encrypted": {
        pass: { type: "aws:elasticache/replicationGroup:ReplicationGroup", name: "cache", props: { atRestEncryptionEnabled: true, transitEncryptionEnabled: true, authToken: "x".repeat(32) } },
        fail: { type: "aws:elasticache/replicationGroup:ReplicationGroup", name: "cache", props: { atRestEncryptionEnabled: true } },
        violations: ["cache: not encrypted in transit", "cache: no auth token"],
    },
    "aws-imdsv2": {
        pass: { type: "aws:ec2/launchTemplate:LaunchTemplate", name: "nodes", props: { metadataOptions: { httpTokens: "required" }, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true" } }] } },
        fail: { type: "aws:ec2/launchTemplate:LaunchTemplate", name: "nodes", props: { metadataOptions: { httpTokens: "optional" }, blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false" } }] } },
        violations: ["nodes: IMDSv2 is not required", "nodes: volume /dev/xvda is not encrypted"],
    },
    "aws-no-world-ingress": {
        pass: { type: "aws:ec2/securityGroup:SecurityGroup", name: "host", props: { ingress: [{ fromPort: 22, toPort: 22, cidrBlocks: ["203.0.113.0/24"] }] } },
        fail: { type: "aws:ec2/securityGroup:SecurityGroup", name: "host", props: { ingress: [{ fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }] } },
        violations: ["host: port 22-22 open to 0.0.0.0/0"],
    },
};

const bucket = { type: "aws:s3/bucket:Bucket", name: "minio-bucket", urn: "urn:b", props: {} };
const dependent = (type: string, props: Record<string, unknown>) => ({ type, name: `${type}-x`, urn: `urn:${type}`, props, propertyDependencies: { bucket: [bucket] }, dependencies: [bucket] });
const BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const allBlocked = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
const generated = { type: "random:index/randomPassword:RandomPassword", name: "db-password", urn: "urn:p", props: { result: "Zq81nT0cKWx2mPvA5sLd" } };

/** Per stack policy: resources that keep the rule, and resources that break it with exactly these violations. */
const STACK_CASES: Record<string, { pass: any[]; fail: any[]; violations: string[] }> = {
    "aws-s3-private-and-encrypted": {
        pass: [bucket, dependent(BLOCK, allBlocked), dependent(SSE, {})],
        fail: [bucket, dependent(BLOCK, { ...allBlocked, restrictPublicBuckets: false })],
        violations: ["minio-bucket: public access is not blocked on all four settings", "minio-bucket: no default encryption"],
    },
    "no-generated-value-in-plain-text": {
        pass: [generated, { type: "kubernetes:core/v1:Secret", name: "s", urn: "urn:s", props: { stringData: { password: "Zq81nT0cKWx2mPvA5sLd" } } }],
        fail: [generated, { type: "kubernetes:core/v1:ConfigMap", name: "cm", urn: "urn:c", props: { metadata: { name: "cm" }, data: { "conf.ini": "password=Zq81nT0cKWx2mPvA5sLd" } } }],
        violations: ["kubernetes:core/v1:ConfigMap cm: a generated value in data"],
    },
};

describe("policy pack", () => {
    it("has a passing and a failing case for every policy it holds", () => {
        assert.deepEqual(POLICIES.map((p) => p.name).sort(), [...Object.keys(RESOURCE_CASES), ...Object.keys(STACK_CASES)].sort());
        for (const p of POLICIES) assert.equal(p.enforcementLevel, "mandatory", p.name);
    });

    for (const [name, c] of Object.entries(RESOURCE_CASES)) {
        it(`${name}: passes a resource that keeps it, fails one that breaks it`, async () => {
            const policy = POLICIES.find((p) => p.name === name) as ResourceValidationPolicy;
            assert.deepEqual(await resourceViolations(policy, c.pass), []);
            assert.deepEqual(await resourceViolations(policy, c.fail), c.violations);
        });
    }

    for (const [name, c] of Object.entries(STACK_CASES)) {
        it(`${name}: passes a stack that keeps it, fails one that breaks it`, async () => {
            const policy = POLICIES.find((p) => p.name === name) as StackValidationPolicy;
            assert.deepEqual(await stackViolations(policy, c.pass), []);
            assert.deepEqual(await stackViolations(policy, c.fail), c.violations);
        });
    }

    describe("every shipped stack passes the whole pack", function () {
        this.timeout(60000);
        for (const stack of ["dev", "staging", "prod"]) {
            it(stack, async () => {
                assert.deepEqual(await packViolations(POLICIES, await runStack(stack)), []);
            });
        }
        it("and a stack that breaks a policy fails it (the check is real)", async () => {
            const run = await runStack("dev");
            const grafana = run.resources.find((r) => r.type === CONTAINER && r.name === "grafana")!;
            grafana.inputs = { ...grafana.inputs, privileged: true };
            assert.deepEqual(await packViolations(POLICIES, run), ["docker-no-privileged: slipway-dev-grafana runs privileged"]);
        });
    });

    it("is a Pulumi policy pack: PulumiPolicy.yaml, and index.ts serves every policy", () => {
        assert.match(fs.readFileSync(path.join(ROOT, "policy", "PulumiPolicy.yaml"), "utf8"), /^runtime: nodejs$/m);
        const index = fs.readFileSync(path.join(ROOT, "policy", "index.ts"), "utf8");
        assert.match(index, /new PolicyPack\("slipway", \{ policies: POLICIES \}\)/);
    });
});
