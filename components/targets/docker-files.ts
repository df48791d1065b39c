// Configuration files for a container whose root filesystem is read-only, on Docker.
//
// The Docker provider copies `uploads` into a container before it starts, always extracting at
// "/" (kreuzwerker/terraform-provider-docker v4.5.0, resourceDockerContainerCreate:
// `dstPath := "/"`), and the engine refuses an extraction into a read-only root filesystem
// unless the extraction directory is in a volume (moby daemon/archive.go,
// containerExtractToDir: `if !toVolume && container.HostConfig.ReadonlyRootfs`). "/" is in no
// volume, so such a container cannot be given files that way.
//
// So the files go into volumes first: one volume per directory that holds files, and a holder
// container, created and never started, that mounts those volumes where the files belong and
// carries the uploads. Its root filesystem is writable, and the engine extracts the files through
// its mounts into the volumes (containerExtractToDir mounts the container's volumes before it
// untars). The service then mounts the same volumes, read-only, at the same directories.
// The holder runs nothing: no network, no capability, and small limits all the same.
// A volume is named after a digest of its files, so changed files make new volumes (and a new
// holder and service container): a file that is no longer generated does not linger. A truncated
// SHA-256 says nothing about what it digests, so the name is not a secret even when a file is.
import { createHash } from "crypto";
import * as path from "path";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { FileSpec } from "../model";
import { SMALL_LIMITS } from "./docker-limits";

/** Files as the provider copies them into a container at create: secret ones stay secret. */
export const uploadsOf = (files: readonly FileSpec[]) => files.map((f) => ({ file: f.path, content: f.secret ? pulumi.secret(f.content) : f.content }));

/** The directories that hold the files, in order of first appearance. */
export function fileDirectories(files: readonly FileSpec[]): string[] {
    return [...new Set(files.map((f) => path.posix.dirname(f.path)))];
}

export interface FileVolumes {
    /** The service's mounts: each volume, read-only, at its directory. */
    readonly mounts: { type: string; source: pulumi.Output<string>; target: string; readOnly: boolean }[];
    /** The holder: the files are in the volumes once it exists. */
    readonly holder: docker.Container;
}

export interface FileVolumeArgs {
    /** The service's name, and the stack's `<project>-<stack>` prefix of engine names. */
    readonly service: string;
    readonly prefix: string;
    readonly files: readonly FileSpec[];
    /** The image of the holder (a small one the stack already pulls). */
    readonly image: pulumi.Input<string>;
    readonly labels: (role: string) => { label: string; value: string }[];
    readonly opts: pulumi.CustomResourceOptions;
}

export function fileVolumes(a: FileVolumeArgs): FileVolumes {
    const volumes = fileDirectories(a.files).map((dir, i) => {
        const inDir = a.files.filter((f) => path.posix.dirname(f.path) === dir);
        const digest = pulumi
            .all(inDir.map((f) => pulumi.interpolate`${f.path}\0${f.content}`))
            .apply((parts) => createHash("sha256").update(parts.join("\0")).digest("hex").slice(0, 12));
        const volume = new docker.Volume(
            `${a.service}-files-${i + 1}`,
            { name: pulumi.interpolate`${a.prefix}-${a.service}-files-${i + 1}-${pulumi.unsecret(digest)}`, labels: a.labels("files") },
            a.opts,
        );
        return { dir, volume };
    });
    const holder = new docker.Container(
        `${a.service}-files`,
        {
            name: `${a.prefix}-${a.service}-files`,
            image: a.image,
            command: ["true"],
            user: "65534:65534",
            capabilities: { drops: ["ALL"], adds: [] },
            securityOpts: ["no-new-privileges:true"],
            networkMode: "none",
            mounts: volumes.map(({ dir, volume }) => ({ type: "volume", source: volume.name, target: dir })),
            uploads: uploadsOf(a.files),
            // Created, never started: the uploads are done at create.
            start: false,
            mustRun: false,
            restart: "no",
            memory: SMALL_LIMITS.memory,
            cpus: SMALL_LIMITS.cpus,
            labels: a.labels("files"),
        },
        // Its name is fixed, so a replacement must delete it first; new files replace it.
        { ...a.opts, deleteBeforeReplace: true, replaceOnChanges: ["*"] },
    );
    return {
        mounts: volumes.map(({ dir, volume }) => ({ type: "volume", source: volume.name, target: dir, readOnly: true })),
        holder,
    };
}
