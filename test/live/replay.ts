// The live tier's oracle: the Docker resources a stack registers under the mocks, created on
// a real engine with the provider's semantics (mapping.ts), in the order the engine would take
// them: a resource starts once everything it depends on is done; a failure skips what depends
// on it. This checks the container specs Slipway generates; it is not `pulumi up`.
import { spawn } from "child_process";
import type Docker from "dockerode";
import type { ContainerCreateOptions } from "dockerode";
import { plain, Recorded, Run } from "../harness";
import { ContainerInputs, planContainer } from "./mapping";
import { tarOf } from "./tar";

export interface ImageChoice {
    /** What to run: the catalog image, or a stand-in's tag. */
    readonly ref: string;
    readonly kind: "real-image" | "real" | "generic" | "probe";
    readonly label: string;
}

export interface ReplayedContainer {
    readonly logical: string;
    readonly id: string;
    readonly name: string;
    readonly service?: string;
    readonly type?: string;
    readonly role?: string;
    readonly image: ImageChoice;
    readonly inputs: ContainerInputs;
    /** What the live tier changed so that a stand-in can run the spec. */
    readonly adapted: string[];
}

export interface Replayed {
    readonly containers: Map<string, ReplayedContainer>;
    /** On a second replay: the resources found as they are asked for, and those that differ (why). */
    readonly unchanged: string[];
    readonly changed: Map<string, string[]>;
    /** Exit status of each one-shot run (command:local:Command), by logical name. */
    readonly runs: Map<string, number>;
    /** Resource -> why it failed; resources skipped because a dependency failed say so. */
    readonly failures: Map<string, string>;
}

export interface ReplayOptions {
    readonly docker: Docker;
    /** The image to run for a catalog image reference. */
    resolveImage(name: string): Promise<ImageChoice>;
    /** Adjusts a container's inputs so a stand-in can run them; returns what it changed. */
    adapt?(c: ContainerInputs, image: ImageChoice, labels: Record<string, string>): { inputs: ContainerInputs; adapted: string[] };
    log?(line: string): void;
    /**
     * A second `up`: what exists already is compared with what is asked for instead of made again;
     * a one-shot run whose container is unchanged is not run again (the engine sees no diff).
     */
    again?: boolean;
}

/** How an existing container differs from the create call the provider would make for it now. */
export function differences(plan: ContainerCreateOptions, info: Docker.ContainerInspectInfo): string[] {
    const out: string[] = [];
    const same = (what: string, want: unknown, have: unknown) => {
        if (want !== undefined && JSON.stringify(want) !== JSON.stringify(have)) out.push(`${what}: ${JSON.stringify(have)} -> ${JSON.stringify(want)}`);
    };
    const h = plan.HostConfig!;
    same("image", plan.Image, info.Config.Image);
    const env = new Set(info.Config.Env);
    for (const e of plan.Env ?? []) if (!env.has(e)) out.push(`env ${e.split("=")[0]} differs`);
    same("cmd", plan.Cmd, info.Config.Cmd);
    same("entrypoint", plan.Entrypoint, info.Config.Entrypoint);
    same("user", plan.User, info.Config.User);
    for (const [k, v] of Object.entries(plan.Labels ?? {})) same(`label ${k}`, v, info.Config.Labels?.[k]);
    same("healthcheck", plan.Healthcheck?.Test, info.Config.Healthcheck?.Test);
    same("read-only", h.ReadonlyRootfs, info.HostConfig.ReadonlyRootfs);
    same("memory", h.Memory, info.HostConfig.Memory);
    same("cpus", h.NanoCpus, info.HostConfig.NanoCpus);
    same("restart", h.RestartPolicy?.Name, info.HostConfig.RestartPolicy?.Name);
    same("ports", h.PortBindings, info.HostConfig.PortBindings ?? undefined);
    same("tmpfs", h.Tmpfs, info.HostConfig.Tmpfs ?? undefined);
    same("mounts", h.Mounts?.map((m) => `${m.Source}:${m.Target}`), (info.HostConfig.Mounts ?? []).map((m) => `${m.Source}:${m.Target}`));
    return out;
}

const key = (r: Pick<Recorded, "type" | "name">) => `${r.type}::${r.name}`;
const KINDS = ["docker:index/remoteImage:RemoteImage", "docker:index/network:Network", "docker:index/volume:Volume", "docker:index/container:Container", "command:local:Command"];

/** Runs a local command the way @pulumi/command runs `create`: `/bin/sh -c`, the process env plus `environment`. */
function runLocal(command: string, environment: Record<string, string> = {}): Promise<{ status: number; stderr: string }> {
    return new Promise((resolve) => {
        const child = spawn("/bin/sh", ["-c", command], { env: { ...process.env, ...environment }, stdio: ["ignore", "pipe", "pipe"] });
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        child.stdout.resume();
        child.on("close", (code) => resolve({ status: code ?? 1, stderr }));
    });
}

async function waitHealthy(container: Docker.Container, seconds: number): Promise<void> {
    // create: `wait` polls every second until healthy; "unhealthy" does not end the wait early.
    const deadline = Date.now() + seconds * 1000;
    for (;;) {
        const state = (await container.inspect()).State;
        if (state.Health?.Status === "healthy") return;
        if (Date.now() > deadline) {
            const last = state.Health?.Log?.slice(-1)[0];
            throw new Error(`container failed to be in healthy state (${state.Health?.Status ?? state.Status}${last ? `; last check: exit ${last.ExitCode} ${last.Output.trim().slice(0, 300)}` : ""})`);
        }
        await new Promise((r) => setTimeout(r, 1000));
    }
}

export async function replay(run: Run, opts: ReplayOptions): Promise<Replayed> {
    const { docker } = opts;
    const log = opts.log ?? (() => undefined);
    const resources = run.resources.filter((r) => KINDS.includes(r.type));
    const byKey = new Map(resources.map((r) => [key(r), r]));
    const images = new Map<string, ImageChoice>();
    const result: Replayed = { containers: new Map(), runs: new Map(), failures: new Map(), unchanged: [], changed: new Map() };
    const exists = async (what: () => Promise<unknown>) => what().then(() => true, () => false);
    const done = new Map<string, Promise<boolean>>();

    const create = async (r: Recorded): Promise<void> => {
        const inputs = plain(r.inputs);
        switch (r.type) {
            case "docker:index/remoteImage:RemoteImage":
                images.set(inputs.name, await opts.resolveImage(inputs.name));
                return;
            case "docker:index/network:Network":
                if (opts.again && (await exists(() => docker.getNetwork(inputs.name).inspect()))) return void result.unchanged.push(r.name);
                // create (resource_docker_network_funcs.go): `internal` -> Internal.
                await docker.createNetwork({
                    Name: inputs.name,
                    Driver: inputs.driver ?? "bridge",
                    Internal: inputs.internal ?? false,
                    Labels: Object.fromEntries((inputs.labels ?? []).map((l: any) => [l.label, l.value])),
                });
                return;
            case "docker:index/volume:Volume":
                if (opts.again && (await exists(() => docker.getVolume(inputs.name).inspect()))) return void result.unchanged.push(r.name);
                await docker.createVolume({ Name: inputs.name, Labels: Object.fromEntries((inputs.labels ?? []).map((l: any) => [l.label, l.value])) });
                return;
            case "command:local:Command": {
                const container = r.dependsOn.map((d) => d.split("::")[1]).find((n) => result.unchanged.includes(n));
                if (opts.again && container) return void result.unchanged.push(r.name);
                const { status, stderr } = await runLocal(inputs.create, inputs.environment);
                result.runs.set(r.name, status);
                if (status !== 0) throw new Error(`exit status ${status}: ${stderr.trim()}`);
                return;
            }
            case "docker:index/container:Container": {
                // The program's image input is the RemoteImage's imageId (the mocks answer sha256:<name>).
                const name = String(inputs.image).replace(/^sha256:/, "");
                const image = images.get(name) ?? (await opts.resolveImage(name));
                const labels: Record<string, string> = Object.fromEntries((inputs.labels ?? []).map((l: any) => [l.label, l.value]));
                const given: ContainerInputs = { ...inputs, image: image.ref };
                const { inputs: spec, adapted } = opts.adapt?.(given, image, labels) ?? { inputs: given, adapted: [] };
                const plan = planContainer(spec);
                if (opts.again) {
                    const existing = await docker.getContainer(spec.name).inspect().catch(() => undefined);
                    if (existing) {
                        const diff = differences(plan.create, existing);
                        if (diff.length) result.changed.set(r.name, diff);
                        else result.unchanged.push(r.name);
                        result.containers.set(r.name, {
                            logical: r.name, id: existing.Id, name: spec.name, service: labels["dev.slipway.service"], type: labels["dev.slipway.type"],
                            role: labels["dev.slipway.role"], image, inputs: spec, adapted,
                        });
                        return;
                    }
                }
                const container = await docker.createContainer(plan.create);
                result.containers.set(r.name, {
                    logical: r.name, id: container.id, name: spec.name, service: labels["dev.slipway.service"], type: labels["dev.slipway.type"],
                    role: labels["dev.slipway.role"], image, inputs: spec, adapted,
                });
                if (plan.networks.length) {
                    await docker.getNetwork("bridge").disconnect({ Container: container.id }).catch(() => undefined);
                    for (const n of plan.networks) await docker.getNetwork(n.name).connect({ Container: container.id, EndpointConfig: { Aliases: n.aliases } });
                }
                if (plan.uploads.length) await container.putArchive(tarOf(plan.uploads), { path: "/" });
                if (plan.start) await container.start();
                if (plan.waitSeconds !== undefined) await waitHealthy(container, plan.waitSeconds);
                return;
            }
        }
    };

    const visit = (k: string): Promise<boolean> => {
        if (!done.has(k)) {
            const r = byKey.get(k)!;
            done.set(k, (async () => {
                const deps = r.dependsOn.filter((d) => byKey.has(d) && d !== k);
                const ok = await Promise.all(deps.map(visit));
                const failed = deps.filter((_, i) => !ok[i]);
                if (failed.length) {
                    result.failures.set(r.name, `skipped: ${failed.join(", ")} failed`);
                    return false;
                }
                const started = Date.now();
                try {
                    await create(r);
                    const verb = result.unchanged.includes(r.name) ? "unchanged" : result.changed.has(r.name) ? "CHANGED" : "created";
                    log(`${verb} ${r.type.split(":").pop()} ${r.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
                    return true;
                } catch (e) {
                    result.failures.set(r.name, (e as Error).message);
                    log(`FAILED ${r.type.split(":").pop()} ${r.name}: ${(e as Error).message}`);
                    return false;
                }
            })());
        }
        return done.get(k)!;
    };
    await Promise.all([...byKey.keys()].map(visit));
    return result;
}

/** Removes every container, volume and network of one stack (by Slipway's labels), as `destroy` would. */
export async function teardown(docker: Docker, stack: string): Promise<void> {
    const filters = JSON.stringify({ label: [`dev.slipway.stack=${stack}`] });
    for (const c of await docker.listContainers({ all: true, filters })) await docker.getContainer(c.Id).remove({ force: true, v: false });
    for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) await docker.getVolume(v.Name).remove();
    for (const n of await docker.listNetworks({ filters })) await docker.getNetwork(n.Id).remove();
}

/** What is left of a stack on the engine. */
export async function leftovers(docker: Docker, stack: string): Promise<string[]> {
    const filters = JSON.stringify({ label: [`dev.slipway.stack=${stack}`] });
    return [
        ...(await docker.listContainers({ all: true, filters })).map((c) => `container ${c.Names[0]}`),
        ...((await docker.listVolumes({ filters })).Volumes ?? []).map((v) => `volume ${v.Name}`),
        ...(await docker.listNetworks({ filters })).map((n) => `network ${n.Name}`),
    ];
}
