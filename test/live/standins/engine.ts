// The few engine operations the stand-ins need, through the docker CLI (which honours DOCKER_HOST
// as the Docker provider does), plus a cross-process lock and content hashing.
import { spawn } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface Run {
    status: number;
    stdout: string;
    stderr: string;
}

/**
 * Runs a command; resolves with what it printed, rejects naming it when it fails (unless `allowFail`).
 * `pipeTo` pipes this command's stdout into a second one (tar | docker import) and waits for both.
 */
export function run(cmd: string, args: string[], opts: { allowFail?: boolean; pipeTo?: [string, string[]] } = {}): Promise<Run> {
    // The legacy builder: BuildKit is not available on every engine the live tier meets.
    const env = { ...process.env, DOCKER_BUILDKIT: "0" };
    return new Promise((resolve, reject) => {
        const first = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
        const last = opts.pipeTo ? spawn(opts.pipeTo[0], opts.pipeTo[1], { env, stdio: ["pipe", "pipe", "pipe"] }) : first;
        if (opts.pipeTo) {
            first.stdout.pipe(last.stdin!);
            // A receiver that exits early fails by its status, below, not by a crash on EPIPE;
            // closing the pipe's read end lets the sender stop too, instead of blocking forever.
            last.stdin!.on("error", () => first.stdout.destroy());
        }
        let stdout = "";
        let stderr = "";
        last.stdout!.on("data", (d) => (stdout += d));
        for (const p of new Set([first, last])) p.stderr!.on("data", (d) => (stderr += d));
        const exits = [...new Set([first, last])].map(
            (p) => new Promise<number>((res, rej) => { p.on("error", rej); p.on("close", (code) => res(code ?? 1)); }),
        );
        Promise.all(exits).then((codes) => {
            // The receiver's failure is the cause when both fail (the sender then only lost its pipe).
            const status = [...codes].reverse().find((c) => c !== 0) ?? 0;
            const what = [cmd, ...args, ...(opts.pipeTo ? ["|", ...opts.pipeTo.flat()] : [])].join(" ");
            if (status !== 0 && !opts.allowFail) reject(new Error(`${what} exited ${status}:\n${stderr.slice(-4000)}`));
            else resolve({ status, stdout, stderr });
        }, reject);
    });
}

export const docker = (args: string[], opts: Parameters<typeof run>[2] = {}) => run("docker", args, opts);

/** Whether the engine has `tag`; throws when the engine cannot be asked, before a minute of debootstrap. */
export async function imageExists(tag: string): Promise<boolean> {
    const r = await docker(["image", "inspect", "--format", "{{.Id}}", tag], { allowFail: true });
    if (r.status === 0) return true;
    if (/no such image/i.test(r.stderr)) return false;
    throw new Error(`docker image inspect ${tag} failed (DOCKER_HOST=${process.env.DOCKER_HOST ?? "unset"}):\n${r.stderr}`);
}

/** sha256 over named parts, first 12 hex digits: the tag of content-addressed images. */
export function hash12(parts: Array<[string, string | Buffer]>): string {
    const h = createHash("sha256");
    for (const [name, content] of parts) h.update(`${name}\0${content.length}\0`).update(content);
    return h.digest("hex").slice(0, 12);
}

/** Every file under `dir`, as [path relative to `rel`, content + executable bit], sorted. */
export function filesUnder(dir: string, rel: string): Array<[string, string | Buffer]> {
    if (!fs.existsSync(dir)) return [];
    const out: Array<[string, string | Buffer]> = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
            if (e.name !== "__pycache__") out.push(...filesUnder(p, rel));
        } else if (e.isFile()) {
            out.push([`${path.relative(rel, p)}:${fs.statSync(p).mode & 0o111 ? "x" : "-"}`, fs.readFileSync(p)]);
        }
    }
    return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A lock held by a live process, or abandoned (its holder gone, or never wrote its pid). */
function stale(lock: string): boolean {
    const pid = Number(fs.existsSync(path.join(lock, "pid")) ? fs.readFileSync(path.join(lock, "pid"), "utf8") : "");
    if (!pid) {
        // No pid yet: stale only if the holder has had ample time to write it.
        const st = fs.statSync(lock, { throwIfNoEntry: false });
        return st !== undefined && Date.now() - st.mtimeMs > 10_000;
    }
    try {
        process.kill(pid, 0);
        return false;
    } catch (e: any) {
        return e.code !== "EPERM";
    }
}

/**
 * Runs `fn` holding a lock shared by every process on this machine (mkdir is atomic), so two
 * test runs do not both spend a minute building the same base image.
 */
export async function withLock<T>(name: string, fn: () => Promise<T>, log?: (line: string) => void): Promise<T> {
    const lock = path.join(os.tmpdir(), `${name}.lock`);
    for (let waited = 0; ; waited++) {
        try {
            fs.mkdirSync(lock);
            fs.writeFileSync(path.join(lock, "pid"), String(process.pid));
            break;
        } catch (e: any) {
            if (e.code !== "EEXIST") throw e;
            if (fs.existsSync(lock) && stale(lock)) fs.rmSync(lock, { recursive: true, force: true });
            else {
                if (waited % 30 === 0) log?.(`standins: waiting for ${lock} (another process is building)`);
                await sleep(1000);
            }
        }
    }
    try {
        return await fn();
    } finally {
        fs.rmSync(lock, { recursive: true, force: true });
    }
}
