// The AWS network on both targets: flow logs, a default security group with no rules, and on
// eks NetworkPolicy that the CNI enforces and that lets S3 consumers reach S3's addresses only
// (through the VPC's gateway endpoint), not the whole internet.
import { strict as assert } from "assert";
import { plain, Recorded, Run, runProgram, runStack } from "./harness";

const of = (run: Run, type: string) => run.resources.filter((r) => r.type === type);
const inputs = (r: Recorded) => plain(r.inputs);
const ADMIN = ["203.0.113.0/24"];
/** The double's prefix list of S3 in us-east-1 (test/doubles.ts). */
const S3_US_EAST_1 = ["16.182.0.0/16", "3.5.0.0/19", "52.216.0.0/15", "54.231.0.0/16", "18.34.0.0/19", "18.34.232.0/21"];

const TARGETS: { name: string; stack: string; run: () => Promise<Run> }[] = [
    { name: "eks (the prod stack)", stack: "prod", run: () => runStack("prod") },
    { name: "ec2", stack: "small", run: () => runProgram({ target: "ec2", platform: "demo", adminCidrs: ADMIN, sshKeyName: "ops" }, { stack: "small" }) },
];

for (const t of TARGETS) {
    describe(`aws network on ${t.name}`, () => {
        let run: Run;
        before(async () => {
            run = await t.run();
        });

        it("records every flow of the VPC in CloudWatch Logs, kept 90 days, through a role only this account's flow logs assume", () => {
            const flows = of(run, "aws:ec2/flowLog:FlowLog").map(inputs);
            assert.equal(flows.length, 1);
            const [f] = flows;
            assert.equal(f.vpcId, "vpc-id");
            assert.equal(f.trafficType, "ALL");
            assert.equal(f.logDestinationType, "cloud-watch-logs");
            const groupArn = `arn:aws:logs:us-east-1:123456789012:log-group:/aws/vpc/slipway-${t.stack}/flow-logs`;
            assert.equal(f.logDestination, groupArn);
            const group = of(run, "aws:cloudwatch/logGroup:LogGroup").map(inputs).find((g) => g.name === `/aws/vpc/slipway-${t.stack}/flow-logs`);
            assert.equal(group.retentionInDays, 90);
            assert.equal(f.iamRoleArn, "arn:aws:iam:us-east-1:123456789012:vpc-flow-logs");
            const trust = JSON.parse(inputs(of(run, "aws:iam/role:Role").find((r) => r.name === "vpc-flow-logs")!).assumeRolePolicy).Statement;
            assert.deepEqual(trust, [
                {
                    Effect: "Allow",
                    Principal: { Service: "vpc-flow-logs.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: { StringEquals: { "aws:SourceAccount": "123456789012" }, ArnLike: { "aws:SourceArn": "arn:aws:ec2:us-east-1:123456789012:vpc-flow-log/*" } },
                },
            ]);
            const write = JSON.parse(inputs(of(run, "aws:iam/rolePolicy:RolePolicy").find((p) => p.name === "vpc-flow-logs")!).policy).Statement;
            assert.deepEqual(write, [
                { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogGroups", "logs:DescribeLogStreams"], Resource: [groupArn, `${groupArn}:*`] },
            ]);
        });

        it("takes every rule off the VPC's default security group", () => {
            const groups = of(run, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").map(inputs);
            assert.equal(groups.length, 1);
            assert.equal(groups[0].vpcId, "vpc-id");
            assert.deepEqual(groups[0].ingress, []);
            assert.deepEqual(groups[0].egress, []);
        });
    });
}

describe("aws network on eks: egress to AWS", () => {
    let run: Run;
    before(async () => {
        run = await runStack("prod");
    });
    const policies = () => of(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map(inputs);
    const ipBlocks = (p: any) => (p.spec.egress ?? []).flatMap((r: any) => (r.to ?? []).filter((x: any) => x.ipBlock).map((x: any) => `${x.ipBlock.cidr}:${r.ports[0].port}`));

    it("turns on NetworkPolicy enforcement in the VPC CNI, and workloads wait for it", () => {
        const cni = inputs(of(run, "aws:eks/addon:Addon").find((a) => inputs(a).addonName === "vpc-cni")!);
        assert.deepEqual(JSON.parse(cni.configurationValues), { enableNetworkPolicy: "true" });
        assert.equal(cni.resolveConflictsOnCreate, "OVERWRITE");
        const provider = run.resources.find((r) => r.type === "pulumi:providers:kubernetes")!;
        assert.ok(provider.dependsOn.includes("aws:eks/addon:Addon::vpc-cni"), provider.dependsOn.join(", "));
    });

    it("routes S3 through a gateway endpoint on the private route tables", () => {
        const [s3] = of(run, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.name === "s3").map(inputs);
        assert.equal(s3.serviceName, "com.amazonaws.us-east-1.s3");
        assert.equal(s3.vpcEndpointType, "Gateway");
        assert.deepEqual([...s3.routeTableIds].sort(), ["private-0-id", "private-1-id"]);
    });

    it("lets S3's consumers reach S3's prefix list on 443, and no pod anywhere reach 0.0.0.0/0", () => {
        const demo = policies().find((p) => p.metadata.name === "demo");
        const s3 = ipBlocks(demo).filter((b: string) => !b.startsWith("10."));
        assert.deepEqual(s3.sort(), S3_US_EAST_1.map((c) => `${c}:443`).sort());
        for (const p of policies()) {
            for (const b of ipBlocks(p)) assert.ok(!b.startsWith("0.0.0.0/"), `${p.metadata.name} may reach ${b}`);
        }
    });

    it("reaches STS and KMS through interface endpoints with private DNS, open to the cluster only", () => {
        const apis = of(run, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.name !== "s3").map(inputs);
        assert.deepEqual(apis.map((e) => e.serviceName).sort(), ["com.amazonaws.us-east-1.kms", "com.amazonaws.us-east-1.sts"]);
        for (const e of apis) {
            assert.equal(e.vpcEndpointType, "Interface");
            assert.equal(e.privateDnsEnabled, true);
            assert.deepEqual([...e.subnetIds].sort(), ["private-0-id", "private-1-id"]);
            assert.deepEqual(e.securityGroupIds, ["aws-apis-id"]);
        }
        const sg = inputs(of(run, "aws:ec2/securityGroup:SecurityGroup").find((g) => g.name === "aws-apis")!);
        assert.deepEqual(sg.ingress.map((r: any) => [r.fromPort, r.securityGroups]), [[443, ["sg-cluster"]]]);
        assert.deepEqual(sg.egress, []);
    });

    it("lets the pods with an AWS role, and only those, reach the endpoints in the private subnets on 443", () => {
        const withApis = policies().filter((p) => ipBlocks(p).includes("10.0.128.0/20:443")).map((p) => p.metadata.name);
        assert.deepEqual(withApis.sort(), ["demo", "vault"]);
        assert.deepEqual(ipBlocks(policies().find((p) => p.metadata.name === "vault")).sort(), ["10.0.128.0/20:443", "10.0.144.0/20:443"]);
    });
});

describe("aws network on eks: without Vault or S3 consumers", () => {
    it("makes no interface endpoints, which cost by the hour, and still routes S3 through the free gateway", async () => {
        const run = await runProgram({ target: "eks", adminCidrs: ADMIN, services: { api: { type: "app", image: "ghcr.io/acme/api:1.4.2", port: 3000 } } }, { stack: "lean" });
        assert.deepEqual(of(run, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => e.name), ["s3"]);
        const api = of(run, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map(inputs).find((p) => p.metadata.name === "api");
        assert.deepEqual(api.spec.egress, []);
    });
});
