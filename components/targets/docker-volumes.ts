// Data volumes on Docker, and the one container per stack that hands them to their services.
//
// A service runs as its image's own non-root user, with no capability to chown, so the root of
// each data volume must already be that user's when it first starts (the Neo4j "chmod: Operation
// not permitted" failure in SEEDS.md). One one-shot container does it for the whole stack: it
// mounts every data volume under /volumes/<service>/<volume> and chowns each to its service's
// user, as root with CAP_CHOWN alone and no network, then exits; docker-run.ts runs it to
// completion, so a failure fails the deploy and no service that waits for it starts. Its command
// is `sh -c`: busybox has `sh` and no entrypoint (docker-library/busybox, image-config.json:
// `"Cmd": ["sh"]`, no Entrypoint), so the command runs as given.
// It is made again, and so runs again, whenever the set of volumes or their users change (a
// service with data added or removed). chown on a volume's root is idempotent, so handing over
// again the volumes of running services changes nothing for them. Its name is fixed, so a
// replacement deletes it first, which also frees a removed service's volume for deletion.
import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { VolumeSpec, Workload } from "../model";
import { SMALL_LIMITS } from "./docker-limits";
import { ONE_SHOT, RunOptions, runOnce } from "./docker-run";

export interface DataVolume {
    readonly service: string;
    readonly spec: VolumeSpec;
    readonly volume: docker.Volume;
    /** The user the service runs as, who must own the volume's root. */
    readonly user: { readonly uid: number; readonly gid: number };
}

/** A service's data volumes, named `<project>-<stack>-<service>-<volume>` on the engine. */
export function dataVolumesOf(w: Workload, prefix: string, labels: { label: string; value: string }[], opts: pulumi.CustomResourceOptions): DataVolume[] {
    return w.volumes.map((spec) => ({
        service: w.name,
        spec,
        user: w.user,
        volume: new docker.Volume(`${w.name}-${spec.name}`, { name: `${prefix}-${w.name}-${spec.name}`, labels }, opts),
    }));
}

export interface HandOverArgs {
    /** The stack's `<project>-<stack>` prefix of engine names. */
    readonly prefix: string;
    readonly volumes: readonly DataVolume[];
    /** The image that runs chown (a small one the stack already pulls). */
    readonly image: pulumi.Input<string>;
    readonly labels: { label: string; value: string }[];
    readonly opts: pulumi.CustomResourceOptions;
    readonly run: RunOptions;
}

/** Where the hand-over container mounts a volume. */
export const handOverPath = (v: Pick<DataVolume, "service" | "spec">) => `/volumes/${v.service}/${v.spec.name}`;

/** The hand-over of every data volume of the stack; done when each is its service's. */
export function handOverVolumes(a: HandOverArgs): command.local.Command {
    const name = `${a.prefix}-volume-init`;
    const container = new docker.Container(
        "volume-init",
        {
            name,
            image: a.image,
            command: ["sh", "-c", a.volumes.map((v) => `chown ${v.user.uid}:${v.user.gid} ${handOverPath(v)}`).join(" && ")],
            user: "0:0",
            capabilities: { drops: ["ALL"], adds: ["CHOWN"] },
            securityOpts: ["no-new-privileges:true"],
            networkMode: "none",
            mounts: a.volumes.map((v) => ({ type: "volume", source: v.volume.name, target: handOverPath(v) })),
            ...ONE_SHOT,
            memory: SMALL_LIMITS.memory,
            cpus: SMALL_LIMITS.cpus,
            labels: a.labels,
        },
        { ...a.opts, deleteBeforeReplace: true },
    );
    return runOnce("volume-init", container, name, SMALL_LIMITS.pidsLimit, a.run);
}
