// The program runs from its JavaScript build: a preview or up neither type-checks nor
// transpiles, and a build older than its sources is refused with a message that says what to run.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { loadStack } from "../components/config/cli";
import { sourceDigest } from "../components/fresh-build";
import { ROOT } from "./harness";

/** A copy of the project's program (not its tests), sharing its node_modules. */
function copyProject(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-build-"));
    for (const d of ["components", "platforms"]) fs.cpSync(path.join(ROOT, d), path.join(dir, d), { recursive: true });
    fs.mkdirSync(path.join(dir, "scripts"));
    fs.cpSync(path.join(ROOT, "scripts", "bench"), path.join(dir, "scripts", "bench"), { recursive: true });
    for (const f of ["index.ts", "tsconfig.json", "Pulumi.yaml", "Pulumi.dev.yaml", "Pulumi.staging.yaml", "Pulumi.prod.yaml", "package.json", "scripts/build.js"]) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
    return dir;
}

const build = (dir: string) => spawnSync(process.execPath, [path.join(dir, "scripts/build.js")], { encoding: "utf8" });
const runBuilt = (dir: string, stack = "dev") =>
    spawnSync(process.execPath, [path.join(ROOT, "test/support/run-built.js"), dir, stack, JSON.stringify(loadStack(dir, stack).config)], { encoding: "utf8" });

describe("the program's build", function () {
    this.timeout(120000);
    let dir: string;
    before(() => {
        dir = copyProject();
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("Pulumi runs the build with TypeScript off", () => {
        const project = YAML.parse(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));
        assert.deepEqual(project.runtime, { name: "nodejs", options: { typescript: false } });
        assert.equal(project.main, "bin/index.js");
    });

    it("builds bin/ from the sources and records their digest, as the program computes it", () => {
        const r = build(dir);
        assert.equal(r.status, 0, r.stderr);
        assert.match(r.stderr, /^slipway: built bin\/ from \d+ sources in \d+ ms\n$/);
        assert.ok(fs.existsSync(path.join(dir, "bin/index.js")));
        assert.equal(JSON.parse(fs.readFileSync(path.join(dir, "bin/build.json"), "utf8")).sources, sourceDigest(dir));
        const again = build(dir);
        assert.deepEqual([again.status, again.stderr], [0, ""], "an up-to-date build is left alone");
    });

    it("runs the dev stack from bin/ without ts-node or any .ts file", () => {
        const r = runBuilt(dir);
        assert.equal(r.status, 0, r.stderr);
        const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
        assert.equal(out.endpoints.grafana, "http://127.0.0.1:3000");
        assert.equal(out.tsNode, false, "ts-node is never loaded");
        assert.equal(out.sources, 0);
        assert.equal(out.yaml, false, "no YAML parser is loaded: the platforms come parsed with the build");
    });

    it("carries the bundled platform definitions parsed, as the program parses them from source", () => {
        const built = JSON.parse(fs.readFileSync(path.join(dir, "bin/platforms.json"), "utf8"));
        const names = fs.readdirSync(path.join(dir, "platforms")).map((f) => path.basename(f, ".yaml")).sort();
        assert.deepEqual(Object.keys(built).sort(), names);
        for (const name of names) assert.deepEqual(built[name], YAML.parse(fs.readFileSync(path.join(dir, "platforms", `${name}.yaml`), "utf8")), name);
    });

    it("refuses a build older than a platform definition, and stops on a definition JSON cannot carry", () => {
        fs.appendFileSync(path.join(dir, "platforms/demo.yaml"), "\n# changed after the build\n");
        const r = runBuilt(dir);
        assert.equal(r.status, 1);
        assert.match(r.stderr, /older than its sources .*run `npm run build`/);
        assert.equal(build(dir).status, 0);
        assert.equal(runBuilt(dir).status, 0, "built again, it runs");

        const bad = path.join(dir, "platforms/odd.yaml");
        fs.writeFileSync(bad, "services:\n  api: { type: app, port: .nan }\n");
        try {
            const refused = build(dir);
            assert.deepEqual([refused.status, refused.stderr], [1, "platforms/odd.yaml: holds a value JSON cannot carry (.inf or .nan?)\n"]);
        } finally {
            fs.rmSync(bad);
        }
        assert.equal(build(dir).status, 0);
    });

    /** Runs one of the benchmark's scripts on the copy's build, under the test doubles; returns its last line. */
    let mocks: string | undefined;
    const bench = (script: string, args: string[], env: Record<string, string> = {}) => {
        if (!mocks) {
            fs.mkdirSync(path.join(dir, "doubles"));
            // eslint-disable-next-line @typescript-eslint/no-var-requires
            mocks = require("../scripts/bench/doubles")(ROOT, path.join(dir, "doubles")) as string;
        }
        const r = spawnSync(process.execPath, [path.join(dir, "scripts/bench", script), ...args], { encoding: "utf8", env: { ...process.env, SLIPWAY_BENCH_DOUBLES: mocks, ...env } });
        assert.equal(r.status, 0, r.stderr);
        return JSON.parse(r.stdout.trim().split("\n").pop()!);
    };

    /**
     * One run of each shipped stack by the benchmark's child, which loads the build as Pulumi
     * would, reports the @pulumi packages it loaded, and records what it registered.
     */
    const runs = new Map<string, { resources: number; packages: string[]; recording: string }>();
    const childRun = (stack: string) => {
        if (!runs.has(stack)) {
            const recording = path.join(dir, `${stack}.recording.json`);
            runs.set(stack, { ...bench("child.js", [stack, JSON.stringify(loadStack(dir, stack).config)], { SLIPWAY_BENCH_RECORD: recording }), recording });
        }
        return runs.get(stack)!;
    };

    it("loads only the provider packages a stack's target needs: never @pulumi/aws off AWS, nor @pulumi/command on eks", () => {
        const packages = (stack: string) => childRun(stack).packages;
        assert.deepEqual(packages("dev"), ["@pulumi/command", "@pulumi/docker", "@pulumi/pulumi", "@pulumi/random"]);
        assert.deepEqual(packages("staging"), ["@pulumi/kubernetes", "@pulumi/pulumi", "@pulumi/random", "@pulumi/tls"]);
        assert.deepEqual(packages("prod"), ["@pulumi/aws", "@pulumi/kubernetes", "@pulumi/pulumi", "@pulumi/random", "@pulumi/tls"]);
    });

    it("the benchmark's replay floor registers every resource each shipped stack registered", () => {
        for (const stack of ["dev", "staging", "prod"]) {
            const { recording, ...program } = childRun(stack);
            const recorded: { type: string; name: string }[] = JSON.parse(fs.readFileSync(recording, "utf8"));
            assert.equal(recorded.length, program.resources, stack);
            const replayed = bench("floor.js", [stack, "replay", recording, ...program.packages]);
            assert.equal(replayed.resources, program.resources, stack);
        }
    });

    it("refuses a build older than its sources, and says to run npm run build", () => {
        const file = path.join(dir, "components/config/keys.ts");
        fs.appendFileSync(file, "\n// changed after the build\n");
        const r = runBuilt(dir);
        assert.equal(r.status, 1);
        assert.equal(
            r.stderr.trim(),
            "the program's build in bin/ is older than its sources (or was not made by scripts/build.js): run `npm run build`, or use `bash scripts/pulumi.sh`, which builds first",
        );
        assert.equal(build(dir).status, 0);
        assert.equal(runBuilt(dir).status, 0, "built again, it runs");
    });

    it("refuses a bin/ that scripts/build.js did not make", () => {
        fs.rmSync(path.join(dir, "bin/build.json"));
        const r = runBuilt(dir);
        assert.equal(r.status, 1);
        assert.match(r.stderr, /run `npm run build`/);
    });
});
