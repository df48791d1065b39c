// How the Docker provider turns a `docker.Container`'s inputs into Docker Engine API calls, for
// every field Slipway uses. pulumi-docker 5.x bridges kreuzwerker/terraform-provider-docker
// v4.5.0; each mapping below follows internal/provider/resource_docker_container_funcs.go,
// resourceDockerContainerCreate (cited as "create:" with the Terraform attribute name), so that
// the live tier creates exactly the container the provider would.
import type { ContainerCreateOptions } from "dockerode";

/** A `docker.Container`'s inputs as the program registers them (secrets unwrapped). */
export interface ContainerInputs {
    name: string;
    image: string;
    hostname?: string;
    entrypoints?: string[];
    command?: string[];
    envs?: string[];
    user?: string;
    labels?: { label: string; value: string }[];
    capabilities?: { adds?: string[]; drops?: string[] };
    securityOpts?: string[];
    readOnly?: boolean;
    tmpfs?: Record<string, string>;
    mounts?: { type: string; source: string; target: string; readOnly?: boolean }[];
    volumes?: { hostPath?: string; containerPath: string; readOnly?: boolean; volumeName?: string }[];
    uploads?: { file: string; content?: string; executable?: boolean; permissions?: string }[];
    networkMode?: string;
    networksAdvanced?: { name: string; aliases?: string[] }[];
    ports?: { internal: number; external?: number; ip?: string; protocol?: string }[];
    healthcheck?: { tests: string[]; interval?: string; timeout?: string; startPeriod?: string; startInterval?: string; retries?: number };
    memory?: number;
    cpus?: string;
    restart?: string;
    maxRetryCount?: number;
    start?: boolean;
    wait?: boolean;
    waitTimeout?: number;
    mustRun?: boolean;
    attach?: boolean;
    logs?: boolean;
}

/** What the provider does for one container: the create call, then the steps create takes after it. */
export interface ContainerPlan {
    readonly create: ContainerCreateOptions;
    /** create: `networks_advanced` — disconnect from "bridge", then connect to each, with its aliases. */
    readonly networks: { name: string; aliases: string[] }[];
    /** create: `upload` — files copied into the container (at "/") before it starts. */
    readonly uploads: { path: string; content: string; mode: number }[];
    /** create: `start` (default true). */
    readonly start: boolean;
    /** create: `wait` — poll until healthy, failing after `wait_timeout` seconds (default 60). */
    readonly waitSeconds?: number;
}

const KNOWN = new Set([
    "name", "image", "hostname", "entrypoints", "command", "envs", "user", "labels", "capabilities", "securityOpts", "readOnly", "tmpfs",
    "mounts", "volumes", "uploads", "networkMode", "networksAdvanced", "ports", "healthcheck", "memory", "cpus", "restart",
    "maxRetryCount", "start", "wait", "waitTimeout", "mustRun", "attach", "logs",
]);

/** Go's time.ParseDuration for the units the program uses, in nanoseconds (the API's unit). */
export function goDuration(d: string | undefined): number | undefined {
    if (d === undefined) return undefined;
    const m = /^(\d+(?:\.\d+)?)(ns|us|ms|s|m|h)$/.exec(d);
    if (!m) throw new Error(`not a duration the mapping knows: ${d}`);
    const unit = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 }[m[2]]!;
    return Math.round(Number(m[1]) * unit);
}

export function planContainer(i: ContainerInputs): ContainerPlan {
    const unknown = Object.keys(i).filter((k) => !KNOWN.has(k) && (i as unknown as Record<string, unknown>)[k] !== undefined);
    if (unknown.length) throw new Error(`${i.name}: the live tier does not map ${unknown.join(", ")}; add it to test/live/mapping.ts`);
    const exposed: Record<string, object> = {};
    const bindings: Record<string, { HostIp: string; HostPort: string }[]> = {};
    // create: `ports` (portSetToDockerPorts): "<internal>/<protocol>", bound to ip:external.
    for (const p of i.ports ?? []) {
        const key = `${p.internal}/${p.protocol ?? "tcp"}`;
        exposed[key] = {};
        (bindings[key] ??= []).push({ HostIp: p.ip ?? "0.0.0.0", HostPort: p.external === undefined ? "" : String(p.external) });
    }
    const hc = i.healthcheck;
    const create: ContainerCreateOptions = {
        name: i.name,
        Image: i.image,
        Hostname: i.hostname ?? "",
        Env: i.envs,
        // create: `command` -> Config.Cmd, `entrypoint` -> Config.Entrypoint
        Cmd: i.command,
        Entrypoint: i.entrypoints,
        User: i.user,
        Labels: Object.fromEntries((i.labels ?? []).map((l) => [l.label, l.value])),
        ExposedPorts: Object.keys(exposed).length ? exposed : undefined,
        Healthcheck: hc
            ? {
                  Test: hc.tests,
                  Interval: goDuration(hc.interval),
                  Timeout: goDuration(hc.timeout),
                  StartPeriod: goDuration(hc.startPeriod),
                  StartInterval: goDuration(hc.startInterval),
                  Retries: hc.retries,
              } as ContainerCreateOptions["Healthcheck"]
            : undefined,
        HostConfig: {
            // create: `restart` (default "no") and `max_retry_count`
            RestartPolicy: { Name: i.restart ?? "no", MaximumRetryCount: i.maxRetryCount ?? 0 },
            // create: `mounts` -> HostConfig.Mounts
            Mounts: (i.mounts ?? []).map((m) => ({ Type: m.type as "volume", Source: m.source, Target: m.target, ReadOnly: m.readOnly ?? false })),
            // create: `read_only` -> ReadonlyRootfs; `tmpfs` -> Tmpfs
            ReadonlyRootfs: i.readOnly ?? false,
            Tmpfs: i.tmpfs && Object.keys(i.tmpfs).length ? i.tmpfs : undefined,
            PortBindings: Object.keys(bindings).length ? bindings : undefined,
            // create: `volumes` (volumeSetToDockerVolumes): host_path:container_path[:ro]
            Binds: i.volumes?.length ? i.volumes.map((v) => `${v.hostPath ?? v.volumeName}:${v.containerPath}${v.readOnly ? ":ro" : ""}`) : undefined,
            // create: `capabilities` add/drop
            CapAdd: i.capabilities?.adds,
            CapDrop: i.capabilities?.drops,
            SecurityOpt: i.securityOpts,
            // create: `memory` is in MB; `cpus` goes through opts.ParseCPUs to NanoCPUs
            Memory: i.memory === undefined ? undefined : i.memory * 1024 * 1024,
            NanoCpus: i.cpus === undefined ? undefined : Math.round(Number(i.cpus) * 1e9),
            NetworkMode: i.networkMode,
            // create: `init` defaults to false and is always sent
            Init: false,
        },
    };
    return {
        create,
        networks: (i.networksAdvanced ?? []).map((n) => ({ name: n.name, aliases: n.aliases ?? [] })),
        // create: `upload`: mode 0644, 0744 when `executable`, or `permissions` (octal)
        uploads: (i.uploads ?? []).map((u) => ({ path: u.file, content: u.content ?? "", mode: u.permissions ? parseInt(u.permissions, 8) : u.executable ? 0o744 : 0o644 })),
        start: i.start ?? true,
        waitSeconds: i.wait ? (i.waitTimeout ?? 60) : undefined,
    };
}
