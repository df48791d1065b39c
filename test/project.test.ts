// The project as a user meets it: Pulumi.yaml, the stack files, the README's commands and
// the wrapper that runs Pulumi with a local backend.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { CATALOG } from "../components/catalog";
import { CONFIG_KEYS } from "../components/config/keys";
import { ROOT, runStack } from "./harness";

const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
const project = YAML.parse(read("Pulumi.yaml"));

describe("project", () => {
    it("declares the slipway project and every config key the program reads, each with a type and a description", () => {
        assert.equal(project.name, "slipway");
        assert.deepEqual(project.runtime, { name: "nodejs", options: { typescript: false } }, "the program runs from its build, never through ts-node");
        assert.equal(project.main, "bin/index.js");
        assert.deepEqual(Object.keys(project.config).sort(), [...CONFIG_KEYS].sort());
        for (const [key, decl] of Object.entries<any>(project.config)) {
            assert.ok(typeof decl.description === "string" && decl.description.length > 20, `${key} has a description`);
            assert.ok(["string", "boolean", "integer", "array", "object"].includes(decl.type), `${key} has a type`);
        }
    });

    it("pins the Pulumi SDK that supports Node 20 and TypeScript 5", () => {
        const pkg = JSON.parse(read("package.json"));
        assert.equal(pkg.dependencies["@pulumi/pulumi"], "3.248.0");
        assert.match(pkg.devDependencies.typescript, /^5\./);
        const lock = JSON.parse(read("package-lock.json"));
        const sdks = Object.entries<any>(lock.packages).filter(([p]) => p.endsWith("node_modules/@pulumi/pulumi"));
        assert.deepEqual(sdks.map(([, v]) => v.version), ["3.248.0"], "providers dedupe onto the one SDK");
    });

    it("README's catalog table lists every catalog type with its pinned image", () => {
        const readme = read("README.md");
        for (const t of Object.values(CATALOG)) {
            const image = t.type === "app" ? "yours" : `\`${t.image}\``;
            assert.ok(readme.includes(`| ${t.type} | ${image} |`), `README lists ${t.type} with ${image}`);
        }
    });

    it("CI runs exactly the README's test command, then the live tier the README shows", () => {
        const readme = read("README.md");
        const testCommand = /```sh\n(bash scripts\/test\.sh)\n```/.exec(readme);
        assert.ok(testCommand, "README shows the test command in its own block");
        const liveCommand = /## Live test[\s\S]*?```sh\n(bash scripts\/test-live\.sh)\n```/.exec(readme);
        assert.ok(liveCommand, "README's Live test section shows the live command in its own block");
        const ci = read(".ci/run").split("\n").filter((l) => l.trim() && !l.startsWith("#") && !l.startsWith("set ") && !l.startsWith("cd "));
        assert.deepEqual(ci, [testCommand![1], liveCommand![1]]);
        assert.match(readme, /```sh\nbash scripts\/pulumi\.sh up\n```/, "README shows the command that brings dev up");
    });

    it("index.ts exports target, endpoints and credentials, the way the CLI runs it", async () => {
        const run = await runStack("dev", { entry: "index" });
        assert.equal(run.outputs.target, "docker");
        assert.equal(run.outputs.endpoints.grafana, "http://127.0.0.1:3000");
        assert.ok(run.outputs.credentials.postgres);
    });
});

describe("scripts/pulumi.sh: Pulumi with a local backend and no account", () => {
    let dir: string;
    before(() => {
        // A copy of the scripts beside a stub CLI that records how it was called.
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-wrapper-"));
        fs.mkdirSync(path.join(dir, "scripts"));
        fs.mkdirSync(path.join(dir, "node_modules"));
        fs.copyFileSync(path.join(ROOT, "scripts/pulumi.sh"), path.join(dir, "scripts/pulumi.sh"));
        fs.writeFileSync(
            path.join(dir, "stub-pulumi"),
            '#!/bin/sh\necho "$* | $PULUMI_BACKEND_URL | $PULUMI_CONFIG_PASSPHRASE_FILE" >> "$(dirname "$0")/calls"\n',
            { mode: 0o755 },
        );
        // A build stand-in (the real build is tested in build.test.ts), and a preflight stand-in:
        // they record what they were asked to do; the preflight fails when told to.
        fs.writeFileSync(path.join(dir, "stub-build"), '#!/bin/sh\necho "build" >> "$(dirname "$0")/calls"\n', { mode: 0o755 });
        fs.writeFileSync(path.join(dir, "stub-preflight"), '#!/bin/sh\necho "preflight $1" >> "$(dirname "$0")/calls"\n[ -z "$FAIL" ]\n', { mode: 0o755 });
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const wrapper = (args: string[], env: Record<string, string> = {}) => {
        const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PULUMI_")));
        return spawnSync("bash", [path.join(dir, "scripts/pulumi.sh"), ...args], {
            env: { ...clean, PULUMI: path.join(dir, "stub-pulumi"), SLIPWAY_PREFLIGHT: path.join(dir, "stub-preflight"), SLIPWAY_BUILD: path.join(dir, "stub-build"), ...env },
            encoding: "utf8",
        });
    };

    it("creates the stack on a file backend with a generated passphrase, then runs the command", () => {
        const r = wrapper(["up"]);
        assert.equal(r.status, 0, r.stderr);
        const passphrase = path.join(dir, ".pulumi/passphrase");
        assert.equal(fs.statSync(passphrase).mode & 0o777, 0o600);
        assert.ok(fs.readFileSync(passphrase, "utf8").length >= 40);
        const calls = fs.readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n");
        const state = `file://${dir}/.pulumi`;
        assert.deepEqual(calls, [
            "build",
            "preflight dev",
            `stack select --create dev | ${state} | ${passphrase}`,
            `up --stack dev | ${state} | ${passphrase}`,
        ]);
    });

    it("stops before up when the preflight finds the machine lacking", () => {
        fs.rmSync(path.join(dir, "calls"));
        const r = wrapper(["up"], { FAIL: "1" });
        assert.notEqual(r.status, 0);
        assert.deepEqual(fs.readFileSync(path.join(dir, "calls"), "utf8").trim().split("\n"), ["build", "preflight dev"]);
    });

    it("keeps the passphrase across runs and honours SLIPWAY_STACK", () => {
        const before = fs.readFileSync(path.join(dir, ".pulumi/passphrase"), "utf8");
        fs.rmSync(path.join(dir, "calls"));
        const r = wrapper(["preview", "--diff"], { SLIPWAY_STACK: "staging" });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(fs.readFileSync(path.join(dir, ".pulumi/passphrase"), "utf8"), before);
        assert.match(fs.readFileSync(path.join(dir, "calls"), "utf8"), /^build\nstack select --create staging .*\npreview --diff --stack staging /);
    });
});
