// Names that collide. The engine refuses two resources with one URN, Docker two containers with
// one name, Kubernetes two objects of a kind with one name in a namespace: each only halfway
// through a deploy. So the test doubles refuse them too, and validation refuses any service
// name that would make one. The oracle here is independent of components/config/names.ts: it
// runs each platform, records every name the program claims, learns from a probe service which
// names a new service would claim, and so finds every service name that would collide.
import { strict as assert } from "assert";
import { typeInfo } from "../components/catalog";
import { loadPlatforms } from "../components/config/load";
import { derivedNames, nameCollisions, RESERVED_NAMES } from "../components/config/names";
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

    it("reports every collision on the same service, with the same name, as comparing each pair of services does", () => {
        // The rule, pair by pair (quadratic): a service is reported for the first other service
        // that shares a name with it, if that name is its own, or a name derived from both and
        // the other comes first. nameCollisions indexes names instead; it must say the same.
        const types = typeInfo();
        const pairwise = (services: any[]) => {
            const out: string[] = [];
            const namesOf = services.map((s) => new Set([s.name, ...derivedNames(s, types[s.type], services.filter((c) => c.uses.includes(s.name)).map((c) => c.name))]));
            services.forEach((svc, i) => {
                if (RESERVED_NAMES.includes(svc.name)) return void out.push(`${svc.name}: reserved`);
                for (let j = 0; j < services.length; j++) {
                    if (j === i) continue;
                    const shared = [...namesOf[i]].find((n) => namesOf[j].has(n));
                    if (shared && (shared === svc.name || (shared !== services[j].name && i > j))) return void out.push(`${svc.name}: ${shared} / ${services[j].name}`);
                }
            });
            return out;
        };
        const indexed = (services: any[]) => {
            const out: string[] = [];
            nameCollisions(services, types, (path, message) => {
                const m = /^(\S+) is also a name Slipway derives from service "([^"]+)"/.exec(message);
                out.push(`${path.replace(/^services\./, "")}: ${m ? `${m[1]} / ${m[2]}` : "reserved"}`);
            });
            return out;
        };
        // Names from a small alphabet of stems and suffixes, so that collisions are frequent.
        // A name derived from two services, neither deriving the other's name ("api" with the
        // secret JWT_SECRET_KEY and "api-jwt" with SECRET_KEY), is reported on the later one.
        const stems = ["db", "db-data", "cache", "api", "api-1", "api-jwt", "db-image", "volume-init", "api-for-web", "web", "db-for", "db-databases"];
        const secretSets = [[], [], ["DATA"], ["JWT_SECRET_KEY"], ["SECRET_KEY"], ["WEB"], ["JWT_SECRET_KEY", "WEB"]];
        let seed = 42;
        const next = (n: number) => {
            seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
            return Math.floor((seed / 2 ** 32) * n);
        };
        let collisions = 0;
        let derivedOnly = 0;
        for (let round = 0; round < 400; round++) {
            const names = [...new Set(Array.from({ length: 2 + next(6) }, () => stems[next(stems.length)]))];
            const services = names.map((name) => ({
                name,
                type: ["postgres", "redis", "app"][next(3)],
                uses: names.filter((n) => n !== name && next(3) === 0),
                secrets: secretSets[next(secretSets.length)],
                replicas: next(5) === 0 ? 2 : undefined,
            }));
            const expected = pairwise(services);
            collisions += expected.length;
            derivedOnly += expected.filter((e) => {
                const [svc, rest] = e.split(": ");
                const [shared, other] = rest.split(" / ");
                return other !== undefined && shared !== svc && shared !== other;
            }).length;
            assert.deepEqual(indexed(services), expected, JSON.stringify(services));
        }
        assert.ok(collisions > 100, `only ${collisions} collisions: the cases say too little`);
        assert.ok(derivedOnly >= 3, `only ${derivedOnly} collisions on a name neither service owns`);
    });
});
