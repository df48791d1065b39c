// Runs the policy pack's policies the way the Pulumi policy host calls them
// (@pulumi/policy server.js: a resource's type, props, name, urn, options and provider; isType
// by the resource class's type token), on single resources and on a whole stack a run registered.
import type { PolicyResource, ResourceValidationArgs, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { plain, Recorded, Run } from "./harness";

type Policy = ResourceValidationPolicy | StackValidationPolicy;

const isTypeOf = (type: string) => (resourceClass: any) => resourceClass?.__pulumiType === type;

export interface Resource {
    type: string;
    name: string;
    props: Record<string, any>;
    urn?: string;
    provider?: { type: string; name: string; urn: string; props: Record<string, any> };
}

function resourceArgs(r: Resource): ResourceValidationArgs {
    return {
        type: r.type,
        props: r.props,
        urn: r.urn ?? `urn:pulumi:test::slipway::${r.type}::${r.name}`,
        name: r.name,
        opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 }, additionalSecretOutputs: [] },
        provider: r.provider,
        stackTags: new Map(),
        isType: isTypeOf(r.type),
        asType: (c: any) => (isTypeOf(r.type)(c) ? r.props : undefined),
        getConfig: () => ({}),
        notApplicable: () => {
            throw new NotApplicable();
        },
    } as unknown as ResourceValidationArgs;
}

class NotApplicable extends Error {}

/** The violations one resource policy reports for one resource. */
export async function resourceViolations(policy: ResourceValidationPolicy, r: Resource): Promise<string[]> {
    const out: string[] = [];
    const validators = Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
    for (const v of validators) {
        if (!v) continue;
        try {
            await v(resourceArgs(r), (message: string) => out.push(message));
        } catch (e) {
            if (!(e instanceof NotApplicable)) throw e;
        }
    }
    return out;
}

/** The violations one stack policy reports for a set of resources. */
export async function stackViolations(policy: StackValidationPolicy, resources: PolicyResource[]): Promise<string[]> {
    const out: string[] = [];
    try {
        await policy.validateStack({ resources, stackTags: new Map(), getConfig: () => ({}), notApplicable: () => { throw new NotApplicable(); } } as any, (message: string) => out.push(message));
    } catch (e) {
        if (!(e instanceof NotApplicable)) throw e;
    }
    return out;
}

/** A run's resources as the policy host sees them: inputs and outputs decrypted, dependencies resolved. */
export function policyResources(run: Run): PolicyResource[] {
    const byKey = new Map<string, PolicyResource>();
    const custom = run.resources;
    for (const r of custom) {
        byKey.set(`${r.type}::${r.name}`, {
            type: r.type, name: r.name, urn: r.urn, props: plain({ ...r.outputs, ...r.inputs }), opts: {} as any,
            dependencies: [], propertyDependencies: {}, isType: isTypeOf(r.type), asType: () => undefined,
        } as unknown as PolicyResource);
    }
    for (const r of custom) {
        const p = byKey.get(`${r.type}::${r.name}`)! as any;
        p.dependencies = r.dependsOn.map((d) => byKey.get(d)).filter(Boolean);
        p.propertyDependencies = Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, ds]) => [k, ds.map((d) => byKey.get(d)).filter(Boolean)]));
    }
    return [...byKey.values()];
}

/** Every mandatory violation the whole pack reports on a run, as `policy: message`. */
export async function packViolations(policies: readonly Policy[], run: Run): Promise<string[]> {
    const providers = new Map(run.resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [`${r.type}::${r.name}`, r]));
    const out: string[] = [];
    for (const policy of policies) {
        if ("validateResource" in policy) {
            for (const r of run.resources) {
                // A provider reference is `<urn>::<id>`; the urn ends in `<parent types$>type::name`.
                const parts = r.provider?.split("::") ?? [];
                const prov: Recorded | undefined = parts.length >= 3 ? providers.get(`${parts[parts.length - 3].split("$").pop()}::${parts[parts.length - 2]}`) : undefined;
                const provider = prov ? { type: prov.type, name: prov.name, urn: prov.urn, props: plain(prov.inputs) } : undefined;
                for (const m of await resourceViolations(policy, { type: r.type, name: r.name, urn: r.urn, props: plain(r.inputs), provider })) out.push(`${policy.name}: ${m}`);
            }
        } else {
            for (const m of await stackViolations(policy as StackValidationPolicy, policyResources(run))) out.push(`${policy.name}: ${m}`);
        }
    }
    return out;
}
