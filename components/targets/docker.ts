// The Docker materializer: workloads become containers on one network per stack, using the
// Docker provider's defaults (DOCKER_HOST is honoured).
//
// Security choices, applied to every container:
// - it runs as the image's own non-root user (`Workload.user`), with every capability dropped
//   and only `Workload.capabilities` added back, and `no-new-privileges`; never privileged,
//   never on the host network. Host paths are mounted only for the types that declare host
//   access (cadvisor, node-exporter), read-only, and those alone may run as root.
// - data lives in named volumes that one one-shot container per stack chowns to each service's
//   user before the service first starts (docker-volumes.ts), so an image never has to chown or
//   chmod its data directory itself (the Neo4j "chmod: Operation not permitted" failure in
//   SEEDS.md cannot happen).
// - one-shot containers (that chown, the bootstrap tasks) must succeed before anything waiting
//   for them starts: docker-run.ts says why the provider alone cannot promise that.
// - host ports are published only for public services, and only their client-facing ports
//   (PortSpec.access), on `slipway:bindAddress` (127.0.0.1).
// - every container, one-shot ones included, has a memory limit, a CPU limit and a process
//   limit; the root filesystem is read-only wherever the image allows it, configuration files
//   included (docker-files.ts says how they get in).
// - a service only its consumers may reach (docker-proxy) sits on a network of its own that only
//   they join; every other service shares the stack's network, so there `uses` gates start order
//   and credentials, not who can connect.
// - every container has a health check, and the provider waits for it to pass (`wait`), so a
//   container that uses another is created only after that one is healthy. The provider waits
//   at create only, and ignores later changes to `healthcheck` and `tmpfs` (kreuzwerker v4.5.0
//   resourceDockerContainerUpdate acts on restart and resource limits alone), so a service
//   container is replaced on any change (`replaceOnChanges: ["*"]`), which also re-creates one
//   whose health wait failed instead of "updating" it (an initialization error is replaced only
//   with "*": @pulumi/pulumi resource.d.ts, replaceOnChanges).
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { clientPorts, PlatformSpec, Probe, SecretRef, Task, Workload } from "../model";
import { identityLabels } from "./identity";
import { Deployed, Materializer, PreparedWorkload } from "../service";
import { fileVolumes, uploadsOf } from "./docker-files";
import { scratchTmpfs, SERVICE_PIDS_LIMIT, TASK_LIMITS } from "./docker-limits";
import { limitPids, ONE_SHOT, runOnce } from "./docker-run";
import { DataVolume, dataVolumesOf, handOverVolumes } from "./docker-volumes";
import { HELPER_IMAGE } from "./images";

/** Image of the one-shot container that hands each data volume to its service's user. */
export const VOLUME_INIT_IMAGE = HELPER_IMAGE;

/** Target-specific rules, checked with the rest of the config before anything is created. */
export function dockerProblems(spec: PlatformSpec): string[] {
    return spec.services
        .filter((s) => (s.replicas ?? 1) > 1 && s.public)
        .map((s) => `slipway:services.${s.name}.replicas: a public service runs one container on target ${spec.target} (its host port can be bound once)`);
}

/** The command Docker runs to judge health: the image's own command, or a portable probe. */
export function dockerHealthTest(probe: Probe): string[] {
    if (probe.command !== undefined) {
        return typeof probe.command === "string" ? ["CMD-SHELL", probe.command] : ["CMD", ...probe.command];
    }
    if (probe.http) {
        const url = `${probe.http.scheme ?? "http"}://127.0.0.1:${probe.http.port}${probe.http.path}`;
        // Whichever HTTP client the image has: busybox/alpine wget, curl, or Python's urllib.
        return ["CMD-SHELL", [
            `wget -q -O /dev/null '${url}'`,
            `curl -fsS -o /dev/null '${url}'`,
            `python3 -c "import urllib.request; urllib.request.urlopen('${url}', timeout=4)"`,
        ].join(" || ")];
    }
    const port = probe.tcp!.port;
    return ["CMD-SHELL", `nc -z 127.0.0.1 ${port} || bash -c '</dev/tcp/127.0.0.1/${port}'`];
}

/** Options for Docker engines others build (the ec2 host). */
export interface DockerOptions {
    /** A provider for a remote engine; the default provider (DOCKER_HOST) otherwise. */
    readonly provider?: docker.Provider;
    /** The host the operator reaches public ports on; the bind address otherwise. */
    readonly publicHost?: pulumi.Input<string>;
    /** Resources the engine is ready only after (the host's Docker install). */
    readonly after?: readonly pulumi.Resource[];
    /** DOCKER_HOST for the docker CLI that runs one-shot containers, when the engine is remote. */
    readonly dockerHost?: pulumi.Input<string>;
}

/** `KEY=value` strings; the list is a secret as soon as one value is. */
function envList(env: Readonly<Record<string, pulumi.Input<string>>>, secretEnv: Readonly<Record<string, SecretRef>>): pulumi.Output<string[]> {
    const plain = Object.entries(env).map(([k, v]) => pulumi.interpolate`${k}=${v}`);
    const secret = Object.entries(secretEnv).map(([k, v]) => pulumi.secret(pulumi.interpolate`${k}=${v.value}`));
    const all = pulumi.all([...plain, ...secret]);
    return Object.keys(secretEnv).length > 0 ? pulumi.secret(all) : all;
}

export class DockerTarget implements Materializer {
    public readonly network: docker.Network;
    private readonly prefix: string;
    private readonly images = new Map<string, docker.RemoteImage>();
    /** Each service's data volumes (prepare), and the stack's hand-over of them. */
    private readonly dataVolumes = new Map<string, DataVolume[]>();
    private handOver?: pulumi.Resource;
    /** The networks of services only their consumers may reach, by service. */
    private readonly ownNetworks = new Map<string, docker.Network>();

    constructor(
        private readonly spec: PlatformSpec,
        private readonly parent: pulumi.Resource,
        private readonly options: DockerOptions = {},
    ) {
        this.prefix = `${spec.project}-${spec.stack}`;
        this.network = new docker.Network(
            "network",
            { name: this.prefix, driver: "bridge", labels: this.labels() },
            { parent, provider: options.provider, dependsOn: [...(options.after ?? [])] },
        );
    }

    /**
     * Every service's data volumes, and the stack's one hand-over of them (docker-volumes.ts),
     * made before any service so that the hand-over can mount them all.
     */
    public prepare(workloads: readonly PreparedWorkload[]): void {
        const all: DataVolume[] = [];
        for (const { workload: w, parent } of workloads) {
            // On an ec2 stack with protectData, the data on the host is protected like the host.
            const opts = { parent, provider: this.options.provider, dependsOn: [this.network], protect: this.spec.aws?.protectData === true };
            const volumes = dataVolumesOf(w, this.prefix, this.labels(w), opts);
            this.dataVolumes.set(w.name, volumes);
            all.push(...volumes);
        }
        if (all.length === 0) return;
        this.handOver = handOverVolumes({
            prefix: this.prefix,
            volumes: all,
            image: this.volumeInitImage().imageId,
            labels: this.labels(undefined, "volume-init"),
            opts: { parent: this.parent, provider: this.options.provider, dependsOn: [this.network] },
            run: { parent: this.parent, dockerHost: this.options.dockerHost },
        });
    }

    public deploy(w: Workload, parent: pulumi.ComponentResource, after: readonly pulumi.Resource[]): Deployed {
        const opts = { parent, provider: this.options.provider, dependsOn: [this.network] };
        const image = this.pull(w.image, `${w.name}-image`, opts);

        const volumes = this.dataVolumes.get(w.name);
        if (volumes === undefined) throw new Error(`docker target: ${w.name} was deployed without being prepared`);
        const mounts = volumes.map(({ spec, volume }) => ({ type: "volume", source: volume.name, target: spec.path }));
        const volumeInit = volumes.length > 0 ? this.handOver : undefined;

        // Files for a read-only root go in through volumes (docker-files.ts); others are uploaded.
        const viaVolumes = w.readOnlyRootFilesystem && w.files.length > 0;
        const files = viaVolumes
            ? fileVolumes({
                  service: w.name,
                  prefix: this.prefix,
                  files: w.files,
                  image: this.volumeInitImage().imageId,
                  labels: (role) => this.labels(w, role),
                  opts,
              })
            : undefined;

        // Made once for all replicas: a service only its consumers reach has one network of its own.
        const networks = this.networksOf(w, opts);
        const names = Array.from({ length: w.replicas }, (_, i) => `${w.name}${w.replicas > 1 ? `-${i + 1}` : ""}`);
        const replicas = names.map((name) => {
            return new docker.Container(
                name,
                {
                    name: `${this.prefix}-${name}`,
                    hostname: w.name,
                    image: image.imageId,
                    entrypoints: w.command ? [...w.command] : undefined,
                    command: w.args ? [...w.args] : undefined,
                    envs: envList(w.env, w.secretEnv),
                    user: `${w.user.uid}:${w.user.gid}`,
                    capabilities: { drops: ["ALL"], adds: [...w.capabilities] },
                    securityOpts: ["no-new-privileges:true"],
                    readOnly: w.readOnlyRootFilesystem,
                    tmpfs: Object.fromEntries(w.scratch.map((p) => [p, scratchTmpfs(w.user)])),
                    mounts: [...mounts, ...(files?.mounts ?? [])],
                    volumes: w.hostAccess?.mounts.map((m) => ({ hostPath: m.hostPath, containerPath: m.path, readOnly: true })),
                    uploads: viaVolumes ? [] : uploadsOf(w.files),
                    networksAdvanced: networks,
                    ports: w.public ? this.ports(w) : [],
                    healthcheck: {
                        tests: dockerHealthTest(w.probe),
                        interval: "10s",
                        timeout: "5s",
                        retries: 6,
                        startPeriod: `${w.probe.startSeconds}s`,
                        startInterval: "2s",
                    },
                    wait: true,
                    waitTimeout: w.probe.startSeconds + 120,
                    memory: w.resources.memoryMiB,
                    cpus: String(w.resources.cpu),
                    restart: "unless-stopped",
                    labels: this.labels(w, "service"),
                },
                {
                    ...opts,
                    dependsOn: [this.network, ...after, ...(volumeInit ? [volumeInit] : []), ...(files ? [files.holder] : [])],
                    replaceOnChanges: ["*"],
                    deleteBeforeReplace: true,
                },
            );
        });

        // Consumers start once each replica's processes are capped too.
        const limits = replicas.map((c, i) =>
            limitPids(names[i], c, `${this.prefix}-${names[i]}`, SERVICE_PIDS_LIMIT, { parent, dockerHost: this.options.dockerHost }),
        );
        return { ready: [...replicas, ...limits], endpoint: this.endpoint(w) };
    }

    /**
     * A bootstrap job: a one-shot container on the stack's network, run to completion by
     * docker-run.ts; a non-zero exit fails the deploy. It is made again, and so runs again,
     * whenever its inputs change.
     */
    public runTask(t: Task, parent: pulumi.ComponentResource, after: readonly pulumi.Resource[]): pulumi.Resource {
        const opts = { parent, provider: this.options.provider, dependsOn: [this.network, ...after] };
        const image = this.pull(t.image, `${t.name}-image`, opts);
        const name = `${this.prefix}-${t.name}`;
        const container = new docker.Container(
            t.name,
            {
                name,
                image: image.imageId,
                entrypoints: [...t.command],
                envs: envList(t.env, t.secretEnv),
                user: `${t.user.uid}:${t.user.gid}`,
                capabilities: { drops: ["ALL"], adds: [] },
                securityOpts: ["no-new-privileges:true"],
                // Read-only unless a file is copied in (a seed), which a read-only root refuses.
                readOnly: t.files.length === 0,
                tmpfs: { "/tmp": scratchTmpfs(t.user) },
                uploads: uploadsOf(t.files),
                networksAdvanced: [{ name: this.network.name }, ...t.reaches.flatMap((n) => (this.ownNetworks.has(n) ? [{ name: this.ownNetworks.get(n)!.name }] : []))],
                memory: TASK_LIMITS.memory,
                cpus: TASK_LIMITS.cpus,
                ...ONE_SHOT,
                labels: this.labels({ name: t.service }, "task"),
            },
            opts,
        );
        return runOnce(t.name, container, name, TASK_LIMITS.pidsLimit, { parent, dockerHost: this.options.dockerHost });
    }

    /**
     * One pull per image for the whole stack, made by the first workload or task that runs it: a
     * bootstrap task that runs its service's image (postgres-databases, vault-bootstrap,
     * minio-users) shares the service's pull instead of adding a resource for the same image.
     */
    private pull(ref: string, name: string, opts: pulumi.CustomResourceOptions): docker.RemoteImage {
        let image = this.images.get(ref);
        if (!image) this.images.set(ref, (image = new docker.RemoteImage(name, { name: ref, keepLocally: true }, opts)));
        return image;
    }

    /** The volume-init image, pulled once for the whole stack when a service first needs it. */
    private volumeInitImage(): docker.RemoteImage {
        return this.pull(VOLUME_INIT_IMAGE, "volume-init-image", { parent: this.parent, provider: this.options.provider, dependsOn: [this.network] });
    }

    private endpoint(w: Workload): pulumi.Output<string> {
        if (!w.public) return pulumi.output(`${w.scheme}://${w.name}:${w.connection.port}`);
        const host = this.options.publicHost ?? (this.spec.bindAddress === "0.0.0.0" ? "127.0.0.1" : this.spec.bindAddress);
        return pulumi.interpolate`${w.scheme}://${host}:${this.spec.hostPorts[w.name][w.connection.port]}`;
    }

    /** The client-facing ports alone, each on the host port validation gave it. */
    private ports(w: Workload) {
        const host = this.spec.hostPorts[w.name] ?? {};
        return clientPorts(w.ports)
            .filter((p) => host[p.port] !== undefined)
            .map((p) => ({ internal: p.port, external: host[p.port], ip: this.spec.bindAddress, protocol: p.protocol ?? "tcp" }));
    }

    /**
     * The stack's network, under the service's name; or, for a service only its consumers may
     * reach, a network of its own (internal: no way out of it) instead. A consumer joins the own
     * network of each such service it reaches, which is made before it (it `uses` it).
     */
    private networksOf(w: Workload, opts: pulumi.CustomResourceOptions) {
        const own = w.consumersOnly
            ? new docker.Network(`${w.name}-network`, { name: `${this.prefix}-${w.name}`, driver: "bridge", internal: true, labels: this.labels(w) }, opts)
            : undefined;
        if (own) this.ownNetworks.set(w.name, own);
        const joined = w.reaches.flatMap((n) => (this.ownNetworks.has(n) ? [{ name: this.ownNetworks.get(n)!.name, aliases: [w.name] }] : []));
        return [{ name: (own ?? this.network).name, aliases: [w.name] }, ...joined];
    }


    /** Docker labels: the stack's, and the service's (name, type) and the container's role where given. */
    private labels(service?: { name: string; type?: string }, role?: string) {
        const labels: Record<string, string> = identityLabels(this.spec);
        if (service) labels["dev.slipway.service"] = service.name;
        if (service?.type) labels["dev.slipway.type"] = service.type;
        if (role) labels["dev.slipway.role"] = role;
        return Object.entries(labels).map(([label, value]) => ({ label, value }));
    }
}
