// Runs the program under Pulumi's mocks, the way Pulumi documents unit testing, and records
// every resource it registers. Config always reaches the program the way the CLI hands it
// over: a stack file, or an invented config, goes through components/config/cli.ts (the CLI's
// rules: declared defaults applied, types checked, every value as text). The mocks are as
// strict as the engine and the providers where the program could tell (test/doubles.ts).
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { applyProjectConfig, loadStack, parseProject, parseStackConfig, StackValue, stackValueOf } from "../components/config/cli";
import { createdState, INVOKES, physicalName, previewState, SECRET_SIG, SECRET_SIG_KEY, UrnBook } from "./doubles";
import { UNKNOWN_MARK } from "./unknown";

// waitForRPCs drains the mock monitor's queue; internal to the SDK, but exported.
// eslint-disable-next-line @typescript-eslint/no-var-requires
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

export { SECRET_SIG, SECRET_SIG_KEY } from "./doubles";
export const ROOT = path.join(__dirname, "..");

export interface Recorded {
    type: string;
    name: string;
    /** The URN the engine gives it: the chain of its parents' types, its type and name. */
    urn: string;
    inputs: Record<string, any>;
    /** `type::name` of the resources the engine is told this one depends on (dependsOn and inputs). */
    dependsOn: string[];
    /** The same, by the input property that carries each dependency. */
    propertyDependencies: Record<string, string[]>;
    /** What the (mock) provider answered for it: its outputs. */
    outputs: Record<string, any>;
    /** The provider reference (`urn::id`) for custom resources, when one is set. */
    provider?: string;
    /** Resource options as the engine receives them. */
    options: {
        protect: boolean;
        retainOnDelete: boolean;
        ignoreChanges: string[];
        replaceOnChanges: string[];
        deleteBeforeReplace: boolean;
        additionalSecretOutputs: string[];
    };
}

export interface Run {
    resources: Recorded[];
    /** Every value a RandomPassword generated in this run. */
    generated: string[];
    /** Stack outputs; in a preview an unknown value reads as UNKNOWN_MARK. */
    outputs: { target: string; endpoints: Record<string, string>; credentials: Record<string, any> } & Record<string, any>;
    /** Whether each stack output is a Pulumi secret. */
    secretOutputs: Record<string, boolean>;
}

export interface RunOptions {
    stack?: string;
    /** A preview: every output a provider computes is unknown. */
    preview?: boolean;
    /** Logical names of resources whose create fails the way their provider fails it (a task that exits non-zero …). */
    failing?: readonly string[];
    /** Services of type LoadBalancer whose address the cloud has not assigned. */
    pendingLoadBalancers?: boolean;
    /**
     * Generated values derived from the resource's name alone, the same in every run: a second
     * evaluation then sees what a real second `up` sees, the values kept in the state.
     */
    stableSecrets?: boolean;
    /** Run index.ts, as the CLI does, instead of the program's main(); once per process (a module runs once). */
    entry?: "index";
}

const PROJECT = parseProject(fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8"));

/** A config written as a stack file's `config:` map would be: `slipway:` keys may be written bare. */
export function cliConfigOf(config: Record<string, unknown>, stack: string): Record<string, string> {
    const values: Record<string, StackValue> = {};
    for (const [k, v] of Object.entries(config)) values[k.includes(":") ? k : `slipway:${k}`] = stackValueOf(v);
    return applyProjectConfig(PROJECT, stack, values).config;
}

/** Run an invented config, through the CLI's rules. Throws what the CLI or the program throws. */
export async function runProgram(config: Record<string, unknown>, opts: RunOptions = {}, into: Recorded[] = []): Promise<Run> {
    const stack = opts.stack ?? "test";
    return runWithCliConfig(cliConfigOf(config, stack), { ...opts, stack }, into);
}

/** Run a shipped stack, `Pulumi.<stack>.yaml`, exactly as the CLI would hand it to the program. */
export async function runStack(stack: string, opts: Omit<RunOptions, "stack"> & { overrides?: Record<string, unknown> } = {}): Promise<Run> {
    return runWithCliConfig(loadStack(ROOT, stack, opts.overrides).config, { ...opts, stack });
}

/** Run a stack file's text (a README example), as the CLI would hand it to the program. */
export async function runStackText(stack: string, yamlText: string, opts: Omit<RunOptions, "stack"> = {}): Promise<Run> {
    const { values } = parseStackConfig(yamlText, PROJECT.name);
    return runWithCliConfig(applyProjectConfig(PROJECT, stack, values).config, { ...opts, stack });
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

/** An output's value, with UNKNOWN_MARK wherever a preview leaves it unknown (never hangs on one). */
export async function settle<T>(o: pulumi.Output<T>): Promise<any> {
    const value = await (o as any).promise(true);
    const mark = (v: any): any => {
        if (pulumi.isUnknown(v)) return UNKNOWN_MARK;
        if (Array.isArray(v)) return v.map(mark);
        if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mark(x)]));
        return v;
    };
    return value === undefined && !(await (o as any).isKnown) ? UNKNOWN_MARK : mark(value);
}

let counter = 0;

const NO_OPTIONS: Recorded["options"] = { protect: false, retainOnDelete: false, ignoreChanges: [], replaceOnChanges: [], deleteBeforeReplace: false, additionalSecretOutputs: [] };

async function runWithCliConfig(config: Record<string, string>, opts: RunOptions & { stack: string }, into: Recorded[] = []): Promise<Run> {
    const generated: string[] = [];
    const failures: Error[] = [];
    // The engine stops an update at its first failed step; outputs that wait on it never settle.
    let fail: (e: Error) => void = () => undefined;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    failed.catch(() => undefined);
    const failure = (e: Error) => {
        failures.push(e);
        fail(e);
    };
    const claimed = new Map<string, string>();
    const failing = new Set(opts.failing ?? []);
    const preview = opts.preview ?? false;
    let requests = new Map<string, { urn: string; dependsOn: string[]; propertyDependencies: Record<string, string[]>; options: Recorded["options"] }>();
    await pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                const key = `${args.type}::${args.name}`;
                const request = requests.get(key);
                const recorded: Recorded = {
                    type: args.type, name: args.name, urn: request?.urn ?? "", inputs: args.inputs, dependsOn: request?.dependsOn ?? [],
                    propertyDependencies: request?.propertyDependencies ?? {}, outputs: {}, provider: args.provider, options: request?.options ?? NO_OPTIONS,
                };
                into.push(recorded);
                if (!preview && failing.has(args.name)) {
                    const e = new Error(`${args.name}: exit status 1`);
                    failure(e);
                    throw e;
                }
                const physical = physicalName(args.type, args.inputs);
                if (physical) {
                    const owner = claimed.get(physical);
                    if (owner) throw new Error(`${args.name}: ${physical} is already taken by ${owner}`);
                    claimed.set(physical, args.name);
                }
                const markGenerated = (value: string) => {
                    generated.push(value);
                    return { [SECRET_SIG_KEY]: SECRET_SIG, value };
                };
                if (preview) {
                    recorded.outputs = previewState(args.type, args.name, args.inputs);
                    return { id: "", state: recorded.outputs };
                }
                const state: Record<string, any> = { ...args.inputs, ...createdState(args.type, args.name, args.inputs, markGenerated) };
                if (args.type === "random:index/randomPassword:RandomPassword") {
                    // The real provider marks `result` secret; so must the mock, or a leak would go unseen.
                    const id = opts.stableSecrets ? createHash("sha256").update(`${opts.stack}/${args.name}`).digest("hex").slice(0, 12) : String(++counter);
                    state.result = markGenerated(`gen${id}x${args.name.replace(/[^A-Za-z0-9]/g, "")}Q7`);
                }
                if (opts.pendingLoadBalancers && args.type === "kubernetes:core/v1:Service") state.status = { loadBalancer: {} };
                recorded.outputs = state;
                return { id: `${args.name}-id`, state };
            },
            call(args: pulumi.runtime.MockCallArgs) {
                const answer = INVOKES[args.token];
                if (!answer) throw new Error(`unexpected invoke ${args.token}`);
                return answer(args.inputs);
            },
        },
        "slipway",
        opts.stack,
        preview,
    );
    // Resource options never reach newResource, but they are in the registration request, with
    // the dependencies the engine would get: record them. The engine refuses a second resource
    // with one URN; so does this double.
    requests = new Map();
    const urns = new UrnBook(opts.stack, "slipway");
    const monitor = pulumi.runtime.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: any) => {
        const mockUrn = monitor.newUrn(req.getParent(), req.getType(), req.getName());
        const duplicate = urns.register(mockUrn, req.getParent(), req.getType(), req.getName());
        const urn = urns.urnOf(mockUrn, req.getParent(), req.getType(), req.getName());
        if (duplicate) {
            failure(new Error(duplicate));
            return callback(new Error(duplicate), undefined);
        }
        // urn:pulumi:<stack>::<project>::<parent types$>type::name -> "type::name"
        const short = (u: string) => {
            const [, , types, name] = u.split("::");
            return `${types.slice(types.lastIndexOf("$") + 1)}::${name}`;
        };
        const dependsOn = (req.getDependenciesList() as string[]).map(short);
        const propertyDependencies: Record<string, string[]> = {};
        req.getPropertydependenciesMap().forEach((deps: any, prop: string) => (propertyDependencies[prop] = (deps.getUrnsList() as string[]).map(short)));
        requests.set(`${req.getType()}::${req.getName()}`, {
            urn,
            dependsOn,
            propertyDependencies,
            options: {
                protect: req.getProtect() === true,
                retainOnDelete: req.getRetainondelete() === true,
                ignoreChanges: req.getIgnorechangesList(),
                replaceOnChanges: req.getReplaceonchangesList(),
                deleteBeforeReplace: req.getDeletebeforereplace() === true,
                additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
            },
        });
        return register(req, (err: Error | null, resp: unknown) => {
            if (err) failure(err);
            callback(err, resp);
        });
    };
    pulumi.runtime.setAllConfig(config);
    // A failed registration rejects promises the program does not await: catch them here, as
    // the CLI's language host does (it fails the update), instead of letting them escape.
    const unhandled = (reason: unknown) => failure(reason instanceof Error ? reason : new Error(String(reason)));
    process.on("unhandledRejection", unhandled);
    // As index.ts does for a real run: the SDK captures a stack for every promise it makes, and
    // under ts-node each one is source-mapped, which costs more than the program. Errors keep
    // their messages; SLIPWAY_STACK_TRACES=1 keeps the traces, for debugging.
    const stackTraceLimit = Error.stackTraceLimit;
    if (process.env.SLIPWAY_STACK_TRACES !== "1") Error.stackTraceLimit = 0;
    try {
        // Loaded after the mocks are set, as Pulumi's testing guide requires.
        const out: Record<string, any> =
            opts.entry === "index" ? { ...(await import("../index")), default: undefined } : (await import("../components/program")).main();
        const outputs: Record<string, any> = { target: out.target };
        const secretOutputs: Record<string, boolean> = {};
        for (const [key, value] of Object.entries(out)) {
            if (key === "target" || value === undefined) continue;
            outputs[key] = await Promise.race([settle(pulumi.output(value)), failed]);
            secretOutputs[key] = await Promise.race([pulumi.isSecret(pulumi.output(value)), failed]);
        }
        await Promise.race([waitForRPCs(), failed]);
        await new Promise((r) => setImmediate(r));
        if (failures.length > 0) throw failures[0];
        return { resources: into, generated, outputs: outputs as Run["outputs"], secretOutputs };
    } finally {
        process.off("unhandledRejection", unhandled);
        Error.stackTraceLimit = stackTraceLimit;
    }
}

/** Run and expect failure: the error and how many resources were registered before it. */
export async function runExpectingError(config: Record<string, unknown>, opts: { stack?: string } = {}): Promise<{ message: string; registered: number }> {
    const into: Recorded[] = [];
    try {
        await runProgram(config, opts, into);
    } catch (err) {
        await waitForRPCs().catch(() => undefined);
        return { message: (err as Error).message, registered: into.length };
    }
    throw new Error("expected the program to fail");
}

export const containers = (run: Run) => run.resources.filter((r) => r.type === "docker:index/container:Container");

/**
 * The container that carries a service's files on Docker: the service's own, or, where its root
 * filesystem is read-only, the holder `<service>-files` that copies them into volumes.
 */
export function filesCarrier(run: Run, service: string): Recorded {
    const holder = containers(run).find((c) => c.name === `${service}-files`);
    const own = containers(run).find((c) => c.name === service);
    if (!own) throw new Error(`no container ${service}`);
    return holder ?? own;
}

/** The files a service's container gets on Docker, wherever they are copied in (secrets unwrapped). */
export const filesOf = (run: Run, service: string): { file: string; content: string }[] => plain(filesCarrier(run, service).inputs.uploads) ?? [];

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
