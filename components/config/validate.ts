// Validation of stack configuration: pure, total, and the only place config rules are combined.
// Every problem is reported at once, each message starting with the config path it is about,
// so that a bad stack stops before a single resource is registered (SPEC "Bad input").
// The rules themselves live by concern: keys.ts (each key's type, default and targets),
// services.ts (the service schema), graph.ts (edges, order, host ports), names.ts (names the
// program derives), exposure.ts (what may be public where), overrides.ts (what a stack may not
// override), target-settings.ts (the Kubernetes and AWS keys).
import { PlatformSpec, ServiceSpec, SIZES, Size, TARGETS, TargetName } from "../model";
import { exposureProblems, privilegedHostPorts } from "./exposure";
import { assignHostPorts, dependencyOrder, edgeProblems, findCycles } from "./graph";
import { isSet, KEYS, NS, targetMismatches, withDefaults } from "./keys";
import { typeProblems } from "./typed";
import { nameCollisions } from "./names";
import { overrideProblems } from "./overrides";
import { mergeServices, TypeInfo, validateService } from "./services";
import { adminCidrs, validateAws, validateKubernetes } from "./target-settings";
import { isObject, Report } from "./util";

export { NS } from "./keys";
export { CONNECTION_SUFFIXES, envPrefix, imagePin, mergeServices, parseHealth, TypeInfo } from "./services";
export { assignHostPorts, dependencyOrder, findCycles } from "./graph";

export interface ValidationInput {
    readonly project: string;
    readonly stack: string;
    /** `slipway:*` config values by key, without the namespace, each of its declared type (keys.ts). */
    readonly config: Readonly<Record<string, unknown>>;
    /** Bundled platform definitions by name, as parsed from `platforms/<name>.yaml`. */
    readonly platforms: Readonly<Record<string, unknown>>;
    /** Catalog types by name, `app` included. */
    readonly types: Readonly<Record<string, TypeInfo>>;
    /** The contents of the files `slipway:seeds` names, by path; undefined where there is none. */
    readonly files?: Readonly<Record<string, string | undefined>>;
}

export type ValidationResult = { ok: true; spec: PlatformSpec } | { ok: false; problems: string[] };

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

export function validate(input: ValidationInput): ValidationResult {
    const problems: string[] = [];
    const problem: Report = (path, message) => problems.push(`${NS}:${path}: ${message}`);
    typeProblems(input.config, problem);
    // A value of the wrong type was reported; its key's default stands in for the other checks.
    const typed = Object.fromEntries(Object.entries(input.config).filter(([k]) => !problems.some((p) => p.startsWith(`${NS}:${k}:`))));
    const cfg = withDefaults(typed);

    const target = cfg.target as TargetName | undefined;
    const known = (TARGETS as readonly unknown[]).includes(target);
    if (target === undefined) problem("target", `required; one of ${TARGETS.join(", ")}`);
    else if (!known) problem("target", `${JSON.stringify(target)} is not a target; one of ${TARGETS.join(", ")}`);
    else targetMismatches(cfg, target, problem);

    const size = cfg.size as Size;
    if (!(SIZES as readonly unknown[]).includes(size)) problem("size", `${JSON.stringify(size)} is not a size; one of ${SIZES.join(", ")}`);

    // On the ec2 host, ports are open to the admin CIDRs only, by its security group.
    const bindAddress = isSet(cfg, "bindAddress") ? (cfg.bindAddress as string) : target === "ec2" ? "0.0.0.0" : "127.0.0.1";
    if (!IPV4.test(bindAddress)) problem("bindAddress", `${JSON.stringify(bindAddress)} is not an IPv4 address`);

    const baseServices = platformServices(cfg, input.platforms, target, problem);
    const merged = mergeServices(baseServices, cfg.services as Record<string, unknown>);
    if (Object.keys(merged).length === 0 && problems.length === 0) {
        problem("services", "no services: set slipway:platform or define slipway:services");
    }

    const services: ServiceSpec[] = [];
    for (const [name, raw] of Object.entries(merged)) {
        const svc = validateService(name, raw, input.types, problem);
        if (svc) services.push(svc);
    }
    const byName = new Map(services.map((s) => [s.name, s]));
    edgeProblems(services, new Set(Object.keys(merged)), input.types, problem);
    for (const cycle of findCycles(services, byName)) problem("services", `dependency cycle ${cycle.join(" -> ")}`);
    nameCollisions(services, input.types, problem);
    overrideProblems(services, input.types, problem);
    exposureProblems(services, input.types, known ? target : undefined, problem);

    // Only docker and ec2 have host ports; on a cluster `hostPort` is refused (exposure.ts).
    const hostTarget = target === "docker" || target === "ec2";
    const hostPorts = hostTarget ? assignHostPorts(services, input.types, problem) : {};
    privilegedHostPorts(services, hostPorts, known ? target : undefined, problem);
    const seeds = validateSeeds(cfg.seeds as Record<string, unknown>, byName, input, problem);
    const publicServices = services.filter((s) => s.public).map((s) => s.name);
    // Checked once, for every target that reads it (kubernetes, eks, ec2; eks twice over).
    const cidrs = known && (KEYS.adminCidrs.targets as readonly string[]).includes(target!) ? adminCidrs(cfg, problem) : [];
    const kubernetes = known ? validateKubernetes(cfg, target!, input.stack, publicServices, cidrs, problem) : undefined;
    const aws = known ? validateAws(cfg, target!, (SIZES as readonly unknown[]).includes(size) ? size : "small", cidrs, problem) : undefined;

    if (problems.length > 0) return { ok: false, problems };
    return {
        ok: true,
        spec: {
            project: input.project,
            stack: input.stack,
            target: target!,
            platform: isSet(cfg, "platform") ? (cfg.platform as string) : undefined,
            size,
            bindAddress,
            devMode: cfg.devMode as boolean,
            kubernetes,
            aws,
            seeds,
            services: dependencyOrder(services, byName),
            hostPorts,
        },
    };
}

/** The services of the bundled platform the stack names, adjusted for its target. */
function platformServices(
    cfg: Readonly<Record<string, unknown>>,
    platforms: Readonly<Record<string, unknown>>,
    target: TargetName | undefined,
    problem: Report,
): Record<string, unknown> {
    if (!isSet(cfg, "platform")) return {};
    const name = cfg.platform as string;
    if (!(name in platforms)) {
        problem("platform", `unknown platform ${JSON.stringify(name)}; bundled: ${Object.keys(platforms).sort().join(", ")}`);
        return {};
    }
    const def = platforms[name];
    const services = isObject(def) ? def.services : undefined;
    if (!isObject(services)) {
        problem("platform", `platforms/${name}.yaml has no services map`);
        return {};
    }
    // A definition may adjust itself per target (`targets: { kind: { services: … } }`), e.g.
    // leave out a type that needs the host where pods may not have it.
    const forTarget = isObject(def) && isObject(def.targets) && target ? def.targets[target] : undefined;
    return isObject(forTarget) && isObject(forTarget.services) ? mergeServices(services, forTarget.services) : services;
}

function validateSeeds(
    raw: Readonly<Record<string, unknown>>,
    byName: ReadonlyMap<string, ServiceSpec>,
    input: ValidationInput,
    problem: Report,
): Record<string, { path: string; content: string }> {
    const seeds: Record<string, { path: string; content: string }> = {};
    for (const [name, path] of Object.entries(raw)) {
        const svc = byName.get(name);
        const ext = svc ? input.types[svc.type]?.seed : undefined;
        if (!svc) problem(`seeds.${name}`, `unknown service ${JSON.stringify(name)}`);
        else if (!ext) problem(`seeds.${name}`, `type ${svc.type} takes no seed file; postgres takes .sql, neo4j .cypher`);
        else if (typeof path !== "string" || !path.endsWith(ext)) problem(`seeds.${name}`, `${JSON.stringify(path)} is not the path of a ${ext} file`);
        else if (input.files?.[path] === undefined) problem(`seeds.${name}`, `no file at ${path} (paths are relative to the project directory)`);
        else seeds[name] = { path, content: input.files[path]! };
    }
    return seeds;
}
