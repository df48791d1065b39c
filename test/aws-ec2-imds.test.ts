// The ec2 host: IMDSv2 with a hop limit of 1, so containers on Docker's bridge cannot take the
// host's role; Vault auto-unseals with KMS through an access key that can use its seal key
// alone, from the host's address alone, held as a Pulumi secret and given to Vault alone.
import { strict as assert } from "assert";
import { envOf, isWrappedSecret, plain, plainTextLeaks, Recorded, Run, runProgram } from "./harness";

const of = (run: Run, type: string) => run.resources.filter((r) => r.type === type);
const inputs = (r: Recorded) => plain(r.inputs);
const ADMIN = ["203.0.113.0/24"];

describe("aws ec2: containers cannot take the host's role", () => {
    let run: Run;
    before(async () => {
        run = await runProgram({ target: "ec2", platform: "demo", adminCidrs: ADMIN, sshKeyName: "ops" }, { stack: "small" });
    });
    const containers = () => of(run, "docker:index/container:Container");

    it("requires IMDSv2 with a hop limit of 1", () => {
        const [host] = of(run, "aws:ec2/instance:Instance").map(inputs);
        assert.deepEqual(host.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
    });

    it("gives the host's role SSM alone: no KMS, nothing inline", () => {
        assert.deepEqual(of(run, "aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.startsWith("host")), []);
        const attached = of(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.name.startsWith("host")).map((a) => inputs(a).policyArn);
        assert.deepEqual(attached, ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
    });

    it("gives Vault an access key that may use the seal key alone, from the host's Elastic IP alone", () => {
        const policy = JSON.parse(inputs(of(run, "aws:iam/userPolicy:UserPolicy").find((p) => p.name === "vault-seal")!).policy);
        assert.deepEqual(policy.Statement, [
            {
                Effect: "Allow",
                Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey"],
                Resource: "arn:aws:kms:us-east-1:123456789012:vault-seal",
                Condition: { IpAddress: { "aws:SourceIp": "198.51.100.7/32" } },
            },
        ]);
        assert.equal(of(run, "aws:iam/accessKey:AccessKey").length, 1);
    });

    it("hands the key to the Vault container alone, as secrets, never in plain text", () => {
        const vault = containers().find((c) => c.name === "vault")!;
        const env = envOf(vault);
        assert.equal(env.AWS_ACCESS_KEY_ID, "vault-seal-id");
        assert.equal(env.AWS_SECRET_ACCESS_KEY, "awsSecretKeyvaultseal");
        assert.equal(env.SLIPWAY_VAULT_SEAL, "awskms");
        assert.ok(isWrappedSecret(vault.inputs.envs), "Vault's environment is a secret");
        for (const c of containers().filter((x) => x.name !== "vault")) {
            assert.equal(envOf(c).AWS_SECRET_ACCESS_KEY, undefined, c.name);
            assert.ok(!JSON.stringify(plain(c.inputs)).includes("awsSecretKeyvaultseal"), c.name);
        }
        assert.deepEqual(plainTextLeaks(run), []);
        assert.ok(run.generated.includes("awsSecretKeyvaultseal"), "the double marks the secret key as a generated secret");
    });

    it("makes no seal credentials without Vault", async () => {
        const lean = await runProgram(
            { target: "ec2", adminCidrs: ADMIN, sshKeyName: "ops", services: { api: { type: "app", image: "ghcr.io/acme/api:1.4.2", port: 3000 } } },
            { stack: "lean" },
        );
        assert.deepEqual(of(lean, "aws:iam/user:User"), []);
        assert.equal(inputs(of(lean, "aws:ec2/instance:Instance")[0]).metadataOptions.httpPutResponseHopLimit, 1);
    });
});
