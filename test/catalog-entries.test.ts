// The second part of SPEC.md's catalog, entry by entry: what every entry must say about its
// service, and how the ones that need other services find them.
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { alertmanager } from "../components/catalog/alertmanager";
import { cadvisor } from "../components/catalog/cadvisor";
import { chromadb } from "../components/catalog/chromadb";
import { consul } from "../components/catalog/consul";
import { jaeger } from "../components/catalog/jaeger";
import { jupyter } from "../components/catalog/jupyter";
import { kong, kongConfig } from "../components/catalog/kong";
import { mailhog } from "../components/catalog/mailhog";
import { nodeExporter } from "../components/catalog/node-exporter";
import { ollama } from "../components/catalog/ollama";
import { pgadmin } from "../components/catalog/pgadmin";
import { exporterDsn, postgresExporter } from "../components/catalog/postgres-exporter";
import { qdrant } from "../components/catalog/qdrant";
import { rabbitmq } from "../components/catalog/rabbitmq";
import { redisCommander } from "../components/catalog/redis-commander";
import { redisExporter } from "../components/catalog/redis-exporter";
import { CatalogType, Configured, Peer, ServiceContext } from "../components/catalog/types";
import { CATALOG } from "../components/catalog";
import { PlatformSpec, SECRET_KEYS, ServiceSpec } from "../components/model";

/** Values no command line, file or plain variable may contain. */
const PASSWORD = "SENTINELpw0001";
const TOKEN = "SENTINELtk0002";
const PEER_PASSWORD = "SENTINELpeer03";
/**
 * Consul's tokens must be UUIDs, so its management token is the UUID that HMAC-SHA256 (key: the
 * generated token, message "slipway:consul-management") gives, version and variant bits set.
 */
const CONSUL_MANAGEMENT = "60fbc3f1-3c7d-44b0-825f-48cf0d86a021";
/** The token a type hands out as its own: the generated one, or the UUID Consul's is made into. */
/** OPA never receives its tokens, only their SHA-256 (of "SENTINELtk0002"), in its authorization policy. */
const OPA_ADMIN_DIGEST = "b80edafff62c95323442e29e2e8825ceedb373eda5a38348789dd150429d066d";
const ownToken = (t: CatalogType) => (t.type === "consul" ? CONSUL_MANAGEMENT : TOKEN);
/** What a type passes to its own container for the token it owns. */
const passedToken = (t: CatalogType) => (t.type === "opa" ? OPA_ADMIN_DIGEST : ownToken(t));

const valueOf = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply(resolve));

const spec = (name: string, type: string, uses: string[] = []): ServiceSpec => ({
    name, type, public: false, uses, env: {}, secrets: [],
});

// Built loosely: the platform's shape may grow fields the catalog never reads.
const platform = { project: "slipway", stack: "test", target: "docker", size: "small", bindAddress: "127.0.0.1",
    devMode: false, services: [], hostPorts: {} } as unknown as PlatformSpec;

function context(t: CatalogType, uses: string[] = []): ServiceContext {
    return {
        name: t.type,
        spec: spec(t.type, t.type, uses),
        platform,
        environment: {},
        consumers: {},
        credentials: {
            password: t.owns?.password ? pulumi.secret(PASSWORD) : undefined,
            token: t.owns?.token ? pulumi.secret(TOKEN) : undefined,
            secrets: {},
            // What Service generates for a type that serves TLS (its key a secret, as @pulumi/tls keeps it).
            tls: t.tls?.(t.type, platform)
                ? { caCert: pulumi.output("CA-PEM"), cert: pulumi.output("CERT-PEM"), key: pulumi.secret("SENTINELkey04") }
                : undefined,
        },
        resources: t.resources,
        port: t.ports[0].port,
    };
}

/** A peer whose consumers all share its connection. */
function peer(p: Omit<Peer, "connectionFor">): Peer {
    return { ...p, connectionFor: () => ({ connection: p.connection, keys: SECRET_KEYS }) };
}
const postgresPeer = peer({
    name: "db", type: "postgres", spec: spec("db", "postgres"), port: 5432,
    connection: {
        host: "db", port: 5432, username: "slipway", database: "app",
        password: pulumi.secret(PEER_PASSWORD),
        url: pulumi.secret(`postgresql://slipway:${PEER_PASSWORD}@db:5432/app`),
    },
});
const redisPeer = peer({
    name: "cache", type: "redis", spec: spec("cache", "redis"), port: 6379,
    connection: {
        host: "cache", port: 6379, username: "default",
        password: pulumi.secret(PEER_PASSWORD),
        url: pulumi.secret(`redis://default:${PEER_PASSWORD}@cache:6379/0`),
    },
});
const appPeer = peer({
    name: "api", type: "app", spec: spec("api", "app"), port: 3000,
    connection: { host: "api", port: 3000, url: pulumi.output("http://api:3000") },
});
const proxyPeer = peer({
    name: "proxy", type: "docker-proxy", spec: spec("proxy", "docker-proxy"), port: 2375,
    connection: { host: "proxy", port: 2375, url: pulumi.output("http://proxy:2375") },
});
const PEERS = [postgresPeer, redisPeer, appPeer, proxyPeer];

/** What each entry's configure() gives for a platform where it uses what it can use. */
function configured(t: CatalogType): Configured {
    return t.configure?.(context(t, ["db", "cache", "api", "proxy"]), PEERS) ?? {};
}

/** A command line, with references to environment variables (`"$REDIS_PASSWORD"`) taken out: a shell expands them in the container, so no value is on the line. */
const text = (c: string | readonly string[] | undefined) =>
    (typeof c === "string" ? c : (c ?? []).join(" ")).replace(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g, "");

/** Text that looks like a credential handed over on a command line. */
const CREDENTIAL = /password|passwd|token=|api[-_]?key|secret|SENTINEL/i;

/** An image named with an explicit tag other than `latest`, or a digest. */
const pinned = (image: string) =>
    /@sha256:[0-9a-f]{64}$/.test(image) || /^[^@\s]+:(?!latest$)[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(image.slice(image.lastIndexOf("/") + 1));

describe("catalog entries", () => {
    for (const t of Object.values(CATALOG).filter((e) => e.type !== "app")) {
        describe(t.type, () => {
            it("pins its image to an explicit version", () => {
                assert.ok(pinned(t.image), t.image);
            });

            it("runs as a non-root user unless it declares root host access", () => {
                if (t.hostAccess?.root) assert.equal(t.user.uid, 0, "declared root, runs as root");
                else assert.ok(t.user.uid > 0, `uid ${t.user.uid}`);
                assert.ok(Number.isInteger(t.user.gid) && t.user.gid >= 0);
                // NET_BIND_SERVICE is the one capability the restricted profile lets a pod add.
                for (const c of t.capabilities ?? []) assert.equal(c, "NET_BIND_SERVICE");
            });

            it("checks health inside the image, on a declared port", () => {
                const port = t.healthPort ?? t.ports[0].port;
                assert.ok(t.ports.some((p) => p.port === port), `health port ${port} is declared`);
                assert.ok(t.healthCommand, "a command Docker can run inside this image");
                const command = text(t.healthCommand);
                // Vault's own CLI asks the address in the container's VAULT_ADDR (https://127.0.0.1:8200 in server mode).
                if (t.type !== "vault") assert.ok(command.includes(String(port)), `health command targets port ${port}: ${command}`);
                if (t.health.kind === "http") {
                    assert.ok(t.health.path.startsWith("/"));
                    if (t.type !== "vault") assert.ok(command.includes(t.health.path), "checks the same path as the HTTP probe");
                }
            });

            it("declares distinct port names and sane sizes", () => {
                assert.equal(new Set(t.ports.map((p) => p.name)).size, t.ports.length);
                assert.ok(t.resources.cpu > 0 && t.resources.memoryMiB > 0);
                if ((t.volumes ?? []).length > 0) assert.ok(t.resources.storageGiB > 0, "a volume has a size");
                for (const p of [...(t.volumes ?? []).map((v) => v.path), ...(t.scratch ?? [])]) assert.match(p, /^\/\S*$/);
            });

            it("never puts a credential on a command line", () => {
                assert.doesNotMatch(text(t.healthCommand), CREDENTIAL);
                const c = configured(t);
                assert.doesNotMatch(text(c.command), CREDENTIAL);
                assert.doesNotMatch(text(c.args), CREDENTIAL);
                for (const [k, v] of Object.entries(c.env ?? {})) {
                    if (typeof v === "string") assert.doesNotMatch(v, /SENTINEL/, `env ${k}`);
                }
                for (const f of c.files ?? []) {
                    if (typeof f.content === "string" && !f.secret) assert.doesNotMatch(f.content, /SENTINEL/, f.path);
                }
            });

            it("passes each credential it owns through a secret variable or a secret file", async () => {
                const c = configured(t);
                const secretFiles = (c.files ?? []).filter((f) => f.secret).map((f) => pulumi.output(f.content));
                for (const f of secretFiles) assert.equal(await pulumi.isSecret(f), true, "a secret file's content is a secret");
                const secretValues = await Promise.all([...Object.values(c.secretEnv ?? {}), ...secretFiles].map(valueOf));
                if (t.owns?.password) assert.ok(secretValues.some((v) => v.includes(PASSWORD)), "the generated password");
                if (t.owns?.token) assert.ok(secretValues.some((v) => v.includes(passedToken(t))), "the generated token");
                for (const [k, o] of Object.entries(c.secretEnv ?? {})) assert.equal(await pulumi.isSecret(o), true, `${k} is a secret`);
            });

            it("offers its credentials to consumers, as secrets", async () => {
                const conn = t.connection?.(context(t)) ?? {};
                if (t.owns?.password) {
                    assert.match(String(conn.username), /^[a-z][a-z0-9@.]*$/, "a username");
                    assert.equal(await valueOf(pulumi.output(conn.password)), PASSWORD);
                    assert.equal(await pulumi.isSecret(pulumi.output(conn.password)), true, "the password is a secret");
                }
                if (t.owns?.token) {
                    assert.equal(await valueOf(pulumi.output(conn.token)), ownToken(t));
                    assert.equal(await pulumi.isSecret(pulumi.output(conn.token)), true, "the token is a secret");
                }
            });
        });
    }

    describe("host access", () => {
        for (const t of [cadvisor, nodeExporter]) {
            it(`${t.type} declares it, with read-only host paths and a reason`, () => {
                assert.ok(t.hostAccess, "declared");
                assert.ok(t.hostAccess.reason.length > 20);
                assert.ok(t.hostAccess.mounts.length > 0);
                for (const m of t.hostAccess.mounts) {
                    assert.match(m.hostPath, /^\//);
                    assert.match(m.path, /^\//);
                }
                assert.ok(t.metrics?.(context(t)), "and exposes metrics");
            });
        }
        it("no other entry asks for the host but docker-proxy (the Docker socket, read-only)", () => {
            assert.deepEqual(Object.values(CATALOG).filter((t) => t.hostAccess).map((t) => t.type).sort(), ["cadvisor", "docker-proxy", "node-exporter"]);
        });
        it("node-exporter's collectors read the mounted host paths", () => {
            assert.deepEqual(nodeExporter.hostAccess!.mounts, [
                { hostPath: "/proc", path: "/host/proc" },
                { hostPath: "/sys", path: "/host/sys" },
                { hostPath: "/", path: "/host/root" },
            ]);
            assert.deepEqual(configured(nodeExporter).args, ["--path.procfs=/host/proc", "--path.sysfs=/host/sys", "--path.rootfs=/host/root"]);
        });
    });

    describe("exporters", () => {
        it("expose Prometheus metrics on their own port", () => {
            assert.deepEqual(postgresExporter.metrics?.(context(postgresExporter)), { port: 9187, path: "/metrics" });
            assert.deepEqual(redisExporter.metrics?.(context(redisExporter)), { port: 9121, path: "/metrics" });
        });

        for (const [t, type] of [[postgresExporter, "postgres"], [redisExporter, "redis"], [redisCommander, "redis"]] as const) {
            it(`${t.type} without a ${type} in uses is a config error at its uses`, () => {
                assert.throws(() => t.configure!(context(t, ["api"]), PEERS), {
                    message: `slipway:services.${t.type}.uses: ${t.type} needs a service of type ${type}`,
                });
            });
        }

        it("postgres-exporter connects to the postgres it uses, with sslmode set", async () => {
            const c = postgresExporter.configure!(context(postgresExporter, ["db"]), PEERS);
            assert.deepEqual(Object.keys(c.env ?? {}), []);
            assert.equal(await valueOf(c.secretEnv!.DATA_SOURCE_NAME), `postgresql://slipway:${PEER_PASSWORD}@db:5432/app?sslmode=disable`);
            assert.equal(exporterDsn("postgresql://u:p@h:5432/d?sslmode=require"), "postgresql://u:p@h:5432/d?sslmode=require");
            assert.equal(exporterDsn("postgresql://u:p@h:5432/d?connect_timeout=5"), "postgresql://u:p@h:5432/d?connect_timeout=5&sslmode=disable");
        });

        it("redis-exporter connects to the redis it uses, the password in a secret variable", async () => {
            const c = redisExporter.configure!(context(redisExporter, ["cache"]), PEERS);
            assert.deepEqual(await valueOf(pulumi.output(c.env!)), { REDIS_ADDR: "redis://cache:6379", REDIS_USER: "default" });
            assert.equal(await valueOf(c.secretEnv!.REDIS_PASSWORD), PEER_PASSWORD);
        });
    });

    describe("consumers and credentials", () => {
        it("rabbitmq: admin user from the environment, an amqp URL that is a secret", async () => {
            const ctx = context(rabbitmq);
            const c = rabbitmq.configure!(ctx, []);
            assert.equal(c.env!.RABBITMQ_DEFAULT_USER, "slipway");
            assert.equal(await valueOf(c.secretEnv!.RABBITMQ_DEFAULT_PASS), PASSWORD);
            const url = rabbitmq.connection!(ctx).url!;
            assert.equal(await valueOf(url), `amqp://slipway:${PASSWORD}@rabbitmq:5672/%2F`);
            assert.ok(await pulumi.isSecret(url), "the URL carries the password");
            assert.equal(rabbitmq.scheme, "amqp");
        });

        it("redis-commander: reaches the redis it uses through its config file, not its command line", async () => {
            const c = redisCommander.configure!(context(redisCommander, ["cache"]), PEERS);
            assert.equal(await valueOf(c.secretEnv!.REDIS_HOSTS), `cache:cache:6379:0:${PEER_PASSWORD}`);
            assert.equal(c.env!.REDIS_PASSWORD, undefined, "the entrypoint would turn it into an argument");
            assert.equal(await valueOf(c.secretEnv!.HTTP_PASSWORD), PASSWORD);
        });

        it("pgadmin: e-mail login, generated password, the postgres it uses registered without a password", async () => {
            const c = pgadmin.configure!(context(pgadmin, ["db"]), PEERS);
            assert.match(String(c.env!.PGADMIN_DEFAULT_EMAIL), /^[^@\s]+@[^@\s]+\.[a-z]+$/);
            assert.equal(await valueOf(c.secretEnv!.PGADMIN_DEFAULT_PASSWORD), PASSWORD);
            const servers = JSON.parse(await valueOf(pulumi.output(c.files![0].content)));
            assert.deepEqual(Object.values(servers.Servers).map((s: any) => [s.Host, s.Port, s.Username]), [["db", 5432, "slipway"]]);
            assert.deepEqual(pgadmin.configure!(context(pgadmin), PEERS).files, []);
        });

        it("qdrant: the API key is the token, and Prometheus presents it", async () => {
            const ctx = context(qdrant);
            assert.equal(await valueOf(qdrant.configure!(ctx, []).secretEnv!.QDRANT__SERVICE__API_KEY), TOKEN);
            const m = qdrant.metrics!(ctx)!;
            assert.equal(await valueOf(m.bearerToken!), TOKEN);
            assert.ok(await pulumi.isSecret(m.bearerToken!));
        });

        it("jupyter: the token comes from JUPYTER_TOKEN", async () => {
            assert.equal(await valueOf(jupyter.configure!(context(jupyter), []).secretEnv!.JUPYTER_TOKEN), TOKEN);
        });

        it("kong: DB-less, its Admin API on the loopback interface alone, routes the apps it uses and enables Prometheus", () => {
            const c = kong.configure!(context(kong, ["api", "db"]), PEERS);
            assert.equal(c.env!.KONG_DATABASE, "off");
            // DB-less mode does not make the Admin API read-only: POST /config replaces the routes.
            assert.equal(c.env!.KONG_ADMIN_LISTEN, "127.0.0.1:8001");
            assert.equal(c.env!.KONG_ADMIN_GUI_LISTEN, "off");
            assert.deepEqual(c.reaches, ["api"]);
            const config = JSON.parse(kongConfig([{ name: "api", port: 3000 }]).replace(/^#.*\n/, ""));
            assert.equal(config.services[0].url, "http://api:3000");
            assert.deepEqual(config.services[0].routes[0].paths, ["/api"]);
            assert.deepEqual(config.plugins, [{ name: "prometheus" }]);
            // The proxy is the one client-facing port; 8001 is no port of the container's network.
            assert.deepEqual(kong.ports.map((p) => [p.port, p.access]), [[8000, "client"], [8100, "internal"]]);
        });

        it("chromadb: the heartbeat of its v2 API", () => {
            assert.deepEqual(chromadb.health, { kind: "http", path: "/api/v2/heartbeat" });
        });

        it("ollama: a non-root user writes models and its key to the volume", () => {
            const env = ollama.configure!(context(ollama), []).env!;
            const volume = ollama.volumes![0].path;
            assert.ok(String(env.HOME).startsWith(volume) && String(env.OLLAMA_MODELS).startsWith(volume));
        });

        it("mailhog: SMTP first, the UI's port for health, no credentials", () => {
            assert.deepEqual(mailhog.ports.map((p) => p.port), [1025, 8025]);
            assert.equal(mailhog.healthPort, 8025);
            assert.equal(mailhog.owns, undefined);
        });

        it("alertmanager: a configuration with a default receiver, no HA gossip", () => {
            const c = alertmanager.configure!(context(alertmanager), []);
            assert.match(String(c.files![0].content), /receiver: default[\s\S]*- name: default/);
            assert.ok(c.args!.includes("--cluster.listen-address="));
        });

        it("jaeger: OTLP first, health and metrics on their own ports", () => {
            assert.deepEqual(jaeger.ports.slice(0, 2).map((p) => p.port), [4318, 4317]);
            assert.equal(jaeger.healthPort, 13133);
            assert.equal(jaeger.metrics!(context(jaeger))!.port, 8888);
        });

        it("consul: a single self-electing server with a persistent data directory, and no UI", () => {
            const args = consul.configure!(context(consul), []).args!;
            for (const a of ["agent", "-server", "-bootstrap-expect=1", "-client=0.0.0.0"]) assert.ok(args.includes(a), a);
            assert.ok(!args.includes("-ui"), "the UI is not asked for");
            assert.equal(consul.volumes![0].path, "/consul/data");
        });
    });
});
