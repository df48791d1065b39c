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
    /** The provider reference (`urn::id`) for custom resources, when one is set. */
    provider?: string;
    /** Resource options as the engine receives them. */
    options: { protect: boolean; retainOnDelete: boolean; ignoreChanges: string[] };
}

/** Invokes the program may make, answered as the cloud would; any other invoke fails the test. */
const INVOKES: Record<string, (args: Record<string, any>) => Record<string, unknown>> = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
        id: "us-east-1",
        names: ["us-east-1a", "us-east-1b", "us-east-1c"],
        zoneIds: ["use1-az1", "use1-az2", "use1-az4"],
        groupNames: ["us-east-1"],
        region: "us-east-1",
    }),
    "aws:index/getRegion:getRegion": () => ({ id: "us-east-1", name: "us-east-1", region: "us-east-1", endpoint: "ec2.us-east-1.amazonaws.com", description: "US East" }),
    "aws:index/getPartition:getPartition": () => ({ id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" }),
    "aws:ec2/getAmi:getAmi": () => ({ id: "ami-0123456789abcdef0", name: "al2023-ami-2023.6.20250101.0-kernel-6.1-x86_64", architecture: "x86_64" }),
};

/** What the cloud adds to a resource's state when it is created. */
function createdState(type: string, name: string, inputs: Record<string, any>, secret: (value: string) => unknown): Record<string, unknown> {
    const arn = `arn:aws:${type.split(":")[1].split("/")[0]}:us-east-1:123456789012:${name}`;
    switch (type) {
        case "aws:eks/cluster:Cluster":
            return {
                arn,
                endpoint: "https://ABCDEF.gr7.us-east-1.eks.amazonaws.com",
                certificateAuthority: { data: "LS0tLS1CRUdJTi1DQQ==" },
                identities: [{ oidcs: [{ issuer: "https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF" }] }],
                vpcConfig: { ...inputs.vpcConfig, clusterSecurityGroupId: "sg-cluster", vpcId: "vpc-id" },
            };
        case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            return { arn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF" };
        case "aws:rds/instance:Instance":
            return { arn, address: `${inputs.identifier}.abc123.us-east-1.rds.amazonaws.com`, endpoint: `${inputs.identifier}.abc123.us-east-1.rds.amazonaws.com:5432` };
        case "aws:elasticache/replicationGroup:ReplicationGroup":
            return { arn, primaryEndpointAddress: `master.${inputs.replicationGroupId}.abc123.use1.cache.amazonaws.com` };
        case "aws:s3/bucket:Bucket":
            return { arn: `arn:aws:s3:::${inputs.bucketPrefix}0001`, bucket: `${inputs.bucketPrefix}0001` };
        case "aws:iam/accessKey:AccessKey":
            return { secret: secret(`awsSecretKey${name.replace(/[^A-Za-z0-9]/g, "")}`) };
        case "aws:kms/key:Key":
            return { arn, keyId: `key-${name}` };
        case "aws:ec2/eip:Eip":
            return { publicIp: "198.51.100.7" };
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return { latestVersion: 1 };
        case "kubernetes:core/v1:Service":
            return inputs.spec?.type === "LoadBalancer"
                ? { status: { loadBalancer: { ingress: [{ hostname: `${inputs.metadata.name}-0123.elb.us-east-1.amazonaws.com` }] } } }
                : {};
        default:
            return type.startsWith("aws:") ? { arn, name: inputs.name ?? name } : {};
    }
}

export interface Run {
    resources: Recorded[];
    /** Every value a RandomPassword generated in this run. */
    generated: string[];
    outputs: { target: string; endpoints: Record<string, string>; credentials: Record<string, any> } & Record<string, any>;
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
    let options = new Map<string, Recorded["options"]>();
    await pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                const key = `${args.type}::${args.name}`;
                into.push({
                    type: args.type,
                    name: args.name,
                    inputs: args.inputs,
                    dependsOn: dependencies.get(key) ?? [],
                    provider: args.provider,
                    options: options.get(key) ?? { protect: false, retainOnDelete: false, ignoreChanges: [] },
                });
                const markGenerated = (value: string) => {
                    generated.push(value);
                    return { [SECRET_SIG_KEY]: SECRET_SIG, value };
                };
                const state: Record<string, any> = { ...args.inputs, ...createdState(args.type, args.name, args.inputs, markGenerated) };
                if (args.type === "random:index/randomPassword:RandomPassword") {
                    // The real provider marks `result` secret; so must the mock, or a leak would go unseen.
                    state.result = markGenerated(`gen${++counter}x${args.name.replace(/[^A-Za-z0-9]/g, "")}Q7`);
                }
                if (args.type === "docker:index/remoteImage:RemoteImage") state.imageId = `sha256:${args.inputs.name}`;
                if (args.type === "docker:index/network:Network") state.name = args.inputs.name;
                if (args.type === "docker:index/volume:Volume") state.name = args.inputs.name;
                return { id: `${args.name}-id`, state };
            },
            call(args: pulumi.runtime.MockCallArgs) {
                const answer = INVOKES[args.token];
                if (!answer) throw new Error(`unexpected invoke ${args.token}`);
                return answer(args.inputs);
            },
        },
        "slipway",
        opts.stack ?? "test",
        opts.preview ?? false,
    );
    // Resource options never reach newResource, but the dependencies the engine would get are
    // in the registration request: record them to check start order.
    dependencies = new Map<string, string[]>();
    options = new Map();
    const monitor = pulumi.runtime.getMonitor() as any;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: any) => {
        // urn:pulumi:<stack>::<project>::<parent types$>type::name -> "type::name"
        const names = (req.getDependenciesList() as string[]).map((urn) => {
            const [, , types, name] = urn.split("::");
            return `${types.slice(types.lastIndexOf("$") + 1)}::${name}`;
        });
        dependencies.set(`${req.getType()}::${req.getName()}`, names);
        options.set(`${req.getType()}::${req.getName()}`, {
            protect: req.getProtect() === true,
            retainOnDelete: req.getRetainondelete() === true,
            ignoreChanges: req.getIgnorechangesList(),
        });
        return register(req, callback);
    };
    pulumi.runtime.setAllConfig(cliConfig(config));
    // Loaded after the mocks are set, as Pulumi's testing guide requires.
    const { main } = await import("../components/program");
    const out = main();
    const [endpoints, credentials] = await Promise.all([promiseOf(out.endpoints), promiseOf(out.credentials)]);
    const secretOutputs: Record<string, boolean> = {
        endpoints: await pulumi.isSecret(out.endpoints),
        credentials: await pulumi.isSecret(out.credentials),
    };
    // The outputs a target adds (namespace, kubeconfig, host …).
    const extra: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(out)) {
        if (["target", "endpoints", "credentials"].includes(key) || value === undefined) continue;
        extra[key] = await promiseOf(pulumi.output(value));
        secretOutputs[key] = await pulumi.isSecret(pulumi.output(value));
    }
    await waitForRPCs();
    return { resources: into, generated, outputs: { ...extra, target: out.target, endpoints, credentials }, secretOutputs };
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
