// Validation of stack configuration: pure, total, and the only place config rules live.
// Every problem is reported at once, each message starting with the config path it is about,
// so that a bad stack stops before a single resource is registered (SPEC "Bad input").
import { HealthSpec, PlatformSpec, ServiceSpec, SIZES, Size, TARGETS, TargetName } from "../model";
import { parseBytes, parseCpu } from "./quantity";
import { validateAws, validateKubernetes } from "./target-settings";
import { DNS_LABEL, isObject, isPort, parseBool, Report } from "./util";


/** What validation needs to know about a catalog type. */
export interface TypeInfo {
    /** The ports the type listens on, the one consumers connect to first; empty for `app` (the user gives it). */
    readonly ports: readonly number[];
    /** The type keeps data in a volume, so it runs one replica. */
    readonly stateful: boolean;
    /** Types of which it must use at least one (an exporter, what it watches). */
    readonly needs?: readonly string[];
    /** The extension of the seed file the type runs once it is up (`.sql`, `.cypher`), if it takes one. */
    readonly seed?: string;
}

export interface ValidationInput {
    readonly project: string;
    readonly stack: string;
    /** `slipway:*` config values, keyed without the namespace; objects already parsed. */
    readonly config: Readonly<Record<string, unknown>>;
    /** Bundled platform definitions by name, as parsed from `platforms/<name>.yaml`. */
    readonly platforms: Readonly<Record<string, unknown>>;
    /** Catalog types by name, `app` included. */
    readonly types: Readonly<Record<string, TypeInfo>>;
    /** The contents of the files `slipway:seeds` names, by path; undefined where there is none. */
    readonly files?: Readonly<Record<string, string | undefined>>;
}

export type ValidationResult = { ok: true; spec: PlatformSpec } | { ok: false; problems: string[] };

export const NS = "slipway";

/** Top-level keys this program reads; any other `slipway:` key is a typo. */
export const CONFIG_KEYS = [
    "target", "platform", "services", "size", "bindAddress", "devMode",
    "kubeContext", "namespace", "exposure", "ingressDomain", "ingressClass", "storageClass",
    "adminCidrs", "vpcCidr", "azCount", "kubernetesVersion", "instanceType", "nodeCount", "managedServices", "multiAz", "protectData",
    "sshKeyName", "seeds",
] as const;

const SERVICE_FIELDS = [
    "type", "image", "port", "health", "public", "hostPort", "uses", "env", "secrets",
    "replicas", "cpu", "memory", "storage", "command", "args",
] as const;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const MAX_NAME = 40;

/** `S` in `S_HOST`: the service name upper-cased, every character outside A-Z0-9 turned into `_`. */
export function envPrefix(service: string): string {
    return service.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/** The connection variables a consumer receives for a used service, by suffix. */
export const CONNECTION_SUFFIXES = ["HOST", "PORT", "URL", "USERNAME", "PASSWORD", "DATABASE", "TOKEN", "BUCKET"] as const;

/**
 * An image reference pins a version when it names a digest, or a tag other than `latest`.
 * The tag is what follows the last colon after the last slash (a registry may have a port).
 */
export function imagePin(image: string): "digest" | "tag" | "latest" | "none" {
    if (/@sha256:[0-9a-f]{64}$/.test(image)) return "digest";
    const lastSegment = image.slice(image.lastIndexOf("/") + 1);
    const colon = lastSegment.lastIndexOf(":");
    if (colon < 0 || colon === lastSegment.length - 1) return "none";
    return lastSegment.slice(colon + 1) === "latest" ? "latest" : "tag";
}

/** Merge the platform definition's services and the stack's, key by key; `null` removes a service, or a field. */
export function mergeServices(
    base: Readonly<Record<string, unknown>>,
    overrides: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
    const merged: Record<string, unknown> = {};
    for (const [name, svc] of Object.entries(base)) merged[name] = svc;
    for (const [name, svc] of Object.entries(overrides)) {
        if (svc === null) delete merged[name];
        else if (isObject(svc) && isObject(merged[name])) {
            const fields: Record<string, unknown> = { ...(merged[name] as object), ...svc };
            for (const [k, v] of Object.entries(svc)) if (v === null) delete fields[k];
            merged[name] = fields;
        }
        else merged[name] = svc;
    }
    return merged;
}

export function validate(input: ValidationInput): ValidationResult {
    const problems: string[] = [];
    const problem = (path: string, message: string) => problems.push(`${NS}:${path}: ${message}`);
    const cfg = input.config;

    for (const key of Object.keys(cfg)) {
        if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
            problem(key, `unknown config key; known keys: ${CONFIG_KEYS.join(", ")}`);
        }
    }

    const target = cfg.target;
    if (target === undefined) problem("target", `required; one of ${TARGETS.join(", ")}`);
    else if (!(TARGETS as readonly unknown[]).includes(target)) {
        problem("target", `${JSON.stringify(target)} is not a target; one of ${TARGETS.join(", ")}`);
    }

    const size = cfg.size ?? "small";
    if (!(SIZES as readonly unknown[]).includes(size)) {
        problem("size", `${JSON.stringify(size)} is not a size; one of ${SIZES.join(", ")}`);
    }

    // On the ec2 host, ports are open to the admin CIDRs only, by its security group.
    const bindAddress = cfg.bindAddress ?? (target === "ec2" ? "0.0.0.0" : "127.0.0.1");
    if (typeof bindAddress !== "string" || !IPV4.test(bindAddress)) {
        problem("bindAddress", `${JSON.stringify(bindAddress)} is not an IPv4 address`);
    }

    const devMode = parseBool(cfg.devMode ?? false);
    if (devMode === undefined) problem("devMode", `${JSON.stringify(cfg.devMode)} is not true or false`);
    else if (devMode && target !== "docker" && (TARGETS as readonly unknown[]).includes(target)) {
        problem("devMode", `dev-mode servers are only allowed on target docker, not ${target}`);
    }

    let baseServices: Record<string, unknown> = {};
    if (cfg.platform !== undefined) {
        const names = Object.keys(input.platforms).sort();
        if (typeof cfg.platform !== "string" || !(cfg.platform in input.platforms)) {
            problem("platform", `unknown platform ${JSON.stringify(cfg.platform)}; bundled: ${names.join(", ")}`);
        } else {
            const def = input.platforms[cfg.platform];
            const svcs = isObject(def) ? def.services : undefined;
            if (!isObject(svcs)) problem("platform", `platforms/${cfg.platform}.yaml has no services map`);
            else baseServices = svcs;
            // A definition may adjust itself per target (`targets: { kind: { services: … } }`),
            // e.g. leave out a type that needs the host where pods may not have it.
            const forTarget = isObject(def) && isObject(def.targets) ? def.targets[target as string] : undefined;
            if (isObject(forTarget) && isObject(forTarget.services)) baseServices = mergeServices(baseServices, forTarget.services);
        }
    }

    const rawServices = cfg.services ?? {};
    if (!isObject(rawServices)) problem("services", "must be a map of service name to service config");
    const merged = mergeServices(baseServices, isObject(rawServices) ? rawServices : {});
    if (Object.keys(merged).length === 0 && problems.length === 0) {
        problem("services", "no services: set slipway:platform or define slipway:services");
    }

    const services: ServiceSpec[] = [];
    for (const [name, raw] of Object.entries(merged)) {
        const svc = validateService(name, raw, input.types, problem);
        if (svc) services.push(svc);
    }
    const byName = new Map(services.map((s) => [s.name, s]));

    // Edges: every `uses` entry names another existing service, once.
    for (const svc of services) {
        const seen = new Set<string>();
        svc.uses.forEach((used, i) => {
            const path = `services.${svc.name}.uses[${i}]`;
            if (used === svc.name) problem(path, "a service cannot use itself");
            else if (!(used in merged)) problem(path, `unknown service ${JSON.stringify(used)}`);
            else if (seen.has(used)) problem(path, `${JSON.stringify(used)} is listed twice`);
            seen.add(used);
        });
    }

    // Types that watch or front another type must use one.
    for (const svc of services) {
        const needs = input.types[svc.type]?.needs ?? [];
        if (needs.length && !svc.uses.some((u) => needs.includes(byName.get(u)?.type ?? ""))) {
            problem(`services.${svc.name}.uses`, `type ${svc.type} needs a service of type ${needs.join(" or ")} in uses`);
        }
    }

    // Environment names a service sets itself must not collide with what the platform injects.
    for (const svc of services) {
        const injected = new Map<string, string>();
        for (const used of svc.uses) {
            for (const suffix of CONNECTION_SUFFIXES) injected.set(`${envPrefix(used)}_${suffix}`, used);
        }
        for (const key of Object.keys(svc.env)) {
            const from = injected.get(key);
            if (from) problem(`services.${svc.name}.env.${key}`, `collides with the connection setting injected for ${JSON.stringify(from)}`);
        }
        svc.secrets.forEach((key, i) => {
            const from = injected.get(key);
            if (from) problem(`services.${svc.name}.secrets[${i}]`, `${key} collides with the connection setting injected for ${JSON.stringify(from)}`);
            if (key in svc.env) problem(`services.${svc.name}.secrets[${i}]`, `${key} is also set in env`);
        });
    }

    for (const cycle of findCycles(services, byName)) {
        problem("services", `dependency cycle ${cycle.join(" -> ")}`);
    }

    const hostPorts = assignHostPorts(services, input.types, problem);
    const seeds = validateSeeds(cfg.seeds, byName, input, problem);
    const kubernetes = validateKubernetes(cfg, target, input.stack, problem);
    const aws = validateAws(cfg, target, (SIZES as readonly unknown[]).includes(size) ? (size as Size) : "small", problem);

    if (problems.length > 0) return { ok: false, problems };
    return {
        ok: true,
        spec: {
            project: input.project,
            stack: input.stack,
            target: target as TargetName,
            platform: cfg.platform as string | undefined,
            size: size as Size,
            bindAddress: bindAddress as string,
            devMode: devMode as boolean,
            kubernetes,
            aws,
            seeds,
            services: dependencyOrder(services, byName),
            hostPorts,
        },
    };
}

function validateSeeds(
    raw: unknown,
    byName: ReadonlyMap<string, ServiceSpec>,
    input: ValidationInput,
    problem: Report,
): Record<string, { path: string; content: string }> {
    const seeds: Record<string, { path: string; content: string }> = {};
    if (raw === undefined) return seeds;
    if (!isObject(raw)) {
        problem("seeds", "must be a map of service name to the path of a seed file");
        return seeds;
    }
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

function validateService(
    name: string,
    raw: unknown,
    types: Readonly<Record<string, TypeInfo>>,
    problem: Report,
): ServiceSpec | undefined {
    const at = `services.${name}`;
    const bad = (field: string, message: string) => problem(field ? `${at}.${field}` : at, message);

    if (!DNS_LABEL.test(name) || name.length > MAX_NAME) {
        bad("", `service name must be a DNS label: lower-case letters, digits and '-', not starting or ending with '-', at most ${MAX_NAME} characters`);
    }
    if (!isObject(raw)) {
        bad("", "must be a service config map (or null to remove the service)");
        return undefined;
    }
    for (const key of Object.keys(raw)) {
        if (!(SERVICE_FIELDS as readonly string[]).includes(key)) bad(key, `unknown field; known fields: ${SERVICE_FIELDS.join(", ")}`);
    }

    const type = raw.type;
    const known = Object.keys(types).sort();
    let info: TypeInfo | undefined;
    if (type === undefined) bad("type", `required; one of ${known.join(", ")}`);
    else if (typeof type !== "string" || !(type in types)) bad("type", `unknown type ${JSON.stringify(type)}; one of ${known.join(", ")}`);
    else info = types[type];
    const isApp = type === "app";

    const image = raw.image;
    if (image === undefined) {
        if (isApp) bad("image", "required for type app");
    } else if (typeof image !== "string" || image.trim() === "" || /\s/.test(image)) {
        bad("image", `${JSON.stringify(image)} is not an image reference`);
    } else {
        const pin = imagePin(image);
        if (pin === "none") bad("image", `"${image}" has no explicit tag or digest; pin a version, e.g. "${image}:1.2.3"`);
        if (pin === "latest") bad("image", `"${image}" uses the moving tag latest; pin a version or a digest`);
    }

    const port = raw.port;
    if (port === undefined) {
        if (isApp) bad("port", "required for type app");
    } else if (!isPort(port)) bad("port", `${JSON.stringify(port)} is not a port number (1-65535)`);
    else if (info && info.ports.length > 0 && port !== info.ports[0]) {
        bad("port", `type ${type} listens on ${info.ports[0]}; port can only be set for type app`);
    }

    const health = parseHealth(raw.health, (m) => bad("health", m));

    let isPublic = false;
    if (raw.public !== undefined) {
        if (typeof raw.public !== "boolean") bad("public", `${JSON.stringify(raw.public)} is not true or false`);
        else isPublic = raw.public;
    }
    const hostPort = raw.hostPort;
    if (hostPort !== undefined) {
        if (!isPort(hostPort)) bad("hostPort", `${JSON.stringify(hostPort)} is not a port number (1-65535)`);
        else if (raw.public === false) bad("hostPort", "a host port makes the service public, but public is false");
        else isPublic = true;
    }

    const uses = stringList(raw.uses, "uses", bad) ?? [];
    uses.forEach((u, i) => {
        if (!DNS_LABEL.test(u)) bad(`uses[${i}]`, `${JSON.stringify(u)} is not a service name`);
    });

    const env: Record<string, string> = {};
    if (raw.env !== undefined) {
        if (!isObject(raw.env)) bad("env", "must be a map of variable name to string value");
        else {
            for (const [k, v] of Object.entries(raw.env)) {
                if (!ENV_NAME.test(k)) bad(`env.${k}`, "is not a valid environment variable name");
                else if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") env[k] = String(v);
                else bad(`env.${k}`, `must be a string, not ${JSON.stringify(v)}`);
            }
        }
    }

    const secrets = stringList(raw.secrets, "secrets", bad) ?? [];
    const seenSecrets = new Set<string>();
    secrets.forEach((s, i) => {
        if (!ENV_NAME.test(s)) bad(`secrets[${i}]`, `${JSON.stringify(s)} is not a valid environment variable name`);
        else if (seenSecrets.has(s)) bad(`secrets[${i}]`, `${s} is listed twice`);
        seenSecrets.add(s);
    });

    const replicas = raw.replicas;
    if (replicas !== undefined) {
        if (!Number.isInteger(replicas) || (replicas as number) < 1 || (replicas as number) > 50) {
            bad("replicas", `${JSON.stringify(replicas)} is not a whole number from 1 to 50`);
        } else if ((replicas as number) > 1 && info?.stateful) {
            bad("replicas", `type ${type} keeps its data in a volume and runs one replica`);
        }
    }
    if (raw.cpu !== undefined && parseCpu(raw.cpu) === undefined) {
        bad("cpu", `${JSON.stringify(raw.cpu)} is not a CPU quantity like "500m" or "2"`);
    }
    const memory = raw.memory === undefined ? undefined : parseBytes(raw.memory);
    if (raw.memory !== undefined) {
        if (memory === undefined) bad("memory", `${JSON.stringify(raw.memory)} is not a memory size like "512Mi" or "2Gi"`);
        else if (memory < 32 * 2 ** 20) bad("memory", `${JSON.stringify(raw.memory)} is below the 32Mi minimum`);
    }
    if (raw.storage !== undefined) {
        const storage = parseBytes(raw.storage);
        if (storage === undefined) bad("storage", `${JSON.stringify(raw.storage)} is not a storage size like "10Gi"`);
        else if (storage < 2 ** 30) bad("storage", `${JSON.stringify(raw.storage)} is below the 1Gi minimum`);
        else if (info && !info.stateful) bad("storage", `type ${type} keeps no data, so it has no storage to size`);
    }
    const command = stringList(raw.command, "command", bad);
    const args = stringList(raw.args, "args", bad);

    // Returned even when a field is bad, so that edges and ports are checked too: every
    // problem is reported in one run. The caller discards the spec when any problem exists.
    return {
        name,
        type: type as string,
        image: image as string | undefined,
        port: isPort(port) ? port : undefined,
        health,
        public: isPublic,
        hostPort: isPort(hostPort) ? hostPort : undefined,
        uses,
        env,
        secrets,
        replicas: replicas as number | undefined,
        cpu: raw.cpu === undefined ? undefined : String(raw.cpu),
        memory: raw.memory === undefined ? undefined : String(raw.memory),
        storage: raw.storage === undefined ? undefined : String(raw.storage),
        command,
        args,
    };
}

function stringList(v: unknown, field: string, bad: (f: string, m: string) => void): string[] | undefined {
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) {
        bad(field, "must be a list of strings");
        return undefined;
    }
    const out: string[] = [];
    v.forEach((item, i) => {
        if (typeof item !== "string" || item === "") bad(`${field}[${i}]`, `${JSON.stringify(item)} is not a non-empty string`);
        else out.push(item);
    });
    return out;
}

/** `/path` is an HTTP check, `tcp` a TCP connect, anything else a command (a string runs in a shell). */
export function parseHealth(v: unknown, bad: (message: string) => void): HealthSpec | undefined {
    if (v === undefined) return undefined;
    if (typeof v === "string") {
        if (v === "tcp") return { kind: "tcp" };
        if (v.startsWith("/")) {
            if (/\s/.test(v)) {
                bad(`${JSON.stringify(v)} is not an HTTP path`);
                return undefined;
            }
            return { kind: "http", path: v };
        }
        if (v.trim() === "") {
            bad("must not be empty");
            return undefined;
        }
        return { kind: "command", command: ["/bin/sh", "-c", v] };
    }
    if (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === "string" && x !== "")) {
        return { kind: "command", command: v as string[] };
    }
    bad(`${JSON.stringify(v)} is not an HTTP path ("/health"), "tcp", or a command`);
    return undefined;
}

/** Every elementary cycle reachable in declaration order, each reported once, as `a -> b -> a`. */
export function findCycles(services: readonly ServiceSpec[], byName: ReadonlyMap<string, ServiceSpec>): string[][] {
    const cycles: string[][] = [];
    const seenCycles = new Set<string>();
    const state = new Map<string, "visiting" | "done">();
    const stack: string[] = [];
    const visit = (name: string) => {
        state.set(name, "visiting");
        stack.push(name);
        for (const next of byName.get(name)?.uses ?? []) {
            if (!byName.has(next) || next === name) continue;
            if (state.get(next) === "visiting") {
                const cycle = [...stack.slice(stack.indexOf(next)), next];
                const key = [...cycle.slice(0, -1)].sort().join(",");
                if (!seenCycles.has(key)) {
                    seenCycles.add(key);
                    cycles.push(cycle);
                }
            } else if (!state.has(next)) visit(next);
        }
        stack.pop();
        state.set(name, "done");
    };
    for (const svc of services) if (!state.has(svc.name)) visit(svc.name);
    return cycles;
}

/** Services ordered so that each comes after everything it uses (declaration order otherwise). */
export function dependencyOrder(services: readonly ServiceSpec[], byName: ReadonlyMap<string, ServiceSpec>): ServiceSpec[] {
    const out: ServiceSpec[] = [];
    const placed = new Set<string>();
    const place = (svc: ServiceSpec) => {
        if (placed.has(svc.name)) return;
        placed.add(svc.name);
        for (const used of svc.uses) {
            const dep = byName.get(used);
            if (dep) place(dep);
        }
        out.push(svc);
    };
    services.forEach(place);
    return out;
}

/**
 * Host ports for public services, by service and container port. Explicit `hostPort`s are
 * claimed first, in declaration order; a second claim on one port is an error naming the first
 * claimant. Every other port of a public service gets its own number, or the next free port
 * above it: the same config always yields the same ports.
 */
export function assignHostPorts(
    services: readonly ServiceSpec[],
    types: Readonly<Record<string, TypeInfo>>,
    problem: Report,
): Record<string, Record<number, number>> {
    const owner = new Map<number, string>();
    const ports: Record<string, Record<number, number>> = {};
    const containerPorts = (svc: ServiceSpec) => [svc.port ?? types[svc.type]?.ports[0], ...(types[svc.type]?.ports.slice(1) ?? [])]
        .filter((p): p is number => p !== undefined);
    for (const svc of services) {
        if (svc.hostPort === undefined) continue;
        const taken = owner.get(svc.hostPort);
        if (taken) problem(`services.${svc.name}.hostPort`, `${svc.hostPort} is also taken by ${taken}`);
        else {
            owner.set(svc.hostPort, svc.name);
            const primary = containerPorts(svc)[0];
            if (primary !== undefined) ports[svc.name] = { [primary]: svc.hostPort };
        }
    }
    for (const svc of services) {
        if (!svc.public) continue;
        for (const containerPort of containerPorts(svc)) {
            const mine = (ports[svc.name] ??= {});
            if (mine[containerPort] !== undefined) continue;
            let port = containerPort;
            while (owner.has(port) && port < 65535) port++;
            owner.set(port, svc.name);
            mine[containerPort] = port;
        }
    }
    return ports;
}
