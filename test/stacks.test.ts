// Every stack a user can run, as the Pulumi CLI would run it: the shipped stack files and every
// example stack in the README go through the CLI's config rules (components/config/cli.ts) and
// the program, under mocks, for `up` and for `preview` (where the providers leave ids,
// addresses and generated values unknown). And Pulumi.yaml itself: the CLI must accept every
// stack on every target, whatever keys it leaves out.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { typeInfo } from "../components/catalog";
import { applyProjectConfig, parseProject, stackValueOf } from "../components/config/cli";
import { parseConfigText } from "../components/config/typed";
import { loadPlatforms } from "../components/config/load";
import { validate } from "../components/config/validate";
import { TARGETS } from "../components/model";
import { pulumiYaml, readmeWithTable } from "../scripts/config-docs";
import { containers, plain, ROOT, Run, runStack, runStackText } from "./harness";
import { UNKNOWN_MARK } from "./unknown";

const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
const SHIPPED = fs.readdirSync(ROOT).filter((f) => /^Pulumi\.[a-z0-9-]+\.yaml$/.test(f)).map((f) => f.split(".")[1]).sort();

/** Every ```yaml block of the README that is a stack file; each names its file on its first line. */
function readmeStacks(): { stack: string; text: string }[] {
    const blocks = [...read("README.md").matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
    return blocks
        .filter((b) => YAML.parse(b)?.config !== undefined)
        .map((text) => {
            const name = /^# Pulumi\.([a-z0-9-]+)\.yaml\n/.exec(text);
            assert.ok(name, `a README stack example must start with its file name, "# Pulumi.<stack>.yaml":\n${text}`);
            return { stack: name![1], text };
        });
}

/** Endpoints a preview cannot know yet: the cloud assigns them (RDS, ElastiCache, S3, load balancers). */
const UNKNOWN_IN_PREVIEW: Record<string, string[]> = {
    dev: [],
    staging: [],
    prod: ["gateway", "grafana", "minio", "postgres", "prometheus", "redis"],
};

describe("stacks as the Pulumi CLI runs them", function () {
    this.timeout(60000);

    it("ships dev, staging, prod and the review stacks' template", () => {
        assert.deepEqual(SHIPPED, ["dev", "prod", "review", "staging"]);
    });

    for (const stack of ["dev", "staging", "prod"]) {
        describe(`Pulumi.${stack}.yaml`, () => {
            let up: Run;
            let preview: Run;
            before(async () => {
                up = await runStack(stack);
                preview = await runStack(stack, { preview: true });
            });

            it("evaluates to success with every endpoint known after up", () => {
                assert.ok(up.resources.length > 10);
                assert.ok(Object.keys(up.outputs.endpoints).length >= 8);
                for (const [name, url] of Object.entries(up.outputs.endpoints)) assert.match(url, /^[a-z]+:\/\/[a-z0-9.-]+(:\d+)?(\/\S*)?$/, `${stack}: ${name}: ${url}`);
                assert.ok(Object.keys(up.outputs.credentials).length > 0);
            });

            it("previews to success, with exactly the endpoints the cloud assigns unknown", () => {
                assert.equal(preview.outputs.target, up.outputs.target);
                const unknown = Object.entries(preview.outputs.endpoints).filter(([, v]) => v === UNKNOWN_MARK).map(([k]) => k).sort();
                assert.deepEqual(unknown, UNKNOWN_IN_PREVIEW[stack]);
                for (const [name, url] of Object.entries(preview.outputs.endpoints)) {
                    if (url !== UNKNOWN_MARK) assert.equal(url, up.outputs.endpoints[name], `${stack}: ${name} is the same in preview and up`);
                }
                // Generated credentials are not known before the provider makes them.
                for (const [name, creds] of Object.entries(preview.outputs.credentials)) assert.equal(creds, UNKNOWN_MARK, name);
                assert.deepEqual(preview.resources.map((r) => `${r.type}::${r.name}`).sort(), up.resources.map((r) => `${r.type}::${r.name}`).sort(), "preview registers what up registers");
            });
        });
    }

    it("prod previews with the cluster's kubeconfig unknown and its namespace known", async () => {
        const preview = await runStack("prod", { preview: true });
        assert.equal(preview.outputs.kubeconfig, UNKNOWN_MARK);
        assert.equal(preview.outputs.namespace, "slipway-prod");
    });

    describe("every README example stack", () => {
        for (const { stack, text } of readmeStacks()) {
            it(`Pulumi.${stack}.yaml evaluates to success, up and preview`, async () => {
                const run = await runStackText(stack, text);
                assert.ok(run.resources.length > 5);
                await runStackText(stack, text, { preview: true });
            });
        }

        it("covers the ec2, review-stack and ingress examples", () => {
            const stacks = readmeStacks().map((s) => s.stack);
            for (const s of ["small", "pr-123", "cluster"]) assert.ok(stacks.includes(s), `README shows Pulumi.${s}.yaml`);
        });

        it("ec2 (Pulumi.small.yaml) binds public ports on 0.0.0.0, behind the host's firewall", async () => {
            const { text } = readmeStacks().find((s) => s.stack === "small")!;
            const run = await runStackText("small", text);
            const ips = containers(run).flatMap((c) => plain(c.inputs.ports ?? []).map((p: { ip: string }) => p.ip));
            assert.ok(ips.length > 0);
            assert.deepEqual([...new Set(ips)], ["0.0.0.0"]);
        });

        it("the review stack gets a namespace of its own", async () => {
            const { text } = readmeStacks().find((s) => s.stack === "pr-123")!;
            assert.equal((await runStackText("pr-123", text)).outputs.namespace, "slipway-pr-123");
        });

        it("the ingress example serves public services at <service>.<domain>", async () => {
            const { text } = readmeStacks().find((s) => s.stack === "cluster")!;
            const run = await runStackText("cluster", text);
            assert.equal(run.outputs.endpoints.grafana, "http://grafana.slipway.example.com");
        });
    });
});

describe("Pulumi.yaml", () => {
    const project = parseProject(read("Pulumi.yaml"));

    it("gives every key but target a default, since the CLI refuses any stack that lacks a key declared without one", () => {
        const required = Object.entries(project.config).filter(([, d]) => d.default === undefined && d.value === undefined).map(([k]) => k);
        assert.deepEqual(required, ["target"], `declared with no default, so the CLI refuses every stack that does not set them: ${required.join(", ")}`);
    });

    // What a stack on each target must set, beyond `target`, for the program to accept it.
    const MINIMAL: Record<string, Record<string, unknown>> = {
        docker: {},
        kind: {},
        kubernetes: {},
        eks: { adminCidrs: ["203.0.113.0/24"] },
        ec2: { adminCidrs: ["203.0.113.0/24"], sshKeyName: "ops" },
    };

    for (const target of TARGETS) {
        it(`lets a minimal ${target} stack through the CLI, and every default it declares is one ${target} accepts`, () => {
            const stack = { target, services: { api: { type: "app", image: "ghcr.io/acme/api:1.4.2", port: 3000 } }, ...MINIMAL[target] };
            const values = Object.fromEntries(Object.entries(stack).map(([k, v]) => [`slipway:${k}`, stackValueOf(v)]));
            const { config } = applyProjectConfig(project, "minimal", values);
            const parsed = parseConfigText(config);
            const result = validate({ project: "slipway", stack: "minimal", config: parsed, platforms: loadPlatforms(), types: typeInfo() });
            const problems = result.ok ? [] : result.problems;
            // A problem with a key the stack did not set comes from a declared default.
            const fromDefaults = problems.filter((p) => !Object.keys(stack).some((k) => p.startsWith(`slipway:${k}`)));
            assert.deepEqual(fromDefaults, [], `defaults in Pulumi.yaml that target ${target} rejects`);
            assert.deepEqual(problems, []);
        });
    }

    it("and the README's configuration table are generated from components/config/keys.ts, and up to date", () => {
        assert.equal(read("Pulumi.yaml"), pulumiYaml(), "Pulumi.yaml differs from keys.ts: run npm run docs:config");
        const readme = read("README.md");
        assert.equal(readme, readmeWithTable(readme), "README's configuration table differs from keys.ts: run npm run docs:config");
    });
});

describe("values reach the program as text, and each is read by its key's declared type", () => {
    const CASES: [string, string, unknown][] = [
        ["slipway:kubernetesVersion", "1.33", "1.33"],
        ["slipway:platform", "123", "123"],
        ["slipway:namespace", "true", "true"],
        ["slipway:azCount", "3", 3],
        ["slipway:azCount", "+3", 3],
        ["slipway:multiAz", "true", true],
        ["slipway:adminCidrs", '["203.0.113.0/24"]', ["203.0.113.0/24"]],
        ["slipway:services", '{"api":{"port":3000}}', { api: { port: 3000 } }],
        // Text that is not of the key's type stays text, for validation to name.
        ["slipway:azCount", "two", "two"],
        ["slipway:multiAz", "yes", "yes"],
    ];
    for (const [key, text, value] of CASES) {
        it(`${key} = ${JSON.stringify(text)} -> ${JSON.stringify(value)}`, () => {
            assert.deepEqual(parseConfigText({ [key]: text })[key.split(":")[1]], value);
        });
    }

    it("an unquoted kubernetesVersion 1.30 is the YAML number 1.3, and the program says to quote it", async () => {
        const text = "config:\n  slipway:target: eks\n  slipway:adminCidrs: [203.0.113.0/24]\n  slipway:platform: demo\n  slipway:kubernetesVersion: 1.30\n";
        await assert.rejects(
            runStackText("versions", text),
            { message: 'invalid Slipway configuration:\nslipway:kubernetesVersion: "1.3" is not a Kubernetes minor version like "1.33" (unquoted in YAML, 1.30 is the number 1.3: quote it)' },
        );
        await runStackText("versions", text.replace("1.30", '"1.30"'));
    });
});
