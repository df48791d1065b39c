// The table of bad configs every target must reject with exactly these messages (SPEC "Bad input").
/** Every type SPEC.md's catalog names, and `app`, as validation lists them (sorted). */
export const ALL_TYPES = [
    "alertmanager", "app", "cadvisor", "chromadb", "consul", "docker-proxy", "grafana", "jaeger", "jupyter", "kong", "mailhog", "minio", "neo4j", "nginx",
    "node-exporter", "ollama", "opa", "pgadmin", "postgres", "postgres-exporter", "prometheus", "qdrant", "rabbitmq", "redis",
    "redis-commander", "redis-exporter", "vault",
].join(", ");

export const app = (extra: Record<string, unknown> = {}) => ({ type: "app", image: "ghcr.io/acme/api:1.4.2", port: 3000, ...extra });

/**
 * A config, and exactly the problems validation must report, in order. Through the CLI, a
 * config may be refused before the program runs (`cli`), or reach the program with its
 * services in another order (`program`): the CLI hands a map over as JSON with sorted keys.
 */
export interface BadConfig {
    name: string;
    config: Record<string, unknown>;
    problems: string[];
    /** The CLI's own refusal, when the CLI stops the stack before the program runs. */
    cli?: string;
    /** The problems in the order the program reports them, where the CLI's key order changes it. */
    program?: string[];
}

export const BAD: BadConfig[] = [
    {
        name: "target missing",
        config: { services: { api: app() } },
        problems: ["slipway:target: required; one of docker, kind, kubernetes, eks, ec2"],
        cli: "Stack 'test' is missing configuration value 'target'",
    },
    {
        name: "target unknown",
        config: { target: "swarm", services: { api: app() } },
        problems: ['slipway:target: "swarm" is not a target; one of docker, kind, kubernetes, eks, ec2'],
    },
    {
        name: "unknown type",
        config: { target: "docker", services: { cache: { type: "memcached" } } },
        problems: [
            `slipway:services.cache.type: unknown type "memcached"; one of ${ALL_TYPES}`,
        ],
    },
    {
        name: "type missing",
        config: { target: "docker", services: { cache: { image: "redis:7.4.3" } } },
        problems: [`slipway:services.cache.type: required; one of ${ALL_TYPES}`],
    },
    {
        name: "service name not a DNS label",
        config: { target: "docker", services: { Gateway_1: app() } },
        problems: [
            "slipway:services.Gateway_1: service name must be a DNS label: lower-case letters, digits and '-', not starting or ending with '-', at most 40 characters",
        ],
    },
    {
        name: "service name too long",
        config: { target: "docker", services: { ["a".repeat(41)]: app() } },
        problems: [
            `slipway:services.${"a".repeat(41)}: service name must be a DNS label: lower-case letters, digits and '-', not starting or ending with '-', at most 40 characters`,
        ],
    },
    {
        name: "unknown service in uses",
        config: { target: "docker", services: { vault: { type: "vault" }, redis: { type: "redis" }, gateway: app({ uses: ["redis", "vault2"] }) } },
        problems: ['slipway:services.gateway.uses[1]: unknown service "vault2"'],
    },
    {
        name: "a service using itself",
        config: { target: "docker", services: { gateway: app({ uses: ["gateway"] }) } },
        problems: ["slipway:services.gateway.uses[0]: a service cannot use itself"],
    },
    {
        name: "a service listed twice in uses",
        config: { target: "docker", services: { redis: { type: "redis" }, gateway: app({ uses: ["redis", "redis"] }) } },
        problems: ['slipway:services.gateway.uses[1]: "redis" is listed twice'],
    },
    {
        name: "an exporter that uses nothing it can watch",
        config: { target: "docker", services: { cache: { type: "redis" }, "pg-metrics": { type: "postgres-exporter", uses: ["cache"] } } },
        problems: ["slipway:services.pg-metrics.uses: type postgres-exporter needs a service of type postgres in uses"],
    },
    {
        name: "dependency cycle",
        config: { target: "docker", services: { gateway: app({ uses: ["auth"] }), auth: app({ uses: ["gateway"] }) } },
        problems: ["slipway:services: dependency cycle gateway -> auth -> gateway"],
        program: ["slipway:services: dependency cycle auth -> gateway -> auth"],
    },
    {
        name: "longer dependency cycle",
        config: {
            target: "docker",
            services: { a: app({ uses: ["b"] }), b: app({ uses: ["c"] }), c: app({ uses: ["a"] }), d: app({ uses: ["a"] }) },
        },
        problems: ["slipway:services: dependency cycle a -> b -> c -> a"],
    },
    {
        name: "app without image or port",
        config: { target: "docker", services: { api: { type: "app" } } },
        problems: ["slipway:services.api.image: required for type app", "slipway:services.api.port: required for type app"],
    },
    {
        name: "image without an explicit tag",
        config: { target: "docker", services: { cache: { type: "redis", image: "redis" }, api: app({ image: "registry.local:5000/acme/api" }) } },
        problems: [
            'slipway:services.cache.image: "redis" has no explicit tag or digest; pin a version, e.g. "redis:1.2.3"',
            'slipway:services.api.image: "registry.local:5000/acme/api" has no explicit tag or digest; pin a version, e.g. "registry.local:5000/acme/api:1.2.3"',
        ],
        program: [
            'slipway:services.api.image: "registry.local:5000/acme/api" has no explicit tag or digest; pin a version, e.g. "registry.local:5000/acme/api:1.2.3"',
            'slipway:services.cache.image: "redis" has no explicit tag or digest; pin a version, e.g. "redis:1.2.3"',
        ],
    },
    {
        name: "image on the moving latest tag",
        config: { target: "docker", services: { api: app({ image: "acme/api:latest" }) } },
        problems: ['slipway:services.api.image: "acme/api:latest" uses the moving tag latest; pin a version or a digest'],
    },
    {
        name: "two services on one host port",
        config: {
            target: "docker",
            services: {
                "redis-commander": app({ hostPort: 8081 }),
                cadvisor: app({ hostPort: 8081 }),
            },
        },
        problems: ["slipway:services.cadvisor.hostPort: 8081 is also taken by redis-commander"],
        program: ["slipway:services.redis-commander.hostPort: 8081 is also taken by cadvisor"],
    },
    {
        name: "bad sizes",
        config: {
            target: "docker",
            services: {
                db: { type: "postgres", cpu: "lots", memory: "12Q", storage: "0.5Gi", replicas: 2 },
                api: app({ memory: "1Mi", replicas: 0, storage: "5Gi" }),
            },
        },
        problems: [
            "slipway:services.db.replicas: type postgres keeps its data in a volume and runs one replica",
            'slipway:services.db.cpu: "lots" is not a CPU quantity like "500m" or "2"',
            'slipway:services.db.memory: "12Q" is not a memory size like "512Mi" or "2Gi"',
            'slipway:services.db.storage: "0.5Gi" is below the 1Gi minimum',
            "slipway:services.api.replicas: 0 is not a whole number from 1 to 50",
            'slipway:services.api.memory: "1Mi" is below the 32Mi minimum',
            "slipway:services.api.storage: type app keeps no data, so it has no storage to size",
        ],
        program: [
            "slipway:services.api.replicas: 0 is not a whole number from 1 to 50",
            'slipway:services.api.memory: "1Mi" is below the 32Mi minimum',
            "slipway:services.api.storage: type app keeps no data, so it has no storage to size",
            "slipway:services.db.replicas: type postgres keeps its data in a volume and runs one replica",
            'slipway:services.db.cpu: "lots" is not a CPU quantity like "500m" or "2"',
            'slipway:services.db.memory: "12Q" is not a memory size like "512Mi" or "2Gi"',
            'slipway:services.db.storage: "0.5Gi" is below the 1Gi minimum',
        ],
    },
    {
        name: "misspelt field, bad health, bad port",
        config: { target: "docker", services: { api: app({ use: ["db"], health: 42, port: 70000 }) } },
        problems: [
            "slipway:services.api.use: unknown field; known fields: type, image, port, health, public, exposeOnCluster, hostPort, uses, env, secrets, replicas, cpu, memory, storage, command, args",
            "slipway:services.api.port: 70000 is not a port number (1-65535)",
            'slipway:services.api.health: 42 is not an HTTP path ("/health"), "tcp", or a command',
        ],
    },
    {
        name: "port of a catalog type changed",
        config: { target: "docker", services: { cache: { type: "redis", port: 6380 } } },
        problems: ["slipway:services.cache.port: type redis listens on 6379; port can only be set for type app"],
    },
    {
        name: "env colliding with injected connection settings",
        config: {
            target: "docker",
            services: { db: { type: "postgres" }, api: app({ uses: ["db"], env: { DB_PASSWORD: "hunter2" }, secrets: ["DB_URL"] }) },
        },
        problems: [
            'slipway:services.api.env.DB_PASSWORD: collides with the connection setting injected for "db"',
            'slipway:services.api.secrets[0]: DB_URL collides with the connection setting injected for "db"',
        ],
    },
    {
        name: "env replacing the CA a consumer of a TLS service is given",
        config: { target: "docker", services: { vault: { type: "vault" }, api: app({ uses: ["vault"], env: { VAULT_CA_CERT: "-----BEGIN CERTIFICATE-----" } }) } },
        problems: ['slipway:services.api.env.VAULT_CA_CERT: collides with the connection setting injected for "vault"'],
    },
    {
        name: "unknown platform and unknown config key",
        config: { target: "docker", platform: "nope", sevices: {} },
        problems: [
            "slipway:sevices: unknown config key; known keys: target, platform, services, size, bindAddress, devMode, kubeContext, namespace, exposure, ingressDomain, ingressClass, certIssuer, certificateArn, storageClass, adminCidrs, vpcCidr, azCount, kubernetesVersion, instanceType, nodeCount, managedServices, multiAz, protectData, sshKeyName, seeds",
            'slipway:platform: unknown platform "nope"; bundled: demo',
        ],
    },
    {
        name: "no services at all",
        config: { target: "docker" },
        problems: ["slipway:services: no services: set slipway:platform or define slipway:services"],
    },
    {
        name: "a service used after the platform's definition removed it",
        config: { target: "docker", platform: "demo", services: { postgres: null } },
        problems: ['slipway:services.demo.uses[0]: unknown service "postgres"'],
    },
    {
        name: "hostPort with public false",
        config: { target: "docker", services: { api: app({ hostPort: 8080, public: false }) } },
        problems: ["slipway:services.api.hostPort: a host port makes the service public, but public is false"],
    },
    {
        name: "bad size, bind address and dev mode",
        config: { target: "docker", size: "huge", bindAddress: "localhost", devMode: "yes", services: { api: app() } },
        problems: [
            'slipway:devMode: "yes" is not true or false',
            'slipway:size: "huge" is not a size; one of small, medium, large',
            'slipway:bindAddress: "localhost" is not an IPv4 address',
        ],
        cli: "Stack 'test' with configuration key 'devMode' must be of type 'boolean'",
    },
    {
        name: "every problem at once",
        config: { target: "docker", services: { api: app({ uses: ["nope"], image: "acme/api" }), web: { type: "app", port: 80 } } },
        problems: [
            'slipway:services.api.image: "acme/api" has no explicit tag or digest; pin a version, e.g. "acme/api:1.2.3"',
            "slipway:services.web.image: required for type app",
            'slipway:services.api.uses[0]: unknown service "nope"',
        ],
    },
];

/** Problems that only the target can see; checked after the rest, before any resource. */
export const BAD_FOR_TARGET: BadConfig[] = [
    {
        name: "docker: a public service with replicas",
        config: { target: "docker", services: { api: app({ public: true, replicas: 2 }) } },
        problems: ["slipway:services.api.replicas: a public service runs one container on target docker (its host port can be bound once)"],
    },
    {
        name: "dev mode off docker",
        config: { target: "kind", devMode: true, services: { api: app() } },
        problems: ["slipway:devMode: only applies to targets docker, not kind"],
    },
];


/**
 * The table's messages as the real program gives them: the pure table validates against a
 * `demo`-only set of platforms, the program against everything in platforms/.
 */
export function asProgramSays(problems: readonly string[]): string {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { loadPlatforms } = require("../components/config/load") as typeof import("../components/config/load");
    const bundled = Object.keys(loadPlatforms()).sort().join(", ");
    return `invalid Slipway configuration:\n${problems.map((p) => p.replace("; bundled: demo", `; bundled: ${bundled}`)).join("\n")}`;
}
