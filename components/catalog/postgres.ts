import { CatalogType, consumerVar, urlWithLogin, secretInterpolate } from "./types";

/** Database and user every postgres service starts with; the password is generated. */
export const POSTGRES_USER = "slipway";
export const POSTGRES_DB = "app";

/** An app's role and database are named after it: `l01-data` -> `l01_data`. */
export const appDatabase = (app: string) => app.replace(/-/g, "_");

/** `SLIPWAY_PASSWORD_<APP>`: the variable the bootstrap reads an app's password from. */
export const appPasswordVar = (app: string) => consumerVar("PASSWORD", app);

/**
 * Bootstrap: a role and a database of its own for each app that uses postgres, owned by it and
 * closed to everyone else; the admin databases (postgres, app) are closed to the apps too. psql reads the password from the environment (\getenv), so it is on
 * no command line; every statement may run again.
 */
export const POSTGRES_BOOTSTRAP = `set -eu
until pg_isready -q; do sleep 2; done
for app in $SLIPWAY_APPS; do
  db=$(echo "$app" | tr '-' '_')
  export SLIPWAY_PASSWORD="$(eval "echo \\\${SLIPWAY_PASSWORD_$(echo "$app" | tr 'a-z-' 'A-Z_')}")"
  psql -v ON_ERROR_STOP=1 -q -v db="$db" <<'SQL'
\\getenv pw SLIPWAY_PASSWORD
SELECT format('CREATE ROLE %I LOGIN', :'db') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'db') \\gexec
SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'db', :'pw') \\gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'db') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \\gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db') \\gexec
SQL
done
psql -v ON_ERROR_STOP=1 -q <<'SQL'
SELECT format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', datname) FROM pg_database
 WHERE datname IN ('postgres', '${POSTGRES_DB}', current_database())
   AND (datdba = (SELECT oid FROM pg_roles WHERE rolname = current_user) OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)) \\gexec
SQL
echo "slipway: postgres has a database and role for: $SLIPWAY_APPS"
`;

export const postgres: CatalogType = {
    type: "postgres",
    image: "postgres:16.10-alpine",
    ports: [{ name: "postgres", port: 5432, access: "client" }],
    dataStore: true,
    // POSTGRES_HOST_AUTH_METHOD=trust or POSTGRES_INITDB_ARGS=--auth=trust would turn passwords
    // off (docker-library/postgres docker-entrypoint.sh), so every POSTGRES_* is the type's.
    ownedEnv: ["POSTGRES_*", "PGDATA"],
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
    // Each app that uses postgres gets a database and role of its own (exporters and admin
    // tools keep the service's own login).
    perConsumer: {
        consumers: "apps",
        // The bootstrap runs against RDS too.
        managed: true,
        connection: (base, app, password) => ({
            ...base,
            username: appDatabase(app),
            password,
            database: appDatabase(app),
            url: urlWithLogin(base.url, appDatabase(app), password, `/${appDatabase(app)}`),
        }),
    },
    taskNames: ["databases"],
    tasks: (ctx, _peers, connection) => {
        const apps = Object.keys(ctx.consumers);
        if (apps.length === 0) return [];
        return [
            {
                name: "databases",
                command: ["/bin/sh", "-c", POSTGRES_BOOTSTRAP],
                env: {
                    PGHOST: connection.host,
                    PGPORT: String(connection.port),
                    PGUSER: POSTGRES_USER,
                    PGDATABASE: POSTGRES_DB,
                    SLIPWAY_APPS: apps.join(" "),
                },
                secretEnv: {
                    PGPASSWORD: ctx.credentials.password!,
                    ...Object.fromEntries(apps.map((a) => [appPasswordVar(a), ctx.consumers[a]])),
                },
            },
        ];
    },
    seed: {
        extension: ".sql",
        task: (ctx, file, connection) => ({
            name: "seed",
            command: ["/bin/sh", "-c", "until pg_isready -q; do sleep 2; done; psql -v ON_ERROR_STOP=1 -f /seed/seed.sql"],
            env: { PGHOST: connection.host, PGPORT: String(connection.port), PGUSER: POSTGRES_USER, PGDATABASE: POSTGRES_DB },
            secretEnv: { PGPASSWORD: ctx.credentials.password! },
            files: [{ path: "/seed/seed.sql", content: file, secret: false }],
        }),
    },
    configure: (ctx) => ({
        env: { POSTGRES_USER, POSTGRES_DB, PGDATA: "/var/lib/postgresql/data/pgdata" },
        secretEnv: { POSTGRES_PASSWORD: ctx.credentials.password! },
    }),
};
