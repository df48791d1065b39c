// Preflight for a stack: its config must be what the Pulumi CLI accepts (the same rules, through
// components/config/cli.ts) and valid for the program, and on the docker target the engine must
// answer, run containers (cgroup), have the memory the stack asks for, and the host ports must
// be free. Prints what the machine lacks; exits 1 before a deploy would fail.
//   node -r ts-node/register/transpile-only scripts/preflight.ts dev
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { CATALOG, typeInfo } from "../components/catalog";
import { VALIDATING_STACK_CONFIG_PREFIX, CliConfigError, loadStack } from "../components/config/cli";
import { parseConfigText } from "../components/config/typed";
import { loadPlatforms, PROJECT_DIR, readSeedFiles } from "../components/config/load";
import { validate } from "../components/config/validate";
import { PlatformSpec } from "../components/model";
import { resolveResources } from "../components/resources";
import { targetProblems } from "../components/targets";
import { DockerInfo, dockerFindings, Finding, portsInUse } from "./lib/preflight";

/**
 * The stack's config exactly as `pulumi up` would hand it to the program (or the CLI's own
 * refusal), then the program's validation of it.
 */
function stackSpec(stack: string): { spec?: PlatformSpec; problems: string[] } {
    let config: Record<string, string>;
    try {
        config = loadStack(PROJECT_DIR, stack).config;
    } catch (err) {
        if (err instanceof CliConfigError) {
            const file = `Pulumi.${stack}.yaml`;
            const hint = fs.existsSync(path.join(PROJECT_DIR, file)) ? "" : ` (there is no ${file})`;
            return { problems: [`${err.prefix || VALIDATING_STACK_CONFIG_PREFIX}${err.message}${hint}`] };
        }
        throw err;
    }
    const values = parseConfigText(config);
    const result = validate({ project: "slipway", stack, config: values, platforms: loadPlatforms(), types: typeInfo(), files: readSeedFiles(values.seeds) });
    if (!result.ok) return { problems: result.problems };
    const problems = targetProblems(result.spec);
    return problems.length ? { problems } : { spec: result.spec, problems: [] };
}

function dockerInfo(): DockerInfo | undefined {
    const r = spawnSync("docker", ["info", "--format", "{{json .}}"], { encoding: "utf8", timeout: 20000 });
    if (r.status !== 0) return undefined;
    try {
        return JSON.parse(r.stdout) as DockerInfo;
    } catch {
        return undefined;
    }
}

async function main() {
    const stack = process.argv[2] ?? process.env.SLIPWAY_STACK ?? "dev";
    const { spec, problems } = stackSpec(stack);
    if (!spec) {
        for (const p of problems) console.error(`✗ ${p}`);
        process.exit(1);
    }
    const findings: Finding[] = [];
    if (spec.target === "docker") {
        let memoryMiB = 0;
        let cpus = 0;
        for (const s of spec.services) {
            const r = resolveResources(CATALOG[s.type].resources, s, spec.size);
            memoryMiB += r.memoryMiB * (s.replicas ?? 1);
            cpus += r.cpu * (s.replicas ?? 1);
        }
        // The host's cgroup is only ours to read when the engine is local.
        const local = !process.env.DOCKER_HOST || process.env.DOCKER_HOST.startsWith("unix://");
        const cgroupType = local && fs.existsSync("/sys/fs/cgroup/cgroup.type") ? fs.readFileSync("/sys/fs/cgroup/cgroup.type", "utf8") : undefined;
        const info = dockerInfo();
        findings.push(...dockerFindings(info, cgroupType, { memoryMiB, cpus }, process.env.DOCKER_HOST));
        // A stack that is already up holds its own ports: only a first deploy needs them free.
        const running = info ? spawnSync("docker", ["ps", "-q", "--filter", `label=dev.slipway.stack=${stack}`], { encoding: "utf8" }).stdout.trim() : "";
        if (info && running === "") {
            const wanted = Object.fromEntries(Object.entries(spec.hostPorts).flatMap(([svc, ports]) => Object.values(ports).map((p) => [`${svc}:${p}`, p])));
            findings.push(...(await portsInUse(spec.bindAddress, wanted)));
        }
    }
    for (const f of findings) console.log(`${f.level === "error" ? "✗" : "!"} ${f.message}`);
    const errors = findings.filter((f) => f.level === "error").length;
    console.log(errors ? `preflight: ${errors} problem(s) for stack ${stack}` : `preflight: stack ${stack} (${spec.target}) is ready to deploy`);
    process.exit(errors ? 1 : 0);
}

main();
