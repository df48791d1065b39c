// The service schema: one service's config as SPEC.md defines it, validated field by field,
// and how a platform definition and the stack's services merge.
import { HealthSpec, ServiceSpec } from "../model";
import { parseBytes, parseCpu } from "./quantity";
import { DNS_LABEL, isObject, isPort, Report } from "./util";

/** What validation needs to know about a catalog type. */
export interface TypeInfo {
    /** The ports the type listens on, the one consumers connect to first; empty for `app` (the user gives it). */
    readonly ports: readonly number[];
    /** Its client-facing ports, the only ones ever published (PortSpec.access); empty for `app`, whose own port is. */
    readonly published: readonly number[];
    /** It keeps the platform's data: public on a cluster target only with `exposeOnCluster: true`. */
    readonly dataStore?: boolean;
    /** Why it is never public, when it never is. */
    readonly neverPublic?: string;
    /** Variables its `env` and `secrets` may not set: names, or prefixes ending in `*`. */
    readonly ownedEnv?: readonly string[];
    /** What the user's `args` do: refused, or appended after the type's own. */
    readonly args?: "refuse" | "append";
    /** The type keeps data in a volume, so it runs one replica. */
    readonly stateful: boolean;
    /** Types of which it must use at least one (an exporter, what it watches). */
    readonly needs?: readonly string[];
    /** The extension of the seed file the type runs once it is up (`.sql`, `.cypher`), if it takes one. */
    readonly seed?: string;
    /** Names of its data volumes and of the bootstrap tasks it may run: part of the names derived from a service. */
    readonly volumes?: readonly string[];
    readonly tasks?: readonly string[];
}

const SERVICE_FIELDS = [
    "type", "image", "port", "health", "public", "exposeOnCluster", "hostPort", "uses", "env", "secrets",
    "replicas", "cpu", "memory", "storage", "command", "args",
] as const;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_NAME = 40;

/** `S` in `S_HOST`: the service name upper-cased, every character outside A-Z0-9 turned into `_`. */
export function envPrefix(service: string): string {
    return service.toUpperCase().replace(/[^A-Z0-9]/g, "_");
}

/** The connection variables a consumer receives for a used service, by suffix. */
export const CONNECTION_SUFFIXES = ["HOST", "PORT", "URL", "USERNAME", "PASSWORD", "DATABASE", "TOKEN", "BUCKET", "CA_CERT"] as const;

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

export function validateService(
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
    let exposeOnCluster: boolean | undefined;
    if (raw.exposeOnCluster !== undefined) {
        if (typeof raw.exposeOnCluster !== "boolean") bad("exposeOnCluster", `${JSON.stringify(raw.exposeOnCluster)} is not true or false`);
        else if (info && !info.dataStore) bad("exposeOnCluster", `only data stores need it; type ${type} is public on a cluster with public alone`);
        else exposeOnCluster = raw.exposeOnCluster;
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
        exposeOnCluster,
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

