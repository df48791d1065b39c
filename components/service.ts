// One service of the platform as a component resource: it owns its generated credentials,
// offers connection settings to its consumers, and describes itself as a target-neutral
// workload that the stack's materializer turns into real resources parented to it.
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { CatalogType, Credentials, Peer, ServiceContext } from "./catalog/types";
import { catalogEntry } from "./catalog";
import { connectionEnv, connectionSecrets, consumerKeys, SecretKeys } from "./connections";
import {
    Connection, MetricsSpec, PlatformSpec, PortSpec, Probe, SECRET_KEYS, SecretRef, ServiceSpec, TargetEnvironment, Task, Workload,
} from "./model";
import { resolveResources } from "./resources";
import { generatedTls } from "./tls";

/** What a materializer hands back for one deployed service. */
export interface Deployed {
    /** Resources that are ready only once the service is healthy; consumers start after them. */
    readonly ready: pulumi.Resource[];
    /** The URL the operator uses: host-reachable for public services, in-platform otherwise. */
    readonly endpoint: pulumi.Output<string>;
}

/** A managed equivalent that a target runs instead of the service's container (RDS for postgres …). */
export interface Provisioned {
    /** The connection settings consumers get instead; the same names, other values. */
    readonly connection: Connection;
    readonly deployed: Deployed;
}

/** A workload before anything of it is made, with the component its resources belong to. */
export interface PreparedWorkload {
    readonly workload: Workload;
    readonly parent: pulumi.ComponentResource;
}

/** What a managed equivalent of a service takes of the credentials its type owns (RDS takes the password, S3 nothing). */
export interface ManagedAs {
    readonly password: boolean;
}

/** A target's way of running workloads. */
export interface Materializer {
    /**
     * Whether a managed equivalent will run this service (provision), and what it takes, so that
     * nothing it would not use is generated; undefined when the service runs as a workload.
     */
    manages?(spec: ServiceSpec): ManagedAs | undefined;
    /** Sees every workload it will deploy before the first (Docker makes the stack's data volumes and their hand-over). */
    prepare?(workloads: readonly PreparedWorkload[]): void;
    deploy(workload: Workload, parent: pulumi.ComponentResource, after: readonly pulumi.Resource[]): Deployed;
    /** Runs a bootstrap job to completion; its resource is done when the job is. */
    runTask(task: Task, parent: pulumi.ComponentResource, after: readonly pulumi.Resource[]): pulumi.Resource;
    /**
     * Keeps the secret store of a service a managed equivalent runs (deploy does it for the
     * others), where its consumers and tasks find its credentials.
     */
    publishSecrets?(workload: Workload, parent: pulumi.ComponentResource): pulumi.Resource | undefined;
    /** The managed equivalent of a service `manages` answered for, made with its own credentials. */
    provision?(service: Service): Provisioned | undefined;
    /** What the target offers services (see TargetEnvironment). */
    environment?(): TargetEnvironment;
    /** Stack outputs the target adds (the namespace, a kubeconfig …). */
    outputs?(): Record<string, pulumi.Input<unknown>>;
}

/** `node-exporter` -> `NodeExporter`, for type tokens. */
const pascal = (s: string) => s.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());

/** Generated values: 32 letters and digits (~190 bits), safe in URLs and config files. */
function generated(name: string, parent: pulumi.Resource): pulumi.Output<string> {
    const pw = new random.RandomPassword(name, { length: 32, special: false }, { parent });
    return pulumi.secret(pw.result);
}

export class Service extends pulumi.ComponentResource {
    public readonly name: string;
    public readonly type: string;
    public readonly spec: ServiceSpec;
    public readonly credentials: Credentials;
    private ownConnection: Connection;
    private readonly ownMetrics?: MetricsSpec;
    private readonly entry: CatalogType;
    /** Its `consumers` are the credentials generated for each consumer that gets its own; none where a managed equivalent cannot give them. */
    private readonly context: ServiceContext;
    /** URL scheme of the primary port: the type's, or https where the service serves TLS. */
    private readonly scheme: string;

    /** Each consumer's own connection, once made (connectionFor); forgotten when the connection changes (adopt). */
    private readonly consumerConnections = new Map<string, { connection: Connection; keys: SecretKeys }>();
    /** Set when a managed equivalent runs it (Materializer.manages): no container of its own is described. */
    private readonly managed?: ManagedAs;

    constructor(spec: ServiceSpec, platform: PlatformSpec, environment: TargetEnvironment, opts?: pulumi.ComponentResourceOptions, managed?: ManagedAs) {
        super(`slipway:catalog:${pascal(spec.type)}`, spec.name, {}, opts);
        this.name = spec.name;
        this.type = spec.type;
        this.spec = spec;
        this.entry = catalogEntry(spec.type);
        const owns = this.entry.owns ?? {};
        const secrets: Record<string, pulumi.Output<string>> = {};
        for (const key of spec.secrets) {
            secrets[key] = generated(`${spec.name}-${key.toLowerCase().replace(/_/g, "-")}`, this);
        }
        const tlsNames = this.entry.tls?.(spec.name, platform);
        this.managed = managed;
        // A managed equivalent gets only what it takes: no password for S3, no token for any.
        this.credentials = {
            password: owns.password && (!managed || managed.password) ? generated(`${spec.name}-password`, this) : undefined,
            token: owns.token && !managed ? generated(`${spec.name}-token`, this) : undefined,
            secrets,
            tls: tlsNames ? generatedTls(spec.name, tlsNames, this) : undefined,
        };
        this.scheme = this.credentials.tls && this.entry.scheme === "http" ? "https" : this.entry.scheme;
        // Consumers that get credentials of their own: a Vault token, a database and user.
        const consumers: Record<string, pulumi.Output<string>> = {};
        const per = this.entry.perConsumer;
        if (per && (!managed || per.managed)) {
            const gets = (s: ServiceSpec) => (per.consumers === "all" || s.type === "app") && !(per.except ?? []).includes(s.type);
            for (const c of platform.services.filter((s) => s.uses.includes(spec.name) && gets(s))) {
                consumers[c.name] = generated(`${spec.name}-for-${c.name}`, this);
            }
        }
        const port = spec.port ?? this.entry.ports[0].port;
        this.context = {
            name: spec.name,
            spec,
            platform,
            environment,
            credentials: this.credentials,
            consumers,
            resources: resolveResources(this.entry.resources, spec, platform.size),
            port,
        };
        this.ownConnection = {
            host: spec.name,
            port,
            url: pulumi.output(`${this.scheme}://${spec.name}:${port}`),
            ...(this.credentials.tls ? { caCert: this.credentials.tls.caCert } : {}),
            ...this.entry.connection?.(this.context),
        };
        // A managed equivalent is not scraped (adopt).
        this.ownMetrics = managed ? undefined : this.entry.metrics?.(this.context);
    }

    /** What consumers connect to. */
    public get connection(): Connection {
        return this.ownConnection;
    }

    /** How Prometheus scrapes it; undefined when it exposes no metrics (or a managed equivalent runs it). */
    public get metrics(): MetricsSpec | undefined {
        return this.ownMetrics;
    }

    /**
     * A managed equivalent runs this service (it was made knowing so: no metrics, and consumer
     * credentials only where the equivalent keeps them): consumers get its connection, and no
     * container is made. Nothing has asked for a connection before (Platform adopts first).
     */
    public adopt(managed: Provisioned): Deployed {
        this.ownConnection = managed.connection;
        this.publish(managed.deployed);
        return managed.deployed;
    }

    /** Consumers that have credentials of their own. */
    public consumers(): string[] {
        return Object.keys(this.context.consumers);
    }

    /** The connection one consumer gets, and where its credentials are kept. */
    public connectionFor(consumer: string): { connection: Connection; keys: SecretKeys } {
        const secret = this.context.consumers[consumer];
        if (!secret || !this.entry.perConsumer) return { connection: this.connection, keys: SECRET_KEYS };
        // Made once per consumer: the provider's store, the consumer's environment and the
        // credentials output all ask for it, and each would build the same Outputs again.
        let made = this.consumerConnections.get(consumer);
        if (!made) this.consumerConnections.set(consumer, (made = { connection: this.entry.perConsumer.connection(this.connection, consumer, secret), keys: consumerKeys(consumer) }));
        return made;
    }

    /** How the other services see this one. */
    public peer(): Peer {
        return {
            name: this.name,
            type: this.type,
            spec: this.spec,
            port: this.context.port,
            connection: this.connection,
            metrics: this.metrics,
            connectionFor: (consumer) => this.connectionFor(consumer),
        };
    }

    /** The target-neutral description of this service's container. */
    public describe(peers: ReadonlyMap<string, Peer>): Workload {
        const { entry, spec, context } = this;
        // A managed equivalent runs no container: nothing of the container's own configuration
        // (its environment, files, command) is made or kept.
        const configured = this.managed ? {} : (entry.configure?.(context, [...peers.values()]) ?? {});

        // Credentials this service owns are kept in its own store: for its consumers (password,
        // token, url), for its `secrets:` list, and whatever its type derives from them.
        const ownSecrets: Record<string, pulumi.Output<string>> = { ...connectionSecrets(this.connection) };
        for (const consumer of Object.keys(context.consumers)) {
            const { connection, keys } = this.connectionFor(consumer);
            Object.assign(ownSecrets, connectionSecrets(connection, keys));
        }
        const own = (key: string, value: pulumi.Output<string>): SecretRef => {
            ownSecrets[key] = pulumi.secret(value);
            return { owner: this.name, key, value: ownSecrets[key] };
        };

        const env: Record<string, pulumi.Input<string>> = { ...configured.env };
        const secretEnv: Record<string, SecretRef> = {};
        for (const [key, value] of Object.entries(configured.secretEnv ?? {})) secretEnv[key] = own(key, value);
        for (const used of spec.uses) {
            const { connection, keys } = peers.get(used)!.connectionFor(this.name);
            const injected = connectionEnv(used, connection, keys);
            Object.assign(env, injected.env);
            Object.assign(secretEnv, injected.secretEnv);
        }
        Object.assign(env, spec.env);
        for (const [key, value] of Object.entries(this.credentials.secrets)) secretEnv[key] = own(key, value);

        const seed = context.platform.seeds[this.name];
        const taskSpecs = [
            ...(entry.tasks?.(context, [...peers.values()], this.connection) ?? []),
            ...(seed && entry.seed ? [entry.seed.task(context, seed.content, this.connection)] : []),
        ];
        for (const t of taskSpecs) {
            if (t.name !== "seed" && !(entry.taskNames ?? []).includes(t.name)) throw new Error(`catalog type ${entry.type}: task ${t.name} is not in its taskNames`);
        }
        const tasks: Task[] = taskSpecs.map((t) => ({
            name: `${this.name}-${t.name}`,
            service: this.name,
            image: t.image ?? spec.image ?? entry.image,
            command: t.command,
            env: t.env ?? {},
            secretEnv: Object.fromEntries(Object.entries(t.secretEnv ?? {}).map(([k, v]) => [k, own(`${t.name}-${k}`, v)])),
            files: t.files ?? [],
            user: entry.user,
            reaches: [this.name],
        }));

        const ports: PortSpec[] = entry.type === "app" ? [{ name: "http", port: context.port, access: "client" }] : [...entry.ports];
        // Validation lets a catalog type take no `command`, and `args` only where the type appends
        // them after its own; an app's replace the image's.
        const args = entry.args === "append" ? [...(configured.args ?? []), ...(spec.args ?? [])] : (spec.args ?? configured.args);
        return {
            name: this.name,
            type: this.type,
            image: spec.image ?? entry.image,
            scheme: this.scheme,
            command: spec.command ?? configured.command,
            args: args?.length ? args : undefined,
            ports,
            env,
            secretEnv,
            ownSecrets,
            files: configured.files ?? [],
            volumes: entry.volumes ?? [],
            scratch: entry.scratch ?? [],
            user: entry.user,
            capabilities: entry.capabilities ?? [],
            hostAccess: entry.hostAccess,
            readOnlyRootFilesystem: entry.readOnlyRootFilesystem,
            probe: this.probe(),
            metrics: this.metrics,
            resources: context.resources,
            replicas: spec.replicas ?? 1,
            public: spec.public,
            consumersOnly: entry.consumersOnly ?? false,
            dependsOn: spec.uses.map((name) => ({ name, port: peers.get(name)!.port })),
            reaches: [...new Set([...spec.uses, ...(configured.reaches ?? [])])].filter((n) => n !== this.name),
            connection: this.connection,
            tasks,
        };
    }

    /** Hand the workload to the target, then publish this component's outputs. */
    public deploy(workload: Workload, target: Materializer, after: readonly pulumi.Resource[]): Deployed {
        const deployed = target.deploy(workload, this, after);
        this.publish(deployed);
        return deployed;
    }

    private publish(deployed: Deployed) {
        this.registerOutputs({
            host: this.connection.host,
            port: this.connection.port,
            url: this.connection.url,
            endpoint: deployed.endpoint,
        });
    }

    private probe(): Probe {
        const { entry, spec, context } = this;
        const health = spec.health ?? entry.health;
        const startSeconds = entry.startSeconds ?? 30;
        // The catalog's in-image command matches only the catalog's own check.
        const command = spec.health ? undefined : entry.healthCommand;
        const port = spec.health ? context.port : (entry.healthPort ?? context.port);
        switch (health.kind) {
            case "http":
                return { http: { path: health.path, port, ...(this.scheme === "https" ? { scheme: "https" as const } : {}) }, command, startSeconds };
            case "tcp":
                return { tcp: { port }, command, startSeconds };
            case "command":
                return { command: health.command, startSeconds };
        }
    }
}
