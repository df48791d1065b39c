// Stand-in images for the live tier: no registry image can be pulled here, so each catalog image
// is replaced by one built from Debian bookworm packages. One base image (debootstrap + the
// packages below, imported) and, per stand-in, a small Dockerfile on top that gives it the
// official image's contract where the program relies on it (entrypoint, user, paths).
// Both are cached by content hash: an existing tag is never rebuilt.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { docker, filesUnder, hash12, imageExists, run, withLock } from "./engine";

export type StandinKind = "real" | "generic" | "probe";

export interface Standin {
    /** real: the service's own program from Debian; generic: listens on the type's ports and answers health (generic/standin.py); probe: the app stand-in */
    readonly kind: StandinKind;
    /** Local image tag to run instead of the catalog image, e.g. "slipway-standin/postgres:<hash12>" */
    readonly tag: string;
    /** For the results table, e.g. "Debian postgresql 15 (stand-in)" */
    readonly label: string;
}

/** bookworm packages of the base image: every stand-in's programs, and the probe's Python clients. */
export const BASE_PACKAGES: readonly string[] = [
    "postgresql-15",
    "redis-server",
    "nginx-light",
    "gettext-base", // envsubst, for the nginx entrypoint's templates
    "prometheus",
    "prometheus-alertmanager",
    "prometheus-node-exporter",
    "prometheus-postgres-exporter",
    "prometheus-redis-exporter",
    "python3",
    "python3-psycopg2",
    "python3-redis",
    "curl",
    "wget", // the health checks of the prom/* and nginx images use busybox wget
    "netcat-openbsd",
    "procps",
    "ca-certificates",
];

const SUITE = "bookworm";
const MIRROR = process.env.SLIPWAY_STANDIN_MIRROR ?? "http://deb.debian.org/debian";
/** Bump when the base recipe below changes in a way the package list does not show. */
const BASE_RECIPE = "1";
/** What the base leaves out: caches, docs, the cluster postgresql-common creates, the host's resolv.conf. */
const TRIM = [
    "var/cache/apt/archives/*.deb", "var/lib/apt/lists/*", "usr/share/doc/*", "usr/share/man/*", "usr/share/locale/*",
    "var/lib/postgresql/15", "etc/postgresql/15", "etc/resolv.conf", "var/log/*.log",
];

const DIR = __dirname;

/**
 * The catalog's images (components/catalog/<type>.ts) and their stand-ins; keyed by repository,
 * any tag. Labels name the Debian version, which is older than the pinned image.
 */
const STANDINS: Record<string, { kind: StandinKind; name: string; label: string }> = {
    "postgres": { kind: "real", name: "postgres", label: "Debian postgresql 15 (stand-in)" },
    "redis": { kind: "real", name: "redis", label: "Debian redis-server 7.0 (stand-in)" },
    "nginxinc/nginx-unprivileged": { kind: "real", name: "nginx", label: "Debian nginx-light 1.22 (stand-in)" },
    "prom/prometheus": { kind: "real", name: "prometheus", label: "Debian prometheus 2.42 (stand-in)" },
    "prom/alertmanager": { kind: "real", name: "alertmanager", label: "Debian prometheus-alertmanager 0.25 (stand-in)" },
    "prom/node-exporter": { kind: "real", name: "node-exporter", label: "Debian prometheus-node-exporter 1.5 (stand-in)" },
    "quay.io/prometheuscommunity/postgres-exporter": { kind: "real", name: "postgres-exporter", label: "Debian prometheus-postgres-exporter 0.11 (stand-in)" },
    "oliver006/redis_exporter": { kind: "real", name: "redis-exporter", label: "Debian prometheus-redis-exporter 1.45 (stand-in)" },
    "busybox": { kind: "real", name: "busybox", label: "Debian coreutils (stand-in)" },
    "mendhak/http-https-echo": { kind: "probe", name: "probe", label: "probe app (stand-in)" },
};

/** `docker.io/library/postgres:16-alpine@sha256:…` -> `postgres`. */
function repository(image: string): string {
    // The unit tests' mocks name an image `sha256:<reference>`; a real image id is all hex.
    let ref = /^sha256:(?![0-9a-f]{64}$)/.test(image) ? image.slice("sha256:".length) : image;
    ref = ref.split("@")[0];
    const slash = ref.lastIndexOf("/");
    const colon = ref.lastIndexOf(":");
    if (colon > slash) ref = ref.slice(0, colon);
    return ref.replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, "").replace(/^library\//, "");
}

/** Which stand-in replaces a catalog image reference; pure (no engine). Unknown images -> generic. */
export function standinFor(image: string): { kind: StandinKind; name: string; label: string } {
    return STANDINS[repository(image)] ?? { kind: "generic", name: "generic", label: `generic stand-in for ${image.replace(/^sha256:(?![0-9a-f]{64}$)/, "")}: ports and health only` };
}

/**
 * A stand-in's Dockerfile: `<name>/Dockerfile`, or `<name>.Dockerfile` beside the directory when
 * the directory holds another engineer's program (probe/, generic/).
 */
function dockerfileOf(name: string): string {
    const inDir = path.join(DIR, name, "Dockerfile");
    return fs.existsSync(inDir) ? inDir : path.join(DIR, `${name}.Dockerfile`);
}

const building = new Map<string, Promise<string>>();

/** Builds once per process, whoever asks. */
function once(key: string, build: () => Promise<string>): Promise<string> {
    if (!building.has(key)) {
        const p = build();
        p.catch(() => building.delete(key));
        building.set(key, p);
    }
    return building.get(key)!;
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** The base image: debootstrap bookworm minbase + BASE_PACKAGES, imported; tag slipway-standin/base:<hash of package list>. */
export function ensureBase(log: (line: string) => void = () => undefined): Promise<string> {
    const tag = `slipway-standin/base:${hash12([["suite", SUITE], ["packages", [...BASE_PACKAGES].sort().join(",")], ["recipe", BASE_RECIPE]])}`;
    return once(tag, async () => {
        if (await imageExists(tag)) return tag;
        return withLock(`slipway-standin-base-${tag.split(":")[1]}`, async () => {
            // Another process may have built it while this one waited for the lock.
            if (await imageExists(tag)) return tag;
            if (process.getuid?.() !== 0) throw new Error(`building ${tag} runs debootstrap, which needs root`);
            const started = Date.now();
            const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "slipway-standin-base-"));
            const rootfs = path.join(tmp, "rootfs");
            try {
                log(`standins: debootstrap ${SUITE} with ${BASE_PACKAGES.length} packages into ${rootfs}`);
                await run("debootstrap", ["--variant=minbase", `--include=${BASE_PACKAGES.join(",")}`, SUITE, rootfs, MIRROR]);
                log(`standins: debootstrap took ${seconds(started)}`);
                await run("sh", ["-c", `cd "$1" && rm -rf ${TRIM.join(" ")}`, "sh", rootfs]);
                const imported = Date.now();
                // Numeric owners: the rootfs' users are not the host's.
                await run("tar", ["--numeric-owner", "-C", rootfs, "-c", "."], {
                    pipeTo: ["docker", ["import", "--change", "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "--change", "ENV LANG=C.UTF-8", "-", tag]],
                });
                log(`standins: imported ${tag} in ${seconds(imported)} (base total ${seconds(started)})`);
                return tag;
            } finally {
                fs.rmSync(tmp, { recursive: true, force: true });
            }
        }, log);
    });
}

/** Builds (or finds, cached by content hash) the base image and the stand-in for `image`; returns its tag. */
export async function ensureStandin(image: string, log: (line: string) => void = () => undefined): Promise<Standin> {
    const { kind, name, label } = standinFor(image);
    const base = await ensureBase(log);
    const dockerfile = dockerfileOf(name);
    const files: Array<[string, string | Buffer]> = [
        ["Dockerfile", fs.readFileSync(dockerfile)],
        [".dockerignore", fs.readFileSync(path.join(DIR, ".dockerignore"))],
        ...filesUnder(path.join(DIR, name), DIR),
    ];
    const tag = `slipway-standin/${name}:${hash12([["base", base], ...files])}`;
    await once(tag, async () => {
        if (await imageExists(tag)) return tag;
        const started = Date.now();
        // The whole standins directory is the context, so probe.Dockerfile can COPY probe/.
        await docker(["build", "-q", "--build-arg", `BASE=${base}`, "-t", tag, "-f", dockerfile, DIR]);
        log(`standins: built ${tag} in ${seconds(started)}`);
        return tag;
    });
    return { kind, tag, label };
}
