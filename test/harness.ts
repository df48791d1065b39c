// Runs the program under Pulumi's mocks, the way Pulumi documents unit testing, and records
// every resource it registers. Stack files are loaded as the CLI would hand them over.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";

// waitForRPCs drains the mock monitor's queue; internal to the SDK, but exported.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

export const ROOT = path.join(__dirname, "..");
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export interface Recorded {
    type: string;
    name: string;
    inputs: Record<string, any>;
    /** `type::name` of the resources the engine is told this one depends on (dependsOn and inputs). */
    dependsOn: string[];
}

export interface Run {
    resources: Recorded[];
    /** Every value a RandomPassword generated in this run. */
    generated: string[];
    outputs: { target: string; endpoints: Record<string, string>; credentials: Record<string, any>; namespace?: string };
    /** Whether each stack output is a Pulumi secret. */
    secretOutputs: Record<string, boolean>;
}

/** A stack file's `config:` map as the CLI passes it: `ns:key` -> text, objects as JSON. */
export function stackConfig(stack: string): Record<string, unknown> {
    const file = path.join(ROOT, `Pulumi.${stack}.yaml`);
    return (YAML.parse(fs.readFileSync(file, "utf8"))?.config ?? {}) as Record<string, unknown>;
}

export function cliConfig(config: Record<string, unknown>): Record<string, string> {
    return Object.fromEntries(
        Object.entries(config).map(([k, v]) => [k.includes(":") ? k : `slipway:${k}`, typeof v === "string" ? v : JSON.stringify(v)]),
    );
}

/** A secret as the mock monitor receives it. */
export const isWrappedSecret = (v: unknown): v is { value: unknown } =>
    typeof v === "object" && v !== null && (v as any)[SECRET_SIG_KEY] === SECRET_SIG;

/** Unwrap secrets for assertions about values. */
export function plain(v: any): any {
    if (isWrappedSecret(v)) return plain(v.value);
    if (Array.isArray(v)) return v.map(plain);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
    return v;
}

export const promiseOf = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply(resolve));

let counter = 0;

/**
 * Run the program with the given `slipway:` config. Throws what the program throws; `resources`
 * then holds what was registered before (the error table asserts it is empty).
 */
export async function runProgram(
    config: Record<string, unknown>,
    opts: { stack?: string; preview?: boolean } = {},
    into: Recorded[] = [],
): Promise<Run> {
    const generated: string[] = [];
    let dependencies = new Map<string, string[]>();
    await pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                into.push({ type: args.type, name: args.name, inputs: args.inputs, dependsOn: dependencies.get(`${args.type}::${args.name}`) ?? [] });
                const state: Record<string, any> = { ...args.inputs };
                if (args.type === "random:index/randomPassword:RandomPassword") {
                    // The real provider marks `result` secret; so must the mock, or a leak would go unseen.
                    const value = `gen${++counter}x${args.name.replace(/[^A-Za-z0-9]/g, "")}Q7`;
                    generated.push(value);
                    state.result = { [SECRET_SIG_KEY]: SECRET_SIG, value };
                }
                if (args.type === "docker:index/remoteImage:RemoteImage") state.imageId = `sha256:${args.inputs.name}`;
                if (args.type === "docker:index/network:Network") state.name = args.inputs.name;
                if (args.type === "docker:index/volume:Volume") state.name = args.inputs.name;
                return { id: `${args.name}-id`, state };
            },
            call(args: pulumi.runtime.MockCallArgs) {
                throw new Error(`unexpected invoke ${args.token}`);
            },
        },
        "slipway",
        opts.stack ?? "test",
        opts.preview ?? false,
    );
    // Resource options never reach newResource, but the dependencies the engine would get are
    // in the registration request: record them to check start order.
    dependencies = new Map<string, string[]>();
    const monitor = pulumi.runtime.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: any) => {
        // urn:pulumi:<stack>::<project>::<parent types$>type::name -> "type::name"
        const names = (req.getDependenciesList() as string[]).map((urn) => {
            const [, , types, name] = urn.split("::");
            return `${types.slice(types.lastIndexOf("$") + 1)}::${name}`;
        });
        dependencies.set(`${req.getType()}::${req.getName()}`, names);
        return register(req, callback);
    };
    pulumi.runtime.setAllConfig(cliConfig(config));
    // Loaded after the mocks are set, as Pulumi's testing guide requires.
    const { main } = await import("../components/program");
    const out = main();
    const [endpoints, credentials] = await Promise.all([promiseOf(out.endpoints), promiseOf(out.credentials)]);
    const secretOutputs = {
        endpoints: await pulumi.isSecret(out.endpoints),
        credentials: await pulumi.isSecret(out.credentials),
    };
    const namespace = out.namespace === undefined ? undefined : ((await promiseOf(pulumi.output(out.namespace))) as string);
    await waitForRPCs();
    return { resources: into, generated, outputs: { target: out.target, endpoints, credentials, namespace }, secretOutputs };
}

/** Run and expect failure: the error and how many resources were registered before it. */
export async function runExpectingError(config: Record<string, unknown>): Promise<{ message: string; registered: number }> {
    const into: Recorded[] = [];
    try {
        await runProgram(config, {}, into);
    } catch (err) {
        await waitForRPCs();
        return { message: (err as Error).message, registered: into.length };
    }
    throw new Error("expected the program to fail");
}

export const containers = (run: Run) => run.resources.filter((r) => r.type === "docker:index/container:Container");

/** `KEY=value` env list of a container as a map, secrets unwrapped. */
export function envOf(container: Recorded): Record<string, string> {
    const list: string[] = plain(container.inputs.envs) ?? [];
    return Object.fromEntries(list.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]));
}

/** Every string in a value, with whether it sits inside a Pulumi secret. */
export function strings(v: unknown, secret = false, out: { s: string; secret: boolean }[] = []) {
    if (isWrappedSecret(v)) strings(v.value, true, out);
    else if (typeof v === "string") out.push({ s: v, secret });
    else if (Array.isArray(v)) v.forEach((x) => strings(x, secret, out));
    else if (v && typeof v === "object") Object.values(v).forEach((x) => strings(x, secret, out));
    return out;
}

/** Generated values appear only inside secrets: in resource inputs, and never in endpoints. */
export function plainTextLeaks(run: Run): string[] {
    const leaks: string[] = [];
    for (const r of run.resources) {
        for (const { s, secret } of strings(r.inputs)) {
            if (!secret && run.generated.some((g) => s.includes(g))) leaks.push(`${r.type} ${r.name}`);
        }
    }
    const endpoints = JSON.stringify(run.outputs.endpoints);
    if (run.generated.some((g) => endpoints.includes(g))) leaks.push("output endpoints");
    if (!run.secretOutputs.credentials) leaks.push("output credentials is not a secret");
    return [...new Set(leaks)];
}
