// Every resource a stack makes carries the stack's identity, so that what a destroy left behind
// can be found (scripts/leftovers.sh): Docker labels, Kubernetes labels, AWS tags. Whether a
// type can carry one is read from the provider's own SDK (its `<Type>Args` declares `labels` or
// `tags`), not from the program, so a resource that could be labelled and is not fails here.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { plain, Recorded, ROOT, Run, runProgram, runStack } from "./harness";

const ADMIN = ["203.0.113.0/24"];

/** Whether the provider's SDK lets this type carry `field` (docker `labels`, aws `tags`). */
function declares(type: string, field: string): boolean {
    const [pkg, mod, cls] = type.split(":");
    const file = path.join(ROOT, "node_modules", "@pulumi", pkg, ...mod.split("/").filter((p) => p !== "index")) + ".d.ts";
    const text = fs.readFileSync(file, "utf8");
    const args = text.match(new RegExp(`export interface ${cls}Args \\{[\\s\\S]*?\\n\\}`));
    assert.ok(args, `${cls}Args in ${file}`);
    return new RegExp(`\\n\\s+${field}\\?:`).test(args![0]);
}

/** The stack identity a resource carries, or undefined when its type can carry none. */
function identityOf(r: Recorded): { project?: string; stack?: string } | undefined {
    const [pkg] = r.type.split(":");
    if (pkg === "kubernetes") {
        const labels = plain(r.inputs.metadata)?.labels ?? {};
        return { project: labels["dev.slipway.project"], stack: labels["dev.slipway.stack"] };
    }
    if (pkg === "docker" && declares(r.type, "labels")) {
        const labels = Object.fromEntries((plain(r.inputs.labels) ?? []).map((l: { label: string; value: string }) => [l.label, l.value]));
        return { project: labels["dev.slipway.project"], stack: labels["dev.slipway.stack"] };
    }
    if (pkg === "aws" && declares(r.type, "tags")) {
        const tags = plain(r.inputs.tags) ?? {};
        return { project: tags["slipway:project"], stack: tags["slipway:stack"] };
    }
    return undefined;
}

/**
 * Types that hold nothing outside the state, or that their provider gives no labels: generated
 * values, local commands, the image a container runs (pulled, shared across stacks), and AWS
 * types with no tags (attachments, policies, associations and settings of a tagged resource).
 */
const UNLABELLABLE: Record<string, readonly string[]> = {
    dev: ["command:local:Command", "docker:index/remoteImage:RemoteImage", "random:index/randomPassword:RandomPassword"],
    staging: ["random:index/randomPassword:RandomPassword", "tls:index/certRequest:CertRequest", "tls:index/locallySignedCert:LocallySignedCert", "tls:index/privateKey:PrivateKey", "tls:index/selfSignedCert:SelfSignedCert"],
};

function check(run: Run, stack: string): { missing: string[]; unlabellable: string[] } {
    const missing: string[] = [];
    const unlabellable = new Set<string>();
    for (const r of run.resources) {
        if (r.type.startsWith("pulumi:providers:") || r.type.startsWith("slipway:")) continue;
        const id = identityOf(r);
        if (id === undefined) {
            if (!r.type.startsWith("aws:")) unlabellable.add(r.type);
            continue;
        }
        if (id.project !== "slipway" || id.stack !== stack) missing.push(`${r.type} ${r.name}: ${JSON.stringify(id)}`);
    }
    return { missing, unlabellable: [...unlabellable].sort() };
}

describe("stack identity on every resource", function () {
    this.timeout(120000);

    for (const stack of ["dev", "staging"]) {
        it(`${stack}: every Docker/Kubernetes resource carries project and stack, and only state-only types carry none`, async () => {
            const run = await runStack(stack);
            const { missing, unlabellable } = check(run, stack);
            assert.deepEqual(missing, []);
            assert.deepEqual(unlabellable, UNLABELLABLE[stack]);
        });
    }

    it("prod (eks): every taggable AWS resource is tagged, every Kubernetes object labelled", async () => {
        const run = await runStack("prod");
        const { missing } = check(run, "prod");
        assert.deepEqual(missing, []);
        // The check is real: the stack makes taggable AWS resources and untaggable ones.
        const aws = run.resources.filter((r) => r.type.startsWith("aws:"));
        assert.ok(aws.some((r) => r.type === "aws:rds/instance:Instance" && plain(r.inputs.tags)["slipway:stack"] === "prod"));
        assert.ok(aws.some((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && r.inputs.tags === undefined));
    });

    it("keeps the tags a resource already had (subnets keep EKS's load-balancer roles)", async () => {
        const run = await runStack("prod");
        const subnet = run.resources.find((r) => r.type === "aws:ec2/subnet:Subnet" && r.name === "public-0")!;
        assert.deepEqual(plain(subnet.inputs.tags), {
            Name: "slipway-prod-public-0",
            "kubernetes.io/cluster/slipway-prod": "shared",
            "kubernetes.io/role/elb": "1",
            "slipway:project": "slipway",
            "slipway:stack": "prod",
        });
    });

    it("ec2: the VPC, host and Vault's seal are tagged, and the containers on the host labelled", async () => {
        const run = await runProgram({ target: "ec2", platform: "demo", adminCidrs: ADMIN, sshKeyName: "ops" }, { stack: "small" });
        const { missing } = check(run, "small");
        assert.deepEqual(missing, []);
        assert.ok(run.resources.some((r) => r.type === "aws:ec2/instance:Instance"));
    });

    it("the namespace carries the label scripts/leftovers.sh looks for", async () => {
        const run = await runStack("staging");
        const ns = run.resources.find((r) => r.type === "kubernetes:core/v1:Namespace")!;
        assert.equal(plain(ns.inputs.metadata).labels["dev.slipway.stack"], "staging");
        assert.match(fs.readFileSync(path.join(ROOT, "scripts", "leftovers.sh"), "utf8"), /dev\.slipway\.stack=\$stack/);
    });
});
