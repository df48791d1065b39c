// What `pulumi destroy` does to each stack's data, read from what the engine is told. A stack
// that is not prod goes away whole: nothing protected or retained, volumes and buckets deleted
// with their data, no final snapshot left behind. Prod keeps every resource that holds data:
// protected (the engine refuses to delete it, Pulumi docs "protect"), retained, or snapshotted.
// The protect and retainOnDelete options reach the engine (test/harness.ts records them from
// the RegisterResource request), so these tests see what the CLI would see.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { plain, Recorded, ROOT, Run, runProgram, runStack, runStackText } from "./harness";

const ADMIN = ["198.51.100.0/24"];
const inputs = (r: Recorded) => plain(r.inputs);
const find = (run: Run, type: string, name: string) => {
    const r = run.resources.find((x) => x.type === type && x.name === name);
    assert.ok(r, `${type} ${name}`);
    return r!;
};

/** The resources that hold data: volumes, databases, caches, buckets, keys, the clusters and hosts that hold the rest. */
const DATA_TYPES = new Set([
    "docker:index/volume:Volume",
    "aws:rds/instance:Instance",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:s3/bucket:Bucket",
    "aws:kms/key:Key",
    "aws:eks/cluster:Cluster",
    "aws:ec2/instance:Instance",
    "kubernetes:storage.k8s.io/v1:StorageClass",
    "kubernetes:core/v1:Namespace",
]);
const statefulSetsWithClaims = (run: Run) =>
    run.resources.filter((r) => r.type === "kubernetes:apps/v1:StatefulSet" && (inputs(r).spec.volumeClaimTemplates ?? []).length > 0);

describe("destroy: a stack that is not prod goes away with its data", function () {
    this.timeout(120000);
    const stacks: { name: string; run: () => Promise<Run> }[] = [
        { name: "dev (docker)", run: () => runStack("dev") },
        { name: "staging (kind)", run: () => runStack("staging") },
        { name: "pr-123 (the review template)", run: () => runStackText("pr-123", fs.readFileSync(path.join(ROOT, "Pulumi.review.yaml"), "utf8")) },
        { name: "pr-42 (eks without protectData)", run: () => runProgram({ target: "eks", platform: "demo", adminCidrs: ADMIN }, { stack: "pr-42" }) },
        { name: "small (ec2 without protectData)", run: () => runProgram({ target: "ec2", platform: "demo", adminCidrs: ADMIN, sshKeyName: "ops" }, { stack: "small" }) },
    ];
    for (const s of stacks) {
        it(`${s.name}: nothing protected or retained, and every store deleted with its data`, async () => {
            const run = await s.run();
            const kept = run.resources.filter((r) => r.options.protect || r.options.retainOnDelete).map((r) => `${r.type} ${r.name}`);
            assert.deepEqual(kept, []);
            assert.ok(run.resources.some((r) => DATA_TYPES.has(r.type)), "the stack holds data");
            for (const r of run.resources) {
                const i = inputs(r);
                if (r.type === "aws:rds/instance:Instance") assert.deepEqual([i.deletionProtection, i.skipFinalSnapshot], [false, true], r.name);
                if (r.type === "aws:elasticache/replicationGroup:ReplicationGroup") assert.equal(i.finalSnapshotIdentifier, undefined, r.name);
                if (r.type === "aws:s3/bucket:Bucket") assert.equal(i.forceDestroy, true, `${r.name}: emptied, then deleted`);
                if (r.type === "aws:eks/cluster:Cluster") assert.equal(i.deletionProtection, false);
                if (r.type === "aws:ec2/instance:Instance") assert.equal(i.rootBlockDevice.deleteOnTermination, true);
                if (r.type === "kubernetes:storage.k8s.io/v1:StorageClass") assert.equal(i.reclaimPolicy, "Delete");
            }
        });
    }

    it("on a cluster, the claims go with the namespace: deleting it deletes every object in it", async () => {
        const run = await runStack("staging");
        assert.ok(statefulSetsWithClaims(run).length > 0);
        for (const ss of statefulSetsWithClaims(run)) assert.equal(inputs(ss).metadata.namespace, "slipway-staging");
        const ns = find(run, "kubernetes:core/v1:Namespace", "namespace");
        assert.deepEqual([ns.options.protect, ns.options.retainOnDelete], [false, false]);
    });
});

describe("destroy: prod keeps every resource that holds data", function () {
    this.timeout(120000);

    it("eks: each one is protected, retained or snapshotted, and this is the list", async () => {
        const run = await runStack("prod");
        const how = (r: Recorded): string[] => {
            const i = inputs(r);
            const ways: string[] = [];
            if (r.options.protect) ways.push("protected");
            if (r.options.retainOnDelete) ways.push("retained");
            if (i.deletionProtection === true) ways.push("deletion protection");
            if (i.finalSnapshotIdentifier && i.skipFinalSnapshot !== true) ways.push("final snapshot");
            if (i.forceDestroy === false) ways.push("not emptied");
            if (i.reclaimPolicy === "Retain") ways.push("volumes retained");
            return ways;
        };
        const data = run.resources.filter((r) => DATA_TYPES.has(r.type) && r.type !== "kubernetes:core/v1:Namespace");
        assert.deepEqual(Object.fromEntries(data.map((r) => [`${r.type} ${r.name}`, how(r)])), {
            "aws:kms/key:Key eks-secrets": ["protected"],
            "aws:kms/key:Key vault-seal": ["protected"],
            "aws:s3/bucket:Bucket minio-bucket": ["protected", "not emptied"],
            "aws:s3/bucket:Bucket minio-access-logs": ["protected", "not emptied"],
            "aws:eks/cluster:Cluster eks": ["protected", "deletion protection"],
            "kubernetes:storage.k8s.io/v1:StorageClass gp3": ["volumes retained"],
            "aws:elasticache/replicationGroup:ReplicationGroup redis-elasticache": ["protected", "final snapshot"],
            "aws:rds/instance:Instance postgres-rds": ["protected", "deletion protection", "final snapshot"],
        });
        // The in-cluster stores keep their volumes through the class: every claim names it.
        for (const ss of statefulSetsWithClaims(run)) {
            for (const claim of inputs(ss).spec.volumeClaimTemplates) assert.equal(claim.spec.storageClassName, "gp3-encrypted", ss.name);
        }
    });

    it("ec2 with protectData: the host, its root disk and the Docker volumes on it", async () => {
        const run = await runProgram({ target: "ec2", platform: "demo", adminCidrs: ADMIN, sshKeyName: "ops", protectData: true }, { stack: "prod" });
        const host = run.resources.find((r) => r.type === "aws:ec2/instance:Instance")!;
        assert.equal(host.options.protect, true);
        assert.equal(inputs(host).rootBlockDevice.deleteOnTermination, false);
        // Data volumes; the ones that carry a service's generated files are made again from the program.
        const role = (r: Recorded) => (inputs(r).labels ?? []).find((l: { label: string }) => l.label === "dev.slipway.role")?.value;
        const volumes = run.resources.filter((r) => r.type === "docker:index/volume:Volume");
        assert.deepEqual(
            volumes.filter((v) => !v.options.protect).map((v) => `${v.name} ${role(v)}`),
            volumes.filter((v) => role(v) === "files").map((v) => `${v.name} files`),
        );
        assert.deepEqual(volumes.filter((v) => v.options.protect).map((v) => v.name).sort(), ["grafana-data", "minio-data", "postgres-data", "prometheus-data", "redis-data", "vault-data"]);
    });
});
