import { CatalogType, secretInterpolate } from "./types";

/** The administrator every rabbitmq service starts with; the password is generated. */
export const RABBITMQ_USER = "slipway";

// The official Debian-based image (docker-library/rabbitmq 4.1/ubuntu): user rabbitmq is
// uid/gid 999, its home and data directory is /var/lib/rabbitmq (the Erlang cookie lives there,
// so the CLI tools find it under the same HOME), and the entrypoint only steps down from root
// when started as root. The rabbitmq_prometheus plugin is enabled in the image (:15692/metrics).
export const rabbitmq: CatalogType = {
    type: "rabbitmq",
    image: "rabbitmq:4.1.4-management",
    ports: [
        { name: "amqp", port: 5672, access: "client" },
        // The management UI and HTTP API create users, vhosts and permissions.
        { name: "management", port: 15672, access: "admin" },
        { name: "prometheus", port: 15692, access: "internal" },
    ],
    scheme: "amqp",
    user: { uid: 999, gid: 999 },
    dataStore: true,
    // RABBITMQ_DEFAULT_* is the administrator; the rest are the node's identity and configuration.
    ownedEnv: ["RABBITMQ_*"],
    volumes: [{ name: "data", path: "/var/lib/rabbitmq" }],
    // Unconfirmed that nothing outside the data directory is written (conf.d, /tmp/rabbitmq-ssl).
    readOnlyRootFilesystem: false,
    health: { kind: "tcp" },
    // Asks the running node (over Erlang distribution, with the cookie) whether the AMQP listener
    // is up; no credential is involved.
    healthCommand: "rabbitmq-diagnostics -q check_port_listener 5672",
    startSeconds: 90,
    resources: { cpu: 0.5, memoryMiB: 512, storageGiB: 2 },
    owns: { password: true },
    connection: (ctx) => ({
        username: RABBITMQ_USER,
        password: ctx.credentials.password,
        // `%2F` is the default vhost "/".
        url: secretInterpolate`amqp://${RABBITMQ_USER}:${ctx.credentials.password}@${ctx.name}:${ctx.port}/%2F`,
    }),
    metrics: () => ({ port: 15692, path: "/metrics" }),
    configure: (ctx) => ({
        env: {
            // RabbitMQ itself (not the entrypoint, since 3.9) creates this user on first boot.
            RABBITMQ_DEFAULT_USER: RABBITMQ_USER,
            // A fixed node name keeps the data directory (mnesia/rabbit@<host>) across restarts,
            // where containers and pods get a new host name every time; CLI tools read it too.
            RABBITMQ_NODENAME: "rabbit@localhost",
            RABBITMQ_USE_LONGNAME: "false",
        },
        secretEnv: { RABBITMQ_DEFAULT_PASS: ctx.credentials.password! },
    }),
};
