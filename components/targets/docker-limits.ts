// What a Docker container may use: memory, CPUs and processes, and the scratch space it writes.
// Every container has all three limits, one-shot ones included. The Docker provider sets memory
// and CPUs; it cannot set a process limit, which the docker CLI sets instead (docker-run.ts).

/**
 * Limits of a container that never runs, or runs one small command (chown): memory (MB), CPUs,
 * processes. The processes are capped with the docker CLI (docker-run.ts says why); a holder
 * never starts, so it has no process to cap.
 */
export const SMALL_LIMITS = { memory: 32, cpus: "0.1", pidsLimit: 16 } as const;

/**
 * Processes (threads included) a service container may run: far above what any catalog image
 * needs (a JVM or Ollama runs a few hundred threads), far below what a fork bomb would take.
 */
export const SERVICE_PIDS_LIMIT = 2048;

/**
 * A tmpfs for a path the user writes. The runtime gives a tmpfs the mode of the directory it is
 * mounted over, not its owner (opencontainers/runc libcontainer/rootfs_linux.go, mountToRootfs:
 * `os.Chmod(dest, stat.Mode())`), so over an image's directory that another user or group owns
 * (nginx-unprivileged's /etc/nginx/conf.d is 101:0, and nginx runs as 101:101) it would be root's
 * and unwritable; uid and gid make it the user's.
 */
export const scratchTmpfs = (user: { uid: number; gid: number }) => `rw,nosuid,nodev,size=64m,uid=${user.uid},gid=${user.gid}`;

/** A bootstrap task's limits: a shell, a client (psql, vault, consul, cypher-shell) and its threads. */
export const TASK_LIMITS = { memory: 256, cpus: "0.5", pidsLimit: 256 } as const;

