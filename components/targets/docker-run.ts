// One-shot containers on Docker (a bootstrap task, a volume's chown) that must succeed before
// anything that waits for them starts.
//
// Why not let the Docker provider run them: pulumi-docker 5.x bridges
// kreuzwerker/terraform-provider-docker v4.5.0, whose create with `attach = true` waits for the
// container to stop and throws its exit status away (internal/provider/
// resource_docker_container_funcs.go, resourceDockerContainerCreate: `case <-attachCh:`); the
// code only lands in the `exitCode` output. A failing task would satisfy its consumers'
// dependsOn, and an unchanged task is never run again.
//
// So the container is created but not started (`start = false`), and a `command.local.Command`
// starts it with `docker start --attach`, which exits with the container's own status (docker/cli
// cli/command/container/start.go, runStart: a non-zero status becomes the command's). A Command
// "is considered to have failed when it finished with a non-zero exit code. This will fail the
// CRUD step" (@pulumi/command local.Command), so a failing task fails `pulumi up` and its
// consumers are never created; and a failed create is retried on the next `up`, so the task runs
// again. It runs again too whenever the container is replaced (its inputs changed), through
// `triggers`. The task's output never reaches the state: the command prints only where to read it.
//
// Process limits: the Docker provider cannot set a container's pids limit (HostConfig.PidsLimit
// is in no resource of kreuzwerker/terraform-provider-docker up to v4.5.0; its service resource
// even says "TODO mavogel add pids"). So the docker CLI sets it, `docker update --pids-limit`
// (docker/cli cli/command/container/update.go): a one-shot container before it starts, a
// service container as soon as it exists (it runs without one for those first seconds).
import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

/** The shell command that caps a container's processes, and says so when the engine refuses. */
export function pidsLimitScript(containerName: string, pidsLimit: number): string {
    return `docker update --pids-limit ${pidsLimit} ${containerName} >/dev/null || { echo "could not limit the processes of ${containerName}" >&2; exit 1; }`;
}

/** The shell command that caps a created container's processes, runs it to completion and passes on its status. */
export function runScript(containerName: string, pidsLimit: number): string {
    return [
        pidsLimitScript(containerName, pidsLimit),
        `docker start --attach ${containerName} >/dev/null 2>&1`,
        "status=$?",
        `[ "$status" -eq 0 ] || echo "${containerName} exited with status $status; its output: docker logs ${containerName}" >&2`,
        'exit "$status"',
    ].join("; ");
}

/**
 * A container that runs once: created, not started, and never restarted, so that runOnce can
 * start it and see how it exits (`mustRun: false`: the provider otherwise marks a stopped
 * container for a restart on the next up).
 */
export const ONE_SHOT = { start: false, mustRun: false, restart: "no" } as const;

export interface RunOptions {
    readonly parent: pulumi.Resource;
    /** The engine's address when it is not the default one (the ec2 host, over SSH). */
    readonly dockerHost?: pulumi.Input<string>;
}

/** Runs `container` (created with `start: false`) once, and again whenever it is replaced. */
export function runOnce(name: string, container: docker.Container, containerName: string, pidsLimit: number, opts: RunOptions): command.local.Command {
    return new command.local.Command(
        `${name}-run`,
        {
            create: runScript(containerName, pidsLimit),
            triggers: [container.id],
            environment: opts.dockerHost ? { DOCKER_HOST: opts.dockerHost } : undefined,
        },
        {
            parent: opts.parent,
            dependsOn: [container],
            // Nothing secret is printed, but a task is not ours to trust with the state.
            additionalSecretOutputs: ["stdout", "stderr"],
            // A run whose create failed is made again on the next up, never just "updated".
            replaceOnChanges: ["*"],
        },
    );
}

/** Caps a running container's processes, and again whenever it is replaced. */
export function limitPids(name: string, container: docker.Container, containerName: string, pidsLimit: number, opts: RunOptions): command.local.Command {
    return new command.local.Command(
        `${name}-pids`,
        {
            create: pidsLimitScript(containerName, pidsLimit),
            triggers: [container.id],
            environment: opts.dockerHost ? { DOCKER_HOST: opts.dockerHost } : undefined,
        },
        { parent: opts.parent, dependsOn: [container], replaceOnChanges: ["*"] },
    );
}
