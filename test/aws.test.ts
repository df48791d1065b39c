// The AWS targets: the `prod` stack (Pulumi.prod.yaml) on EKS with managed services, and an
// ec2 stack, under mocks that answer the AWS invokes as the cloud would.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { CONTROL_PLANE_LOGS } from "../components/targets/aws/eks";
import { app, asProgramSays } from "./bad-configs";
import { validateAgainstSchema } from "./k8s-schema";
import { envOf, isWrappedSecret, plain, plainTextLeaks, Recorded, ROOT, Run, runExpectingError, runProgram, runStack } from "./harness";

const of = (run: Run, type: string) => run.resources.filter((r) => r.type === type);
const one = (run: Run, type: string, name?: string) => {
    const found = of(run, type).filter((r) => name === undefined || r.name === name);
    assert.equal(found.length, 1, `one ${type} ${name ?? ""}`);
    return found[0];
};
const inputs = (r: Recorded) => plain(r.inputs);
const ADMIN = ["203.0.113.0/24"];

/** Every ingress rule of every security group, with where it comes from. */
function ingressRules(run: Run) {
    return of(run, "aws:ec2/securityGroup:SecurityGroup").flatMap((sg) => (inputs(sg).ingress ?? []).map((rule: any) => ({ sg: sg.name, ...rule })));
}

describe("aws target: the prod stack on EKS", () => {
    let run: Run;
    before(async () => {
        run = await runStack("prod");
    });

    it("builds a VPC across availability zones: public subnets for load balancers, private ones for nodes and data, NAT per zone", () => {
        const subnets = of(run, "aws:ec2/subnet:Subnet").map(inputs);
        const pub = subnets.filter((s) => s.tags["kubernetes.io/role/elb"] === "1");
        const priv = subnets.filter((s) => s.tags["kubernetes.io/role/internal-elb"] === "1");
        assert.equal(pub.length, 2);
        assert.equal(priv.length, 2);
        assert.deepEqual(new Set(pub.map((s) => s.availabilityZone)), new Set(["us-east-1a", "us-east-1b"]));
        assert.deepEqual(new Set(priv.map((s) => s.availabilityZone)), new Set(["us-east-1a", "us-east-1b"]));
        for (const s of subnets) assert.equal(s.mapPublicIpOnLaunch ?? false, false);
        assert.equal(of(run, "aws:ec2/natGateway:NatGateway").length, 2, "multiAz: one NAT gateway per zone");
        assert.equal(inputs(one(run, "aws:ec2/vpc:Vpc")).cidrBlock, "10.0.0.0/16");
    });

    it("makes an EKS cluster with KMS-encrypted secrets, every control-plane log, and an API open to the admin CIDRs only", () => {
        const cluster = inputs(one(run, "aws:eks/cluster:Cluster"));
        assert.deepEqual(cluster.encryptionConfig.resources, ["secrets"]);
        assert.match(cluster.encryptionConfig.provider.keyArn, /^arn:aws:kms:/);
        const key = of(run, "aws:kms/key:Key").map(inputs).find((k) => /EKS secrets/.test(k.description));
        assert.equal(key.enableKeyRotation, true);
        assert.deepEqual([...cluster.enabledClusterLogTypes].sort(), [...CONTROL_PLANE_LOGS].sort());
        assert.equal(CONTROL_PLANE_LOGS.length, 5);
        assert.deepEqual(cluster.vpcConfig.publicAccessCidrs, ADMIN);
        assert.equal(cluster.vpcConfig.endpointPrivateAccess, true);
        assert.equal(cluster.deletionProtection, true);
    });

    it("runs a managed node group in the private subnets, from a launch template with IMDSv2 and encrypted volumes", () => {
        const group = inputs(one(run, "aws:eks/nodeGroup:NodeGroup"));
        const privateIds = of(run, "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith("private-")).map((s) => `${s.name}-id`);
        assert.deepEqual([...group.subnetIds].sort(), privateIds.sort());
        assert.equal(group.scalingConfig.desiredSize, 3, "medium size");
        assert.deepEqual(group.instanceTypes, ["m6i.xlarge"]);
        const lt = inputs(one(run, "aws:ec2/launchTemplate:LaunchTemplate"));
        assert.equal(lt.metadataOptions.httpTokens, "required");
        assert.equal(lt.metadataOptions.httpPutResponseHopLimit, 1);
        assert.equal(lt.blockDeviceMappings[0].ebs.encrypted, "true");
    });

    it("exports the kubeconfig as a secret, and the cluster runs the same Kubernetes workloads", async () => {
        assert.ok(run.outputs.kubeconfig, "kubeconfig output");
        assert.equal(run.secretOutputs.kubeconfig, true);
        const kubeconfig = JSON.parse(run.outputs.kubeconfig as string);
        assert.deepEqual(kubeconfig.users[0].user.exec.args, ["eks", "get-token", "--cluster-name", "slipway-prod", "--region", "us-east-1"]);
        // The workloads come from the Kubernetes materializer on the EKS provider.
        const eksProvider = run.resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
        assert.equal(eksProvider.name, "eks");
        for (const r of run.resources.filter((x) => x.type.startsWith("kubernetes:"))) assert.match(r.provider ?? "", /::eks::/, `${r.type} ${r.name}`);
        const ns = of(run, "kubernetes:core/v1:Namespace").map(inputs)[0];
        assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
        assert.equal(run.outputs.namespace, "slipway-prod");
    });

    it("runs postgres on RDS: encrypted, private, backed up, deletion-protected with a final snapshot, Multi-AZ", () => {
        const db = inputs(one(run, "aws:rds/instance:Instance"));
        assert.equal(db.storageEncrypted, true);
        assert.equal(db.publiclyAccessible, false);
        assert.ok(db.backupRetentionPeriod >= 7);
        assert.equal(db.deletionProtection, true);
        assert.equal(db.skipFinalSnapshot, false);
        assert.ok(db.finalSnapshotIdentifier);
        assert.equal(db.multiAz, true);
        assert.ok(isWrappedSecret(one(run, "aws:rds/instance:Instance").inputs.password), "the master password is a secret");
        assert.equal(of(run, "kubernetes:apps/v1:StatefulSet").map(inputs).some((s) => s.metadata.name === "postgres"), false, "no postgres pod");
    });

    it("runs redis on ElastiCache with encryption at rest and in transit and an auth token", () => {
        const r = one(run, "aws:elasticache/replicationGroup:ReplicationGroup");
        const cache = inputs(r);
        assert.equal(cache.atRestEncryptionEnabled, true);
        assert.equal(cache.transitEncryptionEnabled, true);
        assert.ok(isWrappedSecret(r.inputs.authToken));
        assert.equal(cache.automaticFailoverEnabled, true);
        assert.equal(cache.numCacheClusters, 2);
    });

    it("runs minio on S3: public access blocked, encrypted by default, versioned, TLS only (its consumers' roles: aws-s3.test.ts)", () => {
        const block = inputs(one(run, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "minio-bucket"));
        for (const k of ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"]) assert.equal(block[k], true, k);
        const sse = inputs(one(run, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "minio-bucket"));
        assert.equal(sse.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
        assert.equal(inputs(one(run, "aws:s3/bucketVersioning:BucketVersioning")).versioningConfiguration.status, "Enabled");
        assert.match(inputs(one(run, "aws:s3/bucketPolicy:BucketPolicy", "minio-bucket")).policy, /aws:SecureTransport/);
        assert.equal(inputs(one(run, "aws:s3/bucket:Bucket", "minio-bucket")).forceDestroy, false);
    });

    it("lets only the cluster reach RDS and ElastiCache, and no security group accepts the internet", () => {
        for (const rule of ingressRules(run)) {
            assert.ok(!(rule.cidrBlocks ?? []).includes("0.0.0.0/0") || [80, 443].includes(rule.fromPort), `${rule.sg} accepts 0.0.0.0/0 on ${rule.fromPort}`);
            assert.deepEqual(rule.securityGroups, ["sg-cluster"], `${rule.sg} lets in the cluster only`);
        }
        // 443: the interface endpoints of the AWS APIs (STS, KMS) that pods' roles call.
        assert.deepEqual(ingressRules(run).map((r) => r.fromPort).sort(), [443, 5432, 6379]);
    });

    it("gives apps the same S_* names as on Docker, with the managed services' values, by secretKeyRef", async () => {
        const docker = await runStack("dev");
        const dockerNames = Object.keys(envOf(docker.resources.find((r) => r.type === "docker:index/container:Container" && r.name === "demo")!)).sort();
        const demo = inputs(of(run, "kubernetes:apps/v1:Deployment").find((d) => d.name === "demo")!);
        const env = demo.spec.template.spec.containers[0].env;
        // S3 has no password: the app reaches it with its own IAM role (aws-s3.test.ts). And Vault's
        // CA: server-mode Vault serves TLS, the dev stack's dev server plain HTTP.
        assert.deepEqual(env.map((e: any) => e.name).sort(), [...dockerNames.filter((n) => !["MINIO_USERNAME", "MINIO_PASSWORD"].includes(n)), "VAULT_CA_CERT"].sort());
        assert.match(env.find((e: any) => e.name === "VAULT_URL").valueFrom ? "secret" : env.find((e: any) => e.name === "VAULT_URL").value, /secret|^https:/);
        const value = (n: string) => env.find((e: any) => e.name === n);
        assert.equal(value("POSTGRES_HOST").value, "slipway-prod-postgres.abc123.us-east-1.rds.amazonaws.com");
        assert.equal(value("POSTGRES_DATABASE").value, "demo", "an app gets a database of its own");
        assert.equal(value("MINIO_BUCKET").value, "slipway-prod-minio-0001");
        assert.deepEqual(value("POSTGRES_PASSWORD").valueFrom.secretKeyRef, { name: "postgres-credentials", key: "password-demo" });
        const secrets = Object.fromEntries(of(run, "kubernetes:core/v1:Secret").map(inputs).map((s) => [s.metadata.name, s.stringData]));
        assert.equal(secrets["postgres-credentials"].url, `postgresql://slipway:${run.outputs.credentials.postgres.password}@slipway-prod-postgres.abc123.us-east-1.rds.amazonaws.com:5432/app?sslmode=require`);
        const demoLogin = run.outputs.credentials.postgres.consumers.demo;
        assert.equal(secrets["postgres-credentials"]["url-demo"], `postgresql://demo:${demoLogin.password}@slipway-prod-postgres.abc123.us-east-1.rds.amazonaws.com:5432/demo?sslmode=require`);
        assert.match(secrets["redis-credentials"].url, /^rediss:\/\/default:/);
        // The app waits for nothing outside the cluster, and may reach the managed services on their ports.
        const init = demo.spec.template.spec.initContainers[0].command[2];
        assert.doesNotMatch(init, /postgres|redis|minio/);
        const policy = of(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map(inputs).find((p) => p.metadata.name === "demo");
        const external = policy.spec.egress.flatMap((r: any) => r.to.filter((t: any) => t.ipBlock).map((t: any) => `${t.ipBlock.cidr}:${r.ports[0].port}`));
        // S3 at its prefix list's addresses, and STS's interface endpoint in the private subnets, for the app's S3 role.
        const s3 = ["16.182.0.0/16", "3.5.0.0/19", "52.216.0.0/15", "54.231.0.0/16", "18.34.0.0/19", "18.34.232.0/21"].map((c) => `${c}:443`);
        assert.deepEqual(external.sort(), ["10.0.0.0/16:5432", "10.0.0.0/16:6379", "10.0.128.0/20:443", "10.0.144.0/20:443", ...s3].sort());
    });

    it("points every secretKeyRef at a Secret and key that exist, managed services' included", () => {
        const secrets = Object.fromEntries(of(run, "kubernetes:core/v1:Secret").map(inputs).map((s) => [s.metadata.name, s.stringData]));
        const workloads = [...of(run, "kubernetes:apps/v1:Deployment"), ...of(run, "kubernetes:apps/v1:StatefulSet")].map(inputs);
        let refs = 0;
        for (const w of workloads) {
            for (const e of w.spec.template.spec.containers[0].env.filter((x: any) => x.valueFrom)) {
                const { name, key } = e.valueFrom.secretKeyRef;
                assert.ok(secrets[name] && key in secrets[name], `${w.metadata.name}: ${e.name} -> ${name}/${key}`);
                refs++;
            }
        }
        assert.ok(refs >= 9, `${refs} references`);
    });

    it("generates only what the managed equivalents take, and keeps only what consumers and tasks read", () => {
        // RDS takes the master password and keeps the per-app roles; ElastiCache takes the auth
        // token, and its consumers share it; S3 takes nothing, its consumers use IAM roles.
        const generated = of(run, "random:index/randomPassword:RandomPassword").map((r) => r.name);
        for (const name of ["postgres-password", "postgres-for-demo", "redis-password"]) assert.ok(generated.includes(name), name);
        for (const name of ["redis-for-demo", "minio-password", "minio-for-demo"]) assert.ok(!generated.includes(name), `${name} would be used by nothing`);
        // No container runs for them, so their Secrets hold no container environment (no
        // POSTGRES_PASSWORD, REDIS_PASSWORD or MinIO root login); S3 has no Secret at all.
        const secrets = Object.fromEntries(of(run, "kubernetes:core/v1:Secret").map(inputs).map((s) => [s.metadata.name, Object.keys(s.stringData).sort()]));
        assert.equal(secrets["minio-credentials"], undefined);
        assert.deepEqual(secrets["redis-credentials"], ["password", "url"]);
        assert.deepEqual(secrets["postgres-credentials"], ["databases-PGPASSWORD", "databases-SLIPWAY_PASSWORD_DEMO", "password", "password-demo", "url", "url-demo"]);
        // Every key a Job reads exists too (the bootstrap of the apps' databases on RDS).
        for (const job of of(run, "kubernetes:batch/v1:Job").map(inputs)) {
            for (const e of job.spec.template.spec.containers[0].env.filter((x: any) => x.valueFrom)) {
                const { name, key } = e.valueFrom.secretKeyRef;
                assert.ok(secrets[name]?.includes(key), `${job.metadata.name}: ${e.name} -> ${name}/${key}`);
            }
        }
    });

    it("validates every Kubernetes object against the API schema", () => {
        assert.ok(validateAgainstSchema(run.resources) > 20);
    });

    it("auto-unseals Vault with a KMS key of its own, reached through an IAM role for its service account", () => {
        const key = of(run, "aws:kms/key:Key").map(inputs).find((k) => /Vault/.test(k.description));
        assert.equal(key.enableKeyRotation, true);
        const vault = inputs(of(run, "kubernetes:apps/v1:StatefulSet").find((s) => s.name === "vault")!);
        const pod = vault.spec.template.spec;
        assert.equal(pod.serviceAccountName, "vault");
        const account = inputs(one(run, "kubernetes:core/v1:ServiceAccount", "vault-account"));
        assert.match(account.metadata.annotations["eks.amazonaws.com/role-arn"], /^arn:aws:iam:/);
        const config = inputs(of(run, "kubernetes:core/v1:ConfigMap").find((c) => c.name === "vault-files")!).data["vault-config-slipway.hcl"];
        assert.match(config, /seal "awskms" \{\n {2}region {5}= "us-east-1"\n {2}kms_key_id = "key-vault-seal"/);
        assert.equal(pod.containers[0].env.find((e: any) => e.name === "SLIPWAY_VAULT_SEAL").value, "awskms");
        const trust = JSON.parse(inputs(of(run, "aws:iam/role:Role").find((r) => r.name === "vault-kms")!).assumeRolePolicy);
        assert.equal(trust.Statement[0].Condition.StringEquals["oidc.eks.us-east-1.amazonaws.com/id/ABCDEF:sub"], "system:serviceaccount:slipway-prod:vault");
    });

    it("publishes public services through network load balancers open to the admin CIDRs", () => {
        const lbs = of(run, "kubernetes:core/v1:Service").map(inputs).filter((s) => s.spec.type === "LoadBalancer");
        assert.deepEqual(lbs.map((s) => s.metadata.name).sort(), ["gateway-public", "grafana-public", "prometheus-public"]);
        for (const s of lbs) {
            assert.deepEqual(s.spec.loadBalancerSourceRanges, ADMIN);
            assert.equal(s.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-type"], "nlb");
        }
        assert.equal(run.outputs.endpoints.grafana, "http://grafana-public-0123.elb.us-east-1.amazonaws.com:3000");
        assert.equal(run.outputs.endpoints.postgres, "postgresql://slipway-prod-postgres.abc123.us-east-1.rds.amazonaws.com:5432");
    });

    it("protects every stateful resource of prod from deletion", () => {
        const protectedTypes = [
            "aws:rds/instance:Instance",
            "aws:elasticache/replicationGroup:ReplicationGroup",
            "aws:s3/bucket:Bucket",
            "aws:kms/key:Key",
            "aws:eks/cluster:Cluster",
        ];
        for (const type of protectedTypes) for (const r of of(run, type)) assert.equal(r.options.protect, true, `${type} ${r.name}`);
    });

    it("keeps every generated credential out of plain text", () => {
        assert.deepEqual(plainTextLeaks(run), []);
    });
});

describe("aws target: a non-prod EKS stack", () => {
    it("can be torn down: nothing protected, no deletion protection, no final snapshot; in-cluster services when asked", async () => {
        const run = await runProgram({ target: "eks", platform: "demo", adminCidrs: ["198.51.100.0/24"] }, { stack: "pr-42" });
        for (const r of run.resources) assert.equal(r.options.protect, false, `${r.type} ${r.name}`);
        const db = inputs(one(run, "aws:rds/instance:Instance"));
        assert.equal(db.deletionProtection, false);
        assert.equal(db.skipFinalSnapshot, true);
        assert.equal(inputs(one(run, "aws:s3/bucket:Bucket", "minio-bucket")).forceDestroy, true);
        assert.equal(of(run, "aws:ec2/natGateway:NatGateway").length, 1, "one NAT gateway without multiAz");
        const inCluster = await runProgram({ target: "eks", platform: "demo", adminCidrs: ["198.51.100.0/24"], managedServices: false }, { stack: "pr-43" });
        assert.equal(of(inCluster, "aws:rds/instance:Instance").length, 0);
        assert.ok(of(inCluster, "kubernetes:apps/v1:StatefulSet").some((s) => s.name === "postgres"));
    });
});

describe("aws target: a single ec2 host", () => {
    let run: Run;
    before(async () => {
        run = await runProgram({ target: "ec2", platform: "demo", adminCidrs: ADMIN, sshKeyName: "ops" }, { stack: "small" });
    });

    it("runs one instance with IMDSv2 required, an encrypted root volume, a key pair and SSM", () => {
        const host = one(run, "aws:ec2/instance:Instance");
        const i = inputs(host);
        assert.equal(i.metadataOptions.httpTokens, "required");
        assert.equal(i.rootBlockDevice.encrypted, true);
        assert.equal(i.keyName, "ops");
        assert.deepEqual(host.options.ignoreChanges, ["ami"]);
        assert.ok(of(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").some((a) => /AmazonSSMManagedInstanceCore/.test(inputs(a).policyArn)));
    });

    it("lets in only the admin CIDRs: SSH and the public services' ports", () => {
        const rules = ingressRules(run);
        for (const r of rules) assert.deepEqual(r.cidrBlocks, ADMIN, `port ${r.fromPort}`);
        assert.deepEqual(rules.map((r) => r.fromPort).sort((a, b) => a - b), [22, 3000, 8080, 9090]);
    });

    it("deploys the same containers with the Docker materializer, over SSH to the host's engine", () => {
        const provider = run.resources.find((r) => r.type === "pulumi:providers:docker")!;
        assert.equal(provider.inputs.host, "ssh://ec2-user@198.51.100.7");
        const role = (c: Recorded) => c.inputs.labels.find((l: any) => l.label === "dev.slipway.role").value;
        const containers = of(run, "docker:index/container:Container").filter((c) => role(c) === "service");
        assert.deepEqual(containers.map((c) => c.name).sort(), ["demo", "gateway", "grafana", "minio", "opa", "postgres", "prometheus", "redis", "vault"]);
        for (const c of of(run, "docker:index/container:Container")) assert.match(c.provider ?? "", /::ec2-docker::/, c.name);
        assert.ok(of(run, "docker:index/network:Network")[0].dependsOn.includes("command:local:Command::host-docker"), "after Docker answers");
        assert.equal(of(run, "aws:rds/instance:Instance").length, 0, "no managed services on ec2");
        assert.equal(run.outputs.endpoints.grafana, "http://198.51.100.7:3000");
        const ports = plain(containers.find((c) => c.name === "grafana")!.inputs.ports);
        assert.equal(ports[0].ip, "0.0.0.0", "the security group, not the bind address, limits who connects");
    });

    it("auto-unseals Vault with KMS, with credentials of its own (not the host's role: aws-ec2-imds.test.ts)", () => {
        const vault = of(run, "docker:index/container:Container").find((c) => c.name === "vault")!;
        assert.equal(envOf(vault).SLIPWAY_VAULT_SEAL, "awskms");
        assert.deepEqual(plainTextLeaks(run), []);
    });
});

describe("aws target: config", () => {
    const cases: { name: string; config: Record<string, unknown>; problems: string[] }[] = [
        {
            name: "no admin CIDRs",
            config: { target: "eks", services: { api: app() } },
            problems: ['slipway:adminCidrs: required on AWS: the networks (CIDRs) that operate the platform, e.g. ["203.0.113.0/24"]'],
        },
        {
            name: "the whole internet as admin network, and a bad CIDR",
            config: { target: "eks", adminCidrs: ["0.0.0.0/0", "10.0.0/8"], services: { api: app() } },
            problems: [
                "slipway:adminCidrs[0]: 0.0.0.0/0 spans 4294967296 addresses, more than a /8: a network that wide is most of the internet, not the networks that operate the platform; list those, each /8 or narrower",
                'slipway:adminCidrs[1]: "10.0.0/8" is not an IPv4 CIDR',
            ],
        },
        {
            name: "ec2 without a key pair, with managed services turned off (a key of eks alone)",
            config: { target: "ec2", adminCidrs: ADMIN, managedServices: false, services: { api: app() } },
            problems: [
                "slipway:managedServices: only applies to targets eks, not ec2",
                "slipway:sshKeyName: required on target ec2: the EC2 key pair whose private key your ssh agent holds (the Docker provider connects over SSH)",
            ],
        },
        {
            name: "AWS settings on docker",
            config: { target: "docker", adminCidrs: ADMIN, protectData: true, services: { api: app() } },
            problems: ["slipway:adminCidrs: only applies to targets kubernetes, eks, ec2, not docker", "slipway:protectData: only applies to targets eks, ec2, not docker"],
        },
        {
            name: "a type that needs the host on EKS",
            config: { target: "eks", adminCidrs: ADMIN, services: { ne: { type: "node-exporter" } } },
            problems: [
                "slipway:services.ne.type: node-exporter needs the host (node-exporter reports the host's CPU, memory, disks and filesystems from its /proc, /sys and /); target eks runs every pod under the restricted Pod Security Standard, which forbids host paths",
            ],
        },
    ];
    for (const c of cases) {
        it(`refuses ${c.name}, before any resource`, async () => {
            const { message, registered } = await runExpectingError(c.config);
            assert.equal(message, asProgramSays(c.problems));
            assert.equal(registered, 0);
        });
    }
});

describe("aws target: loaded only where used", () => {
    const sdks = (stack: string) => {
        const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "support", "loaded-modules.ts"), stack], {
            cwd: ROOT,
            encoding: "utf8",
        });
        assert.equal(r.status, 0, r.stderr);
        return JSON.parse(r.stdout.trim().split("\n").pop()!) as string[];
    };
    it("dev and staging never load @pulumi/aws; prod does, and not @pulumi/command, which only Docker's one-shot runs need", () => {
        assert.deepEqual(sdks("dev"), ["@pulumi/command", "@pulumi/docker", "@pulumi/pulumi", "@pulumi/random"]);
        // @pulumi/tls makes server-mode Vault's CA; the dev server serves plain HTTP.
        assert.deepEqual(sdks("staging"), ["@pulumi/kubernetes", "@pulumi/pulumi", "@pulumi/random", "@pulumi/tls"]);
        assert.deepEqual(sdks("prod"), ["@pulumi/aws", "@pulumi/kubernetes", "@pulumi/pulumi", "@pulumi/random", "@pulumi/tls"]);
    });
});

describe("aws target: exporters of managed services", () => {
    it("points redis-exporter at ElastiCache over TLS (rediss://)", async () => {
        const run = await runProgram(
            { target: "eks", adminCidrs: ADMIN, services: { cache: { type: "redis" }, metrics: { type: "redis-exporter", uses: ["cache"] } } },
            { stack: "qa" },
        );
        const env = inputs(of(run, "kubernetes:apps/v1:Deployment").find((d) => d.name === "metrics")!).spec.template.spec.containers[0].env;
        assert.match(env.find((e: any) => e.name === "REDIS_ADDR").value, /^rediss:\/\/master\.slipway-qa-cache\..*:6379$/);
    });
});
