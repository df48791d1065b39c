// The operator's scripts: the preflight's findings and the endpoint checks, against real sockets.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import { spawnSync } from "child_process";
import * as path from "path";
import * as YAML from "yaml";
import { dockerFindings, portsInUse } from "../scripts/lib/preflight";
import { checkEndpoint, inPlatform, report } from "../scripts/lib/verify";
import { ROOT } from "./harness";

const GiB = 2 ** 30;
const engine = { ServerVersion: "28.2.2", CgroupVersion: "2", CgroupDriver: "systemd", MemTotal: 8 * GiB, NCPU: 4, SecurityOptions: ["name=seccomp,profile=builtin"] };

describe("preflight", () => {
    const cases: { name: string; info: any; cgroup?: string; needs: { memoryMiB: number; cpus: number }; expect: string[] }[] = [
        { name: "a ready engine", info: engine, cgroup: "domain\n", needs: { memoryMiB: 2048, cpus: 3 }, expect: [] },
        { name: "no engine", info: undefined, needs: { memoryMiB: 1, cpus: 1 }, expect: ["error: no Docker engine answers at the default socket: start Docker (or set DOCKER_HOST) and try again"] },
        {
            name: "a threaded cgroup (the governance failure)",
            info: engine,
            cgroup: "threaded\n",
            needs: { memoryMiB: 1024, cpus: 1 },
            expect: ["error: the host's cgroup v2 root is in threaded mode, where containers cannot be created; run Docker where /sys/fs/cgroup/cgroup.type is `domain` (not nested in a threaded cgroup)"],
        },
        {
            name: "more memory than the engine has, and a rootless engine",
            info: { ...engine, SecurityOptions: ["name=rootless"] },
            needs: { memoryMiB: 9000, cpus: 1 },
            expect: [
                "error: the stack's memory limits add up to 9000 MiB, more than the engine's 8192 MiB; use size small or leave services out",
                "warning: the engine is rootless: host ports below 1024 cannot be published",
            ],
        },
    ];
    for (const c of cases) {
        it(c.name, () => {
            assert.deepEqual(dockerFindings(c.info, c.cgroup, c.needs).map((f) => `${f.level}: ${f.message}`), c.expect);
        });
    }

    it("finds a host port another process listens on, and not a free one", async () => {
        const server = net.createServer();
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        const taken = (server.address() as net.AddressInfo).port;
        const free = await new Promise<number>((r) => {
            const s = net.createServer().listen(0, "127.0.0.1", () => {
                const p = (s.address() as net.AddressInfo).port;
                s.close(() => r(p));
            });
        });
        const findings = await portsInUse("127.0.0.1", { gateway: taken, grafana: free });
        server.close();
        assert.deepEqual(findings.map((f) => f.message), [`127.0.0.1:${taken}, the host port of gateway, is already in use by another process`]);
    });

    describe("the stack's config", () => {
        /** Runs scripts/preflight.ts of the project in `dir` for `stack`. */
        const preflight = (dir: string, stack: string) =>
            spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(dir, "scripts/preflight.ts"), stack], { cwd: dir, encoding: "utf8" });

        it("passes a valid non-docker stack, and refuses a stack that has no file", () => {
            const prod = preflight(ROOT, "prod");
            assert.equal(prod.status, 0, prod.stderr);
            assert.match(prod.stdout, /stack prod \(eks\) is ready to deploy/);
            const missing = preflight(ROOT, "nope");
            assert.deepEqual([missing.status, missing.stdout, missing.stderr], [1, "", "✗ validating stack config: Stack 'nope' is missing configuration value 'target' (there is no Pulumi.nope.yaml)\n"]);
        });

        it("reports invalid stack config with the program's own messages, and exits 1", () => {
            // A copy of the project, so that its stack file is seen by the preflight alone.
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-preflight-"));
            try {
                for (const d of ["components", "scripts", "platforms"]) fs.cpSync(path.join(ROOT, d), path.join(dir, d), { recursive: true });
                for (const f of ["Pulumi.yaml", "tsconfig.json"]) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
                fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
                const services = {
                    vault: { type: "vault" },
                    redis: { type: "redis" },
                    gateway: { type: "app", image: "ghcr.io/acme/api:1.4.2", port: 3000, uses: ["redis", "vault2"] },
                };
                fs.writeFileSync(path.join(dir, "Pulumi.broken.yaml"), YAML.stringify({ config: { "slipway:target": "docker", "slipway:services": services } }));
                const r = preflight(dir, "broken");
                assert.equal(r.stderr, '✗ slipway:services.gateway.uses[1]: unknown service "vault2"\n');
                assert.equal(r.stdout, "", "nothing is checked past the config");
                assert.equal(r.status, 1);
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });
    });
});

describe("verify", () => {
    let server: http.Server;
    let port: number;
    before(async () => {
        server = http.createServer((req, res) => {
            res.statusCode = req.url === "/broken" ? 503 : 200;
            res.end("ok");
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        port = (server.address() as net.AddressInfo).port;
    });
    after(() => server.close());

    it("passes an HTTP endpoint that answers, fails one that answers 5xx or nothing", async () => {
        assert.equal((await checkEndpoint("grafana", `http://127.0.0.1:${port}`)).ok, true);
        const broken = await checkEndpoint("api", `http://127.0.0.1:${port}/broken`);
        assert.deepEqual([broken.ok, broken.detail], [false, "HTTP 503"]);
        const closed = await checkEndpoint("gone", "http://127.0.0.1:1", 2000);
        assert.equal(closed.ok, false);
    });

    it("checks other schemes by a TCP connection", async () => {
        assert.equal((await checkEndpoint("postgres", `postgresql://127.0.0.1:${port}`)).ok, true);
        assert.equal((await checkEndpoint("redis", "redis://127.0.0.1:1", 2000)).ok, false);
    });

    it("tells in-platform endpoints from reachable ones, and summarises", async () => {
        assert.equal(inPlatform("postgresql://postgres:5432"), true);
        assert.equal(inPlatform("http://127.0.0.1:3000"), false);
        assert.equal(inPlatform("http://grafana-0123.elb.us-east-1.amazonaws.com:3000"), false);
        const text = report([await checkEndpoint("grafana", `http://127.0.0.1:${port}`), await checkEndpoint("gone", "http://127.0.0.1:1", 2000)]);
        assert.match(text, /^ok {2}\s*grafana/m);
        assert.match(text, /^FAIL\s+gone/m);
        assert.match(text, /1 of 2 endpoints answered$/);
    });
});
