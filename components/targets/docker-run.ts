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
import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

/** The shell command that runs a created container to completion and passes on its status. */
export function runScript(containerName: string): string {
    return [
        `docker start --attach ${containerName} >/dev/null 2>&1`,
        "status=$?",
        `[ "$status" -eq 0 ] || echo "${containerName} exited with status $status; its output: docker logs ${containerName}" >&2`,
        'exit "$status"',
    ].join("; ");
}

export interface RunOptions {
    readonly parent: pulumi.Resource;
    /** The engine's address when it is not the default one (the ec2 host, over SSH). */
    readonly dockerHost?: pulumi.Input<string>;
}

/** Runs `container` (created with `start: false`) once, and again whenever it is replaced. */
export function runOnce(name: string, container: docker.Container, containerName: string, opts: RunOptions): command.local.Command {
    return new command.local.Command(
        `${name}-run`,
        {
            create: runScript(containerName),
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
