// Names that collide. The engine refuses two resources with one URN, Docker two containers with
// one name, Kubernetes two objects of a kind with one name in a namespace: each only halfway
// through a deploy. So the test doubles refuse them too, and validation refuses any service
// name that would make one. The oracle here is independent of components/config/names.ts: it
// runs each platform, records every name the program claims, learns from a probe service which
// names a new service would claim, and so finds every service name that would collide.
import { strict as assert } from "assert";
import { typeInfo } from "../components/catalog";
import { loadPlatforms } from "../components/config/load";
import { validate } from "../components/config/validate";
import { physicalName, UrnBook } from "./doubles";
import { runProgram, Run } from "./harness";

const APP = { type: "app", image: "ghcr.io/acme/api:1.4.2", port: 3000, uses: [] as string[] };
const PROBE = "zzprobe";

/** Every name a run claims where a second claim fails: URNs (type chain and name) and physical names. */
function claims(run: Run): Set<string> {
    const out = new Set<string>();
    for (const r of run.resources) {
        out.add(r.urn);
        const physical = physicalName(r.type, r.inputs);
        if (physical) out.add(physical);
    }
    return out;
}

/** Service names that would claim a name the platform already claims. */
async function collidingNames(platform: string, target: string, extra: Record<string, unknown> = {}): Promise<string[]> {
    const config = { target, platform, ...extra };
    const base = claims(await runProgram(config));
    const withProbe = claims(await runProgram({ ...config, services: { [PROBE]: APP } }));
    const templates = [...withProbe].filter((c) => !base.has(c) && c.includes(PROBE)).map((c) => c.split(PROBE));
    const services = Object.keys((loadPlatforms()[platform] as any).services);
    const found = new Set<string>();
    for (const claim of base) {
        for (const parts of templates) {
            if (parts.length !== 2 || !claim.startsWith(parts[0]) || !claim.endsWith(parts[1])) continue;
            const name = claim.slice(parts[0].length, claim.length - parts[1].length);
            if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) && name.length <= 40 && !services.includes(name)) found.add(name);
        }
    }
    return [...found].sort();
}

const problemsFor = (platform: string, target: string, name: string, extra: Record<string, unknown>) => {
    const result = validate({
        project: "slipway",
        stack: "test",
        config: { target, platform, ...extra, services: { [name]: APP } },
        platforms: loadPlatforms(),
        types: typeInfo(),
    });
    return result.ok ? [] : result.problems;
};

describe("names that collide", function () {
    this.timeout(120000);

    const CASES: [string, string, Record<string, unknown>][] = [
        ["demo", "docker", { devMode: true }],
        ["demo", "kind", {}],
        ["demo", "eks", { adminCidrs: ["203.0.113.0/24"] }],
        ["observability", "docker", {}],
        ["service-mesh", "kind", {}],
        ["governance", "docker", {}],
        ["connectors", "ec2", { adminCidrs: ["203.0.113.0/24"], sshKeyName: "ops" }],
    ];
    for (const [platform, target, extra] of CASES) {
        it(`${platform} on ${target}: validation refuses every service name that would collide, and names the service`, async () => {
            const colliding = await collidingNames(platform, target, extra);
            assert.ok(colliding.length > 0, "the oracle finds candidate collisions");
            const missed = colliding.filter((name) => !problemsFor(platform, target, name, extra).some((p) => p.startsWith(`slipway:services.${name}: `)));
            assert.deepEqual(missed, [], `service names that would collide but pass validation`);
        });
    }

    it("refuses db-databases beside a postgres named db, with a message that says why", () => {
        const result = validate({
            project: "slipway",
            stack: "test",
            config: { target: "docker", services: { db: { type: "postgres" }, api: { ...APP, uses: ["db"] }, "db-databases": APP } },
            platforms: {},
            types: typeInfo(),
        });
        assert.equal(result.ok, false);
        assert.deepEqual(!result.ok && result.problems, [
            'slipway:services.db-databases: db-databases is also a name Slipway derives from service "db"; rename one of them',
        ]);
    });

    it("accepts names that only look derived (postgres-exporter beside postgres, redis-commander beside redis)", () => {
        const result = validate({
            project: "slipway",
            stack: "test",
            config: { target: "kind", platform: "observability", services: { "postgres-extra": APP, "api-1": APP } },
            platforms: loadPlatforms(),
            types: typeInfo(),
        });
        assert.ok(result.ok, !result.ok ? result.problems.join("\n") : "");
    });

    it("refuses the names of the objects every Kubernetes stack has", () => {
        const problems = problemsFor("demo", "kind", "default-deny", {});
        assert.deepEqual(problems, ["slipway:services.default-deny: the name is taken by an object Slipway makes for every stack; rename the service"]);
    });

    it("refuses the name of the Docker stack's volume hand-over (its container is <project>-<stack>-volume-init)", () => {
        const problems = problemsFor("demo", "docker", "volume-init", {});
        assert.deepEqual(problems, ["slipway:services.volume-init: the name is taken by an object Slipway makes for every stack; rename the service"]);
    });

    it("the engine double refuses a second resource with one URN, and only that", () => {
        const book = new UrnBook("dev", "slipway");
        assert.equal(book.register("u1", "", "slipway:platform:Platform", "dev"), undefined);
        assert.equal(book.register("u2", "u1", "slipway:catalog:App", "api"), undefined);
        assert.equal(book.register("u3", "u1", "slipway:catalog:Postgres", "api-x"), undefined);
        assert.equal(book.register("u4", "u2", "docker:index/container:Container", "api-x"), undefined, "same name, other parent type");
        assert.equal(
            book.register("u5", "u2", "docker:index/container:Container", "api-x"),
            "Duplicate resource URN 'urn:pulumi:dev::slipway::slipway:platform:Platform$slipway:catalog:App$docker:index/container:Container::api-x'; try giving it a unique name",
        );
    });

    it("the provider doubles know a Docker container by its engine name, a Kubernetes object by kind, namespace and name", () => {
        assert.equal(physicalName("docker:index/container:Container", { name: "slipway-dev-db-databases" }), "docker:index/container:Container slipway-dev-db-databases");
        assert.equal(
            physicalName("kubernetes:networking.k8s.io/v1:NetworkPolicy", { metadata: { name: "db-databases", namespace: "ns" } }),
            "kubernetes:networking.k8s.io/v1:NetworkPolicy ns/db-databases",
        );
        assert.equal(physicalName("random:index/randomPassword:RandomPassword", { length: 32 }), undefined);
    });
});
