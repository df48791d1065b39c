// The live tier's mapping from a `docker.Container`'s inputs to Docker Engine API calls, field
// by field, against kreuzwerker/terraform-provider-docker v4.5.0's resourceDockerContainerCreate
// (what pulumi-docker 5 runs). No engine here: this checks the calls the live tier will make.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ContainerInputs, goDuration, planContainer } from "./live/mapping";
import { tarOf } from "./live/tar";
import { containers, plain, Run, runStack } from "./harness";

describe("live tier: container inputs -> Docker Engine API", function () {
    this.timeout(60000);
    let run: Run;
    const inputsOf = (name: string) => plain(containers(run).find((c) => c.name === name)!.inputs) as ContainerInputs;
    before(async () => {
        run = await runStack("dev");
    });

    it("maps postgres: user, env, read-only root, tmpfs, volume mount, limits, restart, network aliases and health check", () => {
        const plan = planContainer({ ...inputsOf("postgres"), image: "postgres:16.10-alpine" });
        const c = plan.create;
        assert.equal(c.name, "slipway-dev-postgres");
        assert.equal(c.Image, "postgres:16.10-alpine");
        assert.equal(c.Hostname, "postgres");
        assert.equal(c.User, "70:70");
        assert.deepEqual(c.Env!.map((e) => e.split("=")[0]).sort(), ["PGDATA", "POSTGRES_DB", "POSTGRES_PASSWORD", "POSTGRES_USER"]);
        assert.equal(c.Cmd, undefined, "the image's own CMD");
        assert.equal(c.Entrypoint, undefined, "the image's own ENTRYPOINT");
        assert.equal(c.HostConfig!.ReadonlyRootfs, true);
        // Owned by the service's user: a tmpfs takes the mode of the directory it covers, not its owner.
        assert.deepEqual(c.HostConfig!.Tmpfs, { "/tmp": "rw,nosuid,nodev,size=64m,uid=70,gid=70", "/var/run/postgresql": "rw,nosuid,nodev,size=64m,uid=70,gid=70" });
        assert.deepEqual(c.HostConfig!.Mounts, [{ Type: "volume", Source: "slipway-dev-postgres-data", Target: "/var/lib/postgresql/data", ReadOnly: false }]);
        assert.equal(c.HostConfig!.Memory, 512 * 1024 * 1024, "memory is given in MB (postgres: 512 at size small)");
        assert.equal(c.HostConfig!.NanoCpus, 500_000_000, "cpus 0.5");
        assert.deepEqual(c.HostConfig!.RestartPolicy, { Name: "unless-stopped", MaximumRetryCount: 0 });
        assert.deepEqual(c.HostConfig!.CapDrop, ["ALL"]);
        assert.deepEqual(c.HostConfig!.CapAdd, []);
        assert.deepEqual(c.HostConfig!.SecurityOpt, ["no-new-privileges:true"]);
        assert.equal(c.HostConfig!.PortBindings, undefined, "a private service publishes nothing");
        assert.deepEqual(c.Healthcheck, {
            Test: ["CMD-SHELL", "pg_isready -q -h 127.0.0.1 -p 5432 -U slipway -d app"],
            Interval: 10e9,
            Timeout: 5e9,
            StartPeriod: 60e9,
            StartInterval: 2e9,
            Retries: 6,
        });
        assert.deepEqual(plan.networks, [{ name: "slipway-dev", aliases: ["postgres"] }]);
        assert.equal(plan.start, true);
        assert.equal(plan.waitSeconds, 180, "wait_timeout: startPeriod + 120 s");
    });

    it("maps a public service's ports onto the bind address, its read-only mount of its files, and their holder's uploads", () => {
        const plan = planContainer({ ...inputsOf("prometheus"), image: "prom/prometheus:v3.4.1" });
        assert.deepEqual(plan.create.ExposedPorts, { "9090/tcp": {} });
        assert.deepEqual(plan.create.HostConfig!.PortBindings, { "9090/tcp": [{ HostIp: "127.0.0.1", HostPort: "9090" }] });
        assert.deepEqual(plan.uploads, [], "a read-only root takes no upload");
        assert.equal(plan.create.HostConfig!.ReadonlyRootfs, true);
        const files = plan.create.HostConfig!.Mounts!.find((m) => m.Target === "/etc/prometheus")!;
        assert.match(String(files.Source), /^slipway-dev-prometheus-files-1-[0-9a-f]{12}$/);
        assert.equal(files.ReadOnly, true);
        assert.deepEqual(plan.create.Cmd, ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", "--storage.tsdb.retention.size=8192MB"]);
        // The holder: created, never started, the same volume mounted where the files go.
        const holder = planContainer({ ...inputsOf("prometheus-files"), image: "busybox:1.37.0" });
        assert.equal(holder.start, false);
        assert.deepEqual(holder.create.HostConfig!.Mounts, [{ Type: "volume", Source: files.Source, Target: "/etc/prometheus", ReadOnly: false }]);
        assert.deepEqual(holder.uploads.map((u) => [u.path, u.mode]), [["/etc/prometheus/prometheus.yml", 0o644], ["/etc/prometheus/slipway-rules.yml", 0o644]]);
        assert.match(holder.uploads[0].content, /^global:/m);
    });

    it("maps a one-shot container: created, not started, never restarted, entrypoint overridden", () => {
        const plan = planContainer({ ...inputsOf("postgres-databases"), image: "postgres:16.10-alpine" });
        assert.equal(plan.start, false);
        assert.equal(plan.waitSeconds, undefined);
        assert.deepEqual(plan.create.HostConfig!.RestartPolicy, { Name: "no", MaximumRetryCount: 0 });
        assert.deepEqual(plan.create.Entrypoint!.slice(0, 2), ["/bin/sh", "-c"]);
        const init = planContainer({ ...inputsOf("volume-init"), image: "busybox:1.37.0" });
        assert.equal(init.create.HostConfig!.NetworkMode, "none");
        assert.deepEqual(init.create.HostConfig!.CapAdd, ["CHOWN"]);
        assert.deepEqual(init.create.Cmd!.slice(0, 2), ["sh", "-c"]);
        assert.match(init.create.Cmd![2], /(^| && )chown 999:1000 \/volumes\/redis\/data( && |$)/);
        assert.equal(init.create.User, "0:0");
    });

    it("maps host paths to binds, read-only where asked", () => {
        const plan = planContainer({ name: "x", image: "i", volumes: [{ hostPath: "/proc", containerPath: "/host/proc", readOnly: true }, { hostPath: "/a", containerPath: "/b" }] });
        assert.deepEqual(plan.create.HostConfig!.Binds, ["/proc:/host/proc:ro", "/a:/b"]);
    });

    it("refuses an input it does not know how to map, rather than drop it", () => {
        assert.throws(() => planContainer({ name: "x", image: "i", privileged: true } as unknown as ContainerInputs), {
            message: "x: the live tier does not map privileged; add it to test/live/mapping.ts",
        });
    });

    it("reads durations as Go does", () => {
        assert.deepEqual(["10s", "2s", "1m", "500ms", "1.5s"].map(goDuration), [10e9, 2e9, 60e9, 500e6, 1.5e9]);
        assert.throws(() => goDuration("10"), /not a duration/);
    });

    it("packs uploads as a tar that tar reads back, modes included", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-tar-"));
        try {
            const file = path.join(dir, "a.tar");
            fs.writeFileSync(file, tarOf([{ path: "/etc/x/config.yml", content: "a: 1\n", mode: 0o644 }, { path: "/run.sh", content: "#!/bin/sh\n", mode: 0o744 }]));
            const r = spawnSync("tar", ["-xf", file, "-C", dir], { encoding: "utf8" });
            assert.equal(r.status, 0, r.stderr);
            assert.equal(fs.readFileSync(path.join(dir, "etc/x/config.yml"), "utf8"), "a: 1\n");
            assert.equal(fs.statSync(path.join(dir, "run.sh")).mode & 0o777, 0o744);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
