// The live tier's engine: the user's Docker engine (DOCKER_HOST honoured), the images it runs
// (the catalog's own when it can pull them, else a stand-in built from Debian packages), and the
// few changes a stand-in needs to run a spec written for the real image.
import Docker from "dockerode";
import { CATALOG } from "../../components/catalog";
import { ContainerInputs } from "./mapping";
import { ImageChoice } from "./replay";
import { ensureStandin } from "./standins";

/** docker-modem reads DOCKER_HOST, as the Docker provider and CLI do. */
export const docker = new Docker();

const pulled = new Map<string, Promise<ImageChoice>>();

async function present(name: string): Promise<boolean> {
    return docker.getImage(name).inspect().then(() => true, () => false);
}

async function pull(name: string): Promise<boolean> {
    try {
        const stream = await docker.pull(name);
        await new Promise((resolve, reject) => docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve(undefined))));
        return true;
    } catch {
        return false;
    }
}

/**
 * The catalog's pinned image when the engine has it or can pull it; otherwise its stand-in.
 * SLIPWAY_LIVE_STANDINS=1 uses stand-ins even where the real image could be pulled.
 */
export function resolveImage(name: string, log: (line: string) => void = () => undefined): Promise<ImageChoice> {
    if (!pulled.has(name)) {
        pulled.set(name, (async (): Promise<ImageChoice> => {
            if (process.env.SLIPWAY_LIVE_STANDINS !== "1" && ((await present(name)) || (await pull(name)))) {
                return { ref: name, kind: "real-image", label: name };
            }
            const s = await ensureStandin(name, log);
            return { ref: s.tag, kind: s.kind, label: s.label };
        })());
    }
    return pulled.get(name)!;
}

/** Service name -> the databases of the other apps on the same postgres, which it must not reach. */
export type DenyList = Record<string, string[]>;

/**
 * What a stand-in needs beyond the spec, always said in the results table:
 * - a generic stand-in (a type with no Debian binary) runs its own server on the type's ports,
 *   and its health check asks that server; its bootstrap tasks, written for the real image,
 *   are skipped; host paths it would read are not mounted.
 * - a probe (the apps' stand-in) is told which other apps' databases it must be refused.
 */
export function adaptFor(deny: DenyList) {
    return (c: ContainerInputs, image: ImageChoice, labels: Record<string, string>): { inputs: ContainerInputs; adapted: string[] } => {
        const type = labels["dev.slipway.type"];
        const role = labels["dev.slipway.role"];
        if (image.kind === "generic") {
            if (role === "task") return { inputs: { ...c, entrypoints: ["true"], command: undefined }, adapted: ["task skipped: written for the real image"] };
            const ports = type && CATALOG[type] ? CATALOG[type].ports.map((p) => p.port) : [];
            return {
                inputs: {
                    ...c,
                    entrypoints: ["python3", "/standin/standin.py"],
                    command: undefined,
                    envs: [...(c.envs ?? []), `SLIPWAY_STANDIN_PORTS=${ports.join(" ")}`, `SLIPWAY_STANDIN_TYPE=${type}`],
                    healthcheck: c.healthcheck && ports.length ? { ...c.healthcheck, tests: ["CMD", "python3", "/standin/standin.py", "--check", String(ports[0])] } : c.healthcheck,
                    volumes: undefined,
                },
                adapted: ["generic stand-in: its own server and health check on the type's ports", ...(c.volumes?.length ? ["host paths not mounted"] : [])],
            };
        }
        const service = labels["dev.slipway.service"];
        if (image.kind === "probe" && role === "service" && deny[service]?.length) {
            return { inputs: { ...c, envs: [...(c.envs ?? []), `SLIPWAY_PROBE_DENY_DATABASES=${deny[service].join(" ")}`] }, adapted: [] };
        }
        return { inputs: c, adapted: [] };
    };
}
