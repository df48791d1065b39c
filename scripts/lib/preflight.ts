// What the machine lacks for a Docker stack, found before a deploy starts (SEEDS.md: no Docker
// engine, a cgroup the engine cannot use, ports already taken, too little memory).
import * as net from "net";

export interface Finding {
    readonly level: "error" | "warning";
    readonly message: string;
}

/** The parts of `docker info --format '{{json .}}'` the preflight reads. */
export interface DockerInfo {
    readonly ServerVersion?: string;
    readonly CgroupVersion?: string;
    readonly CgroupDriver?: string;
    readonly MemTotal?: number;
    readonly NCPU?: number;
    readonly SecurityOptions?: readonly string[];
}

export interface Needs {
    /** Sum of the stack's memory limits. */
    readonly memoryMiB: number;
    /** Sum of the stack's CPU limits. */
    readonly cpus: number;
}

/**
 * Findings about the engine and the host. `info` is undefined when no engine answered;
 * `cgroupType` is the host's /sys/fs/cgroup/cgroup.type where the engine is local.
 */
export function dockerFindings(info: DockerInfo | undefined, cgroupType: string | undefined, needs: Needs, dockerHost?: string): Finding[] {
    if (!info || !info.ServerVersion) {
        return [{ level: "error", message: `no Docker engine answers at ${dockerHost ?? "the default socket"}: start Docker (or set DOCKER_HOST) and try again` }];
    }
    const out: Finding[] = [];
    // runc cannot put containers into a cgroup v2 subtree in threaded mode
    // ("cannot enter cgroupv2 ... it is in threaded mode", the governance platform's failure).
    if (cgroupType?.trim() === "threaded") {
        out.push({ level: "error", message: "the host's cgroup v2 root is in threaded mode, where containers cannot be created; run Docker where /sys/fs/cgroup/cgroup.type is `domain` (not nested in a threaded cgroup)" });
    }
    if (info.CgroupVersion === "1") {
        out.push({ level: "warning", message: "the engine uses cgroup v1; memory and CPU limits work, but cgroup v2 is what current engines expect" });
    }
    const memMiB = (info.MemTotal ?? 0) / 2 ** 20;
    if (memMiB > 0 && needs.memoryMiB > memMiB) {
        out.push({ level: "error", message: `the stack's memory limits add up to ${needs.memoryMiB} MiB, more than the engine's ${Math.floor(memMiB)} MiB; use size small or leave services out` });
    } else if (memMiB > 0 && needs.memoryMiB > memMiB * 0.8) {
        out.push({ level: "warning", message: `the stack's memory limits (${needs.memoryMiB} MiB) take most of the engine's ${Math.floor(memMiB)} MiB` });
    }
    if (info.NCPU && needs.cpus > info.NCPU * 2) {
        out.push({ level: "warning", message: `the stack's CPU limits add up to ${needs.cpus} cores on an engine with ${info.NCPU}; services will be slow to start` });
    }
    if ((info.SecurityOptions ?? []).some((o) => o.includes("name=rootless"))) {
        out.push({ level: "warning", message: "the engine is rootless: host ports below 1024 cannot be published" });
    }
    return out;
}

/** Host ports something already listens on, for the services that want them. */
export async function portsInUse(address: string, ports: Readonly<Record<string, number>>): Promise<Finding[]> {
    const out: Finding[] = [];
    for (const [service, port] of Object.entries(ports)) {
        const free = await new Promise<boolean>((resolve) => {
            const server = net.createServer();
            server.once("error", () => resolve(false));
            server.listen(port, address, () => server.close(() => resolve(true)));
        });
        if (!free) out.push({ level: "error", message: `${address}:${port}, the host port of ${service}, is already in use by another process` });
    }
    return out;
}
