// Running a command inside a live container (`docker exec`), and waiting on a container's state.
import type Docker from "dockerode";
import { PassThrough } from "stream";

export async function execIn(container: Docker.Container, cmd: string[], env: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
    const exec = await container.exec({ Cmd: cmd, Env: env, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ hijack: true, stdin: false });
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = "";
    let stderr = "";
    out.on("data", (d) => (stdout += d));
    err.on("data", (d) => (stderr += d));
    container.modem.demuxStream(stream, out, err);
    await new Promise((resolve) => stream.on("end", resolve));
    const { ExitCode } = await exec.inspect();
    return { code: ExitCode ?? -1, stdout, stderr };
}

/** Polls until `check` holds, or fails with what it last saw. */
export async function until<T>(what: string, seconds: number, check: () => Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + seconds * 1000;
    let last: unknown;
    for (;;) {
        try {
            const v = await check();
            if (v !== undefined) return v;
        } catch (e) {
            last = e;
        }
        if (Date.now() > deadline) throw new Error(`${what}: not within ${seconds} s${last ? ` (${(last as Error).message})` : ""}`);
        await new Promise((r) => setTimeout(r, 1000));
    }
}

export async function healthOf(container: Docker.Container): Promise<{ running: boolean; health: string; restarts: number; pid: number }> {
    const s = await container.inspect();
    return { running: s.State.Running, health: s.State.Health?.Status ?? "none", restarts: s.RestartCount, pid: s.State.Pid };
}
