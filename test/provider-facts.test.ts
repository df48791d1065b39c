// What the providers really do, carried into the test doubles: each case below is a deploy that
// looks fine under kind mocks and fails, or silently does the wrong thing, for real. The facts
// and where they were read are in the comments of the code each case tests.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runScript } from "../components/targets/docker-run";
import { JOB_DEADLINE_SECONDS, JOB_RETRIES } from "../components/targets/kubernetes-pods";
import { containers, plain, Recorded, Run, runProgram, runStack } from "./harness";

const COMMAND = "command:local:Command";
const JOB = "kubernetes:batch/v1:Job";
const of = (run: Run, type: string) => run.resources.filter((r) => r.type === type);
const named = (run: Run, type: string, name: string) => of(run, type).find((r) => r.name === name);

/**
 * Runs the one-shot script with a stub `docker` whose `start` exits with `status` (and `update`
 * with `updateStatus`); returns what the shell saw and each docker command line, in order.
 */
function runWithStubDocker(status: number, updateStatus = 0) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-docker-stub-"));
    try {
        const stub = [
            "#!/bin/sh",
            `echo "$*" >> "${dir}/args"`,
            `[ "$1" = update ] && exit ${updateStatus}`,
            'echo "task output with a secret"',
            'echo "task error" >&2',
            `exit ${status}`,
        ].join("\n");
        fs.writeFileSync(path.join(dir, "docker"), `${stub}\n`, { mode: 0o755 });
        const r = spawnSync("/bin/sh", ["-c", runScript("slipway-dev-postgres-databases", 256)], { env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: "utf8" });
        return { status: r.status, stdout: r.stdout, stderr: r.stderr, args: fs.readFileSync(path.join(dir, "args"), "utf8").trim().split("\n") };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("Docker one-shot containers: a failing task fails the deploy and runs again", function () {
    this.timeout(60000);

    it("the run caps the container's processes, starts it, passes on its exit status, and prints none of its output", () => {
        const failed = runWithStubDocker(3);
        assert.deepEqual(failed.args, ["update --pids-limit 256 slipway-dev-postgres-databases", "start --attach slipway-dev-postgres-databases"]);
        assert.equal(failed.status, 3);
        assert.equal(failed.stdout, "");
        assert.equal(failed.stderr, "slipway-dev-postgres-databases exited with status 3; its output: docker logs slipway-dev-postgres-databases\n");
        const ok = runWithStubDocker(0);
        assert.deepEqual([ok.status, ok.stdout, ok.stderr], [0, "", ""]);
    });

    it("a container whose processes the engine will not cap is never started, and the run fails", () => {
        const refused = runWithStubDocker(0, 1);
        assert.deepEqual(refused.args, ["update --pids-limit 256 slipway-dev-postgres-databases"]);
        assert.equal(refused.status, 1);
        assert.match(refused.stderr, /could not limit the processes of slipway-dev-postgres-databases\n$/);
    });

    describe("on the dev stack", () => {
        let run: Run;
        before(async () => {
            run = await runStack("dev");
        });

        it("creates every one-shot container without starting it, and runs each through a Command", () => {
            // A holder of configuration files is never started at all (test/docker.test.ts).
            const role = (c: Recorded) => c.inputs.labels.find((l: any) => l.label === "dev.slipway.role")?.value;
            const oneShots = containers(run).filter((c) => c.inputs.restart === "no" && role(c) !== "files");
            assert.deepEqual(oneShots.map((c) => c.name).sort(), ["minio-users", "postgres-databases", "vault-bootstrap", "volume-init"]);
            for (const c of oneShots) {
                assert.deepEqual([c.inputs.start, c.inputs.mustRun, c.inputs.attach, c.inputs.logs], [false, false, undefined, undefined], c.name);
                const runner = named(run, COMMAND, `${c.name}-run`)!;
                assert.ok(runner, `${c.name} has a run`);
                assert.equal(runner.inputs.create, runScript(c.inputs.name, role(c) === "volume-init" ? 16 : 256));
                assert.deepEqual(runner.inputs.triggers, [`${c.name}-id`], "runs again when the container is replaced");
                assert.deepEqual(runner.options.replaceOnChanges, ["*"]);
                assert.deepEqual(runner.options.additionalSecretOutputs, ["stdout", "stderr"], "whatever a task prints stays out of the state in plain text");
            }
        });

        it("keeps no container's logs in the state", () => {
            for (const c of containers(run)) assert.notEqual(c.inputs.logs, true, c.name);
        });

        it("replaces a service container on any change, since the provider ignores changed probes and tmpfs", () => {
            for (const c of containers(run).filter((x) => x.inputs.restart === "unless-stopped")) {
                assert.deepEqual(c.options.replaceOnChanges, ["*"], c.name);
                assert.equal(c.options.deleteBeforeReplace, true, `${c.name}: its name is unique on the engine`);
            }
        });
    });

    it("a task that exits non-zero stops its consumers: they are never created", async () => {
        const into: Recorded[] = [];
        await assert.rejects(runProgram({ target: "docker", platform: "demo", devMode: true }, { failing: ["postgres-databases-run"] }, into), /postgres-databases-run: exit status 1/);
        const names = into.filter((r) => r.type === "docker:index/container:Container").map((r) => r.name);
        assert.ok(names.includes("postgres"), "the service itself was made");
        assert.ok(names.includes("postgres-databases"), "the task's container was made");
        assert.ok(!names.includes("demo"), `the app that uses postgres was not: ${names}`);
        assert.ok(!names.includes("gateway"), "nor what uses the app");
    });

    it("a failing volume hand-over stops its service", async () => {
        const into: Recorded[] = [];
        await assert.rejects(runProgram({ target: "docker", platform: "demo", devMode: true }, { failing: ["volume-init-run"] }, into), /volume-init-run: exit status 1/);
        const names = into.filter((r) => r.type === "docker:index/container:Container").map((r) => r.name);
        assert.ok(names.includes("volume-init"), "the hand-over's container was made");
        for (const service of ["postgres", "redis", "vault", "minio", "prometheus", "grafana"]) assert.ok(!names.includes(service), `${service} (it has data) was not: ${names}`);
    });
});

describe("Kubernetes Jobs: a failure is an error within the await, and the next up runs the job again", function () {
    this.timeout(60000);
    let run: Run;
    before(async () => {
        run = await runStack("staging");
    });

    it("fails within the provider's 10-minute wait: back-off and deadline fit inside it", () => {
        // The Job controller backs off 10 s, 20 s, 40 s … (capped at 6 minutes) between retries.
        const backoff = Array.from({ length: JOB_RETRIES }, (_, i) => Math.min(10 * 2 ** i, 360)).reduce((a, b) => a + b, 0);
        for (const job of of(run, JOB)) {
            const spec = plain(job.inputs).spec;
            assert.equal(spec.backoffLimit, JOB_RETRIES, job.name);
            assert.equal(spec.activeDeadlineSeconds, JOB_DEADLINE_SECONDS, job.name);
        }
        assert.ok(JOB_DEADLINE_SECONDS + backoff < 600, `${JOB_DEADLINE_SECONDS} s + ${backoff} s of back-off`);
        assert.equal(of(run, JOB).length, 3);
    });

    it("is replaced, so run again, by the next up after it failed", () => {
        for (const job of of(run, JOB)) assert.equal(plain(job.inputs).metadata.annotations["pulumi.com/replaceUnready"], "true", job.name);
    });

    it("runs again when a credential it reads is rotated: its template carries their digest", async () => {
        const again = await runStack("staging"); // the mock generates new values on every run
        for (const job of of(run, JOB)) {
            const digest = (r: Run) => plain(named(r, JOB, job.name)!.inputs).spec.template.metadata.annotations["slipway.dev/credentials-hash"];
            assert.match(digest(run), /^[0-9a-f]{16}$/);
            assert.notEqual(digest(run), digest(again), job.name);
        }
    });

    it("a failed Job stops its consumers", async () => {
        const into: Recorded[] = [];
        await assert.rejects(runProgram({ target: "kind", platform: "demo" }, { failing: ["postgres-databases"] }, into));
        assert.ok(!into.some((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name === "demo"));
    });

    it("mounts no service-account token in any pod", () => {
        const pods = [...of(run, "kubernetes:apps/v1:Deployment"), ...of(run, "kubernetes:apps/v1:StatefulSet"), ...of(run, JOB)];
        assert.ok(pods.length > 5);
        for (const p of pods) assert.equal(plain(p.inputs).spec.template.spec.automountServiceAccountToken, false, p.name);
    });
});

describe("EKS: volumes are provisioned", function () {
    this.timeout(60000);
    let run: Run;
    before(async () => {
        run = await runProgram({ target: "eks", platform: "demo", adminCidrs: ["203.0.113.0/24"], managedServices: false });
    });

    it("gives the EBS CSI driver a role of its own (IRSA), since pods cannot reach the node role with IMDS hop limit 1", () => {
        const addon = plain(named(run, "aws:eks/addon:Addon", "ebs-csi")!.inputs);
        assert.equal(addon.addonName, "aws-ebs-csi-driver");
        assert.equal(addon.serviceAccountRoleArn, "arn:aws:iam:us-east-1:123456789012:ebs-csi");
        const trust = JSON.parse(plain(named(run, "aws:iam/role:Role", "ebs-csi")!.inputs).assumeRolePolicy);
        assert.deepEqual(trust.Statement[0].Condition.StringEquals, {
            "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF:sub": "system:serviceaccount:kube-system:ebs-csi-controller-sa",
            "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF:aud": "sts.amazonaws.com",
        });
        const policies = of(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((r) => [r.name, plain(r.inputs).policyArn]);
        assert.deepEqual(policies.filter(([, arn]) => arn.endsWith("AmazonEBSCSIDriverPolicy")), [["ebs-csi", "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"]]);
        const launch = plain(named(run, "aws:ec2/launchTemplate:LaunchTemplate", "eks-node")!.inputs);
        assert.equal(launch.metadataOptions.httpPutResponseHopLimit, 1, "pods still cannot reach the node's credentials");
    });

    it("makes an encrypted gp3 StorageClass the default, since EKS 1.30 has none, and every claim uses it", () => {
        const sc = plain(named(run, "kubernetes:storage.k8s.io/v1:StorageClass", "gp3")!.inputs);
        assert.deepEqual(
            [sc.metadata.name, sc.provisioner, sc.parameters, sc.volumeBindingMode, sc.metadata.annotations["storageclass.kubernetes.io/is-default-class"]],
            ["gp3-encrypted", "ebs.csi.aws.com", { type: "gp3", encrypted: "true" }, "WaitForFirstConsumer", "true"],
        );
        const sets = of(run, "kubernetes:apps/v1:StatefulSet");
        assert.ok(sets.length >= 5);
        for (const s of sets) {
            for (const claim of plain(s.inputs).spec.volumeClaimTemplates) assert.equal(claim.spec.storageClassName, "gp3-encrypted", s.name);
            assert.ok(s.dependsOn.includes("kubernetes:storage.k8s.io/v1:StorageClass::gp3"), `${s.name} waits for its StorageClass`);
        }
        assert.ok(named(run, "kubernetes:storage.k8s.io/v1:StorageClass", "gp3")!.dependsOn.includes("aws:eks/addon:Addon::ebs-csi"));
    });

    it("uses the stack's StorageClass instead, when it names one, and makes none", async () => {
        const own = await runProgram({ target: "eks", platform: "demo", adminCidrs: ["203.0.113.0/24"], managedServices: false, storageClass: "fast" });
        assert.equal(of(own, "kubernetes:storage.k8s.io/v1:StorageClass").length, 0);
        for (const s of of(own, "kubernetes:apps/v1:StatefulSet")) {
            for (const claim of plain(s.inputs).spec.volumeClaimTemplates) assert.equal(claim.spec.storageClassName, "fast");
        }
    });

    it("mounts no service-account token, not even in Vault's pod, whose cloud identity comes from the pod identity webhook", () => {
        const vault = plain(named(run, "kubernetes:apps/v1:StatefulSet", "vault")!.inputs);
        assert.equal(vault.spec.template.spec.serviceAccountName, "vault");
        assert.equal(vault.spec.template.spec.automountServiceAccountToken, false);
    });
});
