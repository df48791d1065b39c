import * as pulumi from "@pulumi/pulumi";
import { CatalogType, Peer, ServiceContext, usedPeers } from "./types";

/** pgAdmin logs in with an e-mail address; the example.com domain passes its validation. */
export const PGADMIN_EMAIL = "admin@example.com";
export const PGADMIN_PORT = 5050;

/** The postgres services pgAdmin `uses`, registered (without passwords) on its first start. */
export function pgadminServers(ctx: ServiceContext, peers: readonly Peer[]): pulumi.Output<string> {
    const used = usedPeers(ctx, peers, "postgres");
    const servers = used.map((p, i) =>
        pulumi.all([p.connection.host, p.connection.username ?? "postgres"]).apply(([host, username]) => [
            String(i + 1),
            {
                Name: p.name,
                Group: "Slipway",
                Host: host,
                Port: p.connection.port,
                MaintenanceDB: p.connection.database ?? "postgres",
                Username: username,
                SSLMode: "prefer",
            },
        ]),
    );
    return pulumi.all(servers).apply((s) => `${JSON.stringify({ Servers: Object.fromEntries(s) }, null, 2)}\n`);
}

// dpage/pgadmin4 (Alpine, busybox wget): user pgadmin is uid 5050 in group 0, data in
// /var/lib/pgadmin, and the entrypoint writes /pgadmin4/config_distro.py on first start.
// The image gives python3 the file capability CAP_NET_BIND_SERVICE (`setcap ...=+eip`) so the
// non-root user can bind port 80. The kernel refuses to exec a binary whose file capabilities
// exceed the bounding set, so with all capabilities dropped python (pgAdmin itself) cannot start:
// NET_BIND_SERVICE has to stay in the bounding set. It is never used: pgAdmin listens on 5050,
// and no-new-privileges keeps the file capability from being granted.
export const pgadmin: CatalogType = {
    type: "pgadmin",
    image: "dpage/pgadmin4:9.8",
    ports: [{ name: "http", port: PGADMIN_PORT }],
    scheme: "http",
    user: { uid: 5050, gid: 0 },
    capabilities: ["NET_BIND_SERVICE"], // only so python3 (file capabilities +eip) may be exec'd; see above
    volumes: [{ name: "data", path: "/var/lib/pgadmin" }],
    scratch: ["/tmp"],
    readOnlyRootFilesystem: false,
    health: { kind: "http", path: "/misc/ping" },
    healthCommand: `wget -q -O /dev/null http://127.0.0.1:${PGADMIN_PORT}/misc/ping`,
    startSeconds: 90,
    resources: { cpu: 0.25, memoryMiB: 512, storageGiB: 1 },
    owns: { password: true },
    connection: (ctx) => ({ username: PGADMIN_EMAIL, password: ctx.credentials.password }),
    configure: (ctx, peers) => {
        const servers = peers.filter((p) => p.type === "postgres" && ctx.spec.uses.includes(p.name));
        return {
            env: {
                PGADMIN_DEFAULT_EMAIL: PGADMIN_EMAIL,
                PGADMIN_LISTEN_ADDRESS: "0.0.0.0",
                PGADMIN_LISTEN_PORT: String(PGADMIN_PORT),
                // Postfix is started through sudo, which no-new-privileges forbids; pgAdmin does
                // not need it (it only mails password resets).
                PGADMIN_DISABLE_POSTFIX: "true",
                PGADMIN_CONFIG_UPGRADE_CHECK_ENABLED: "False",
            },
            secretEnv: { PGADMIN_DEFAULT_PASSWORD: ctx.credentials.password! },
            files: servers.length > 0 ? [{ path: "/pgadmin4/servers.json", content: pgadminServers(ctx, peers), secret: false }] : [],
        };
    },
};
