// SPEC "Bad input": every invalid config stops the program before a single resource is
// registered, with one message per problem that begins with the config path.
import { strict as assert } from "assert";
import { typeInfo } from "../components/catalog";
import { assignHostPorts, imagePin, mergeServices, validate } from "../components/config/validate";
import { app, asProgramSays, BAD, BAD_FOR_TARGET } from "./bad-configs";
import { runExpectingError } from "./harness";

const validateConfig = (config: Record<string, unknown>) =>
    validate({ project: "slipway", stack: "test", config, platforms: { demo: { services: demoServices() } }, types: typeInfo() });

function demoServices() {
    // The bundled demo's shape, enough for the merge cases above.
    return { postgres: { type: "postgres" }, demo: app({ uses: ["postgres"] }) };
}

describe("config validation", () => {
    describe("the bad-config table (pure)", () => {
        for (const c of BAD) {
            it(c.name, () => {
                const result = validateConfig(c.config);
                assert.equal(result.ok, false, "config should be rejected");
                assert.deepEqual(!result.ok && result.problems, c.problems);
            });
        }
    });

    describe("the program stops before registering any resource", () => {
        for (const c of [...BAD, ...BAD_FOR_TARGET]) {
            it(c.name, async () => {
                const { message, registered } = await runExpectingError(c.config);
                assert.equal(message, c.cli ?? asProgramSays(c.program ?? c.problems));
                assert.equal(registered, 0, "no resource may be registered for a bad config");
            });
        }
    });

    it("accepts a good config and orders services after what they use", () => {
        const result = validateConfig({
            target: "docker",
            services: { api: app({ uses: ["db", "cache"] }), cache: { type: "redis" }, db: { type: "postgres" } },
        });
        assert.ok(result.ok);
        assert.deepEqual(result.spec.services.map((s) => s.name), ["db", "cache", "api"]);
    });

    it("merges stack services over the platform key by key, and null removes one", () => {
        const merged = mergeServices(
            { db: { type: "postgres", memory: "1Gi" }, api: app(), old: app() },
            { db: { memory: "2Gi" }, old: null, extra: app(), api: { port: null } },
        );
        const { port: _unset, ...apiWithoutPort } = app();
        assert.deepEqual(merged, { db: { type: "postgres", memory: "2Gi" }, api: apiWithoutPort, extra: app() });
    });

    it("applies a platform's per-target adjustments between its services and the stack's", () => {
        const platforms = {
            mon: {
                services: { proxy: { type: "docker-proxy" }, cadvisor: { type: "cadvisor", uses: ["proxy"] }, api: app() },
                targets: { kind: { services: { proxy: null, cadvisor: null, api: { replicas: 2 } } } },
            },
        };
        const on = (target: string, services = {}) =>
            validate({ project: "slipway", stack: "s", config: { target, platform: "mon", services }, platforms, types: typeInfo() });
        const kind = on("kind");
        assert.ok(kind.ok);
        assert.deepEqual(kind.spec.services.map((s) => [s.name, s.replicas]), [["api", 2]]);
        const docker = on("docker");
        assert.ok(docker.ok);
        assert.deepEqual(docker.spec.services.map((s) => s.name), ["proxy", "cadvisor", "api"]);
        const override = on("kind", { api: { replicas: 3 } });
        assert.ok(override.ok);
        assert.equal(override.spec.services[0].replicas, 3, "the stack wins over the platform's adjustment");
    });

    it("gives public services deterministic host ports, explicit ones first", () => {
        const result = validateConfig({
            target: "docker",
            services: {
                a: app({ port: 8080, public: true }),
                b: app({ port: 8080, public: true }),
                c: app({ port: 9000, hostPort: 8080 }),
                m: { type: "minio", public: true },
            },
        });
        assert.ok(result.ok);
        assert.deepEqual(result.spec.hostPorts, { c: { 9000: 8080 }, a: { 8080: 8081 }, b: { 8080: 8082 }, m: { 9000: 9000, 9001: 9001 } });
        const again = validateConfig({ target: "docker", services: { a: app({ port: 8080, public: true }), b: app({ port: 8080, public: true }), c: app({ port: 9000, hostPort: 8080 }), m: { type: "minio", public: true } } });
        assert.ok(again.ok);
        assert.deepEqual(again.spec.hostPorts, result.spec.hostPorts);
    });

    it("reports a host port conflict against the first claimant only", () => {
        const problems: string[] = [];
        assignHostPorts(
            ["x", "y", "z"].map((name) => ({ name, type: "app", port: 80, hostPort: 80, public: true, uses: [], env: {}, secrets: [] })),
            typeInfo(),
            (path, message) => problems.push(`${path}: ${message}`),
        );
        assert.deepEqual(problems, ["services.y.hostPort: 80 is also taken by x", "services.z.hostPort: 80 is also taken by x"]);
    });

    it("knows a pinned image from an unpinned one", () => {
        const cases: [string, string][] = [
            ["redis", "none"],
            ["redis:", "none"],
            ["redis:7.4.3-alpine", "tag"],
            ["redis:latest", "latest"],
            ["localhost:5000/acme/api", "none"],
            ["localhost:5000/acme/api:1.0", "tag"],
            [`acme/api@sha256:${"a".repeat(64)}`, "digest"],
        ];
        for (const [image, pin] of cases) assert.equal(imagePin(image), pin, image);
    });

    it("takes health as a path, tcp, or a command", () => {
        const result = validateConfig({
            target: "docker",
            services: {
                a: app({ health: "/health/live" }),
                b: app({ health: "tcp" }),
                c: app({ health: "test -f /tmp/ready" }),
                d: app({ health: ["/bin/check", "--quick"] }),
            },
        });
        assert.ok(result.ok);
        assert.deepEqual(result.spec.services.map((s) => s.health), [
            { kind: "http", path: "/health/live" },
            { kind: "tcp" },
            { kind: "command", command: ["/bin/sh", "-c", "test -f /tmp/ready"] },
            { kind: "command", command: ["/bin/check", "--quick"] },
        ]);
    });
});
