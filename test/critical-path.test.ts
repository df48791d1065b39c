// Start order costs no more than the `uses` graph asks for: the longest chain of workloads the
// engine is told to wait on equals the longest `uses` chain, and a service that uses nothing
// waits on no other workload. (A deploy takes as long as its critical path; any extra
// dependsOn between services would serialize what could start side by side.)
import { strict as assert } from "assert";
import { Recorded, Run, runProgram } from "./harness";

const app = (uses: string[] = []) => ({ type: "app", image: "ghcr.io/acme/api:1.4.2", port: 3000, uses });

/** A platform whose `uses` graph is known: a chain a -> b -> c -> d -> postgres, a diamond, and loners. */
const SERVICES = {
    postgres: { type: "postgres" },
    d: app(["postgres"]),
    c: app(["d"]),
    b: app(["c"]),
    a: app(["b"]),
    left: app(["postgres"]),
    right: app(["postgres"]),
    top: app(["left", "right"]),
    loner1: app(),
    loner2: app(),
    loner3: app(),
};
/** The length of the longest `uses` chain from each service, counting itself. */
const EXPECTED: Record<string, number> = { postgres: 1, d: 2, c: 3, b: 4, a: 5, left: 2, right: 2, top: 3, loner1: 1, loner2: 1, loner3: 1 };

const WORKLOADS: Record<string, (r: Recorded) => string | undefined> = {
    docker: (r) => (r.type === "docker:index/container:Container" && r.inputs.labels?.some((l: any) => l.label === "dev.slipway.role" && l.value === "service") ? r.name : undefined),
    kind: (r) => (["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"].includes(r.type) ? r.name : undefined),
};

/** For each workload, the longest chain of workloads it waits on through the engine's dependencies, itself included. */
function depths(run: Run, workloadOf: (r: Recorded) => string | undefined): Record<string, number> {
    const byKey = new Map(run.resources.map((r) => [`${r.type}::${r.name}`, r]));
    const memo = new Map<string, number>();
    const depth = (key: string, seen: Set<string>): number => {
        if (memo.has(key)) return memo.get(key)!;
        if (seen.has(key)) throw new Error(`dependency cycle through ${key}`);
        const r = byKey.get(key);
        if (!r) return 0;
        const below = Math.max(0, ...r.dependsOn.map((d) => depth(d, new Set([...seen, key]))));
        const d = below + (workloadOf(r) ? 1 : 0);
        memo.set(key, d);
        return d;
    };
    return Object.fromEntries(run.resources.filter((r) => workloadOf(r)).map((r) => [workloadOf(r)!, depth(`${r.type}::${r.name}`, new Set())]));
}

describe("start order: the critical path is the longest uses chain", function () {
    this.timeout(60000);
    for (const target of ["docker", "kind"] as const) {
        it(`on ${target}, every workload waits on exactly as many workloads as its longest uses chain`, async () => {
            const run = await runProgram({ target, services: SERVICES });
            assert.deepEqual(depths(run, WORKLOADS[target]), EXPECTED);
        });
    }

    it("the measure is real: a dependency the graph does not ask for lengthens it", async () => {
        const run = await runProgram({ target: "docker", services: SERVICES });
        const loner = run.resources.find((r) => r.type === "docker:index/container:Container" && r.name === "loner1")!;
        loner.dependsOn = [...loner.dependsOn, "docker:index/container:Container::a"];
        assert.equal(depths(run, WORKLOADS.docker).loner1, 6);
    });
});
