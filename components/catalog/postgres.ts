import { CatalogType, secretInterpolate } from "./types";

/** Database and user every postgres service starts with; the password is generated. */
export const POSTGRES_USER = "slipway";
export const POSTGRES_DB = "app";

export const postgres: CatalogType = {
    type: "postgres",
    image: "postgres:16.10-alpine",
    ports: [{ name: "postgres", port: 5432 }],
    scheme: "postgresql",
    // The alpine image's postgres user; its entrypoint runs initdb as whatever user it is
    // started as, provided PGDATA is writable by it.
    user: { uid: 70, gid: 70 },
    volumes: [{ name: "data", path: "/var/lib/postgresql/data" }],
    scratch: ["/var/run/postgresql", "/tmp"],
    readOnlyRootFilesystem: true,
    health: { kind: "tcp" },
    healthCommand: `pg_isready -q -h 127.0.0.1 -p 5432 -U ${POSTGRES_USER} -d ${POSTGRES_DB}`,
    startSeconds: 60,
    resources: { cpu: 0.5, memoryMiB: 512, storageGiB: 5 },
    owns: { password: true },
    connection: (ctx) => ({
        username: POSTGRES_USER,
        password: ctx.credentials.password,
        database: POSTGRES_DB,
        url: secretInterpolate`postgresql://${POSTGRES_USER}:${ctx.credentials.password}@${ctx.name}:${ctx.port}/${POSTGRES_DB}`,
    }),
    configure: (ctx) => ({
        env: { POSTGRES_USER, POSTGRES_DB, PGDATA: "/var/lib/postgresql/data/pgdata" },
        secretEnv: { POSTGRES_PASSWORD: ctx.credentials.password! },
    }),
};
