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
// The image gives its Python the file capability CAP_NET_BIND_SERVICE so the non-root user can
// bind port 80 (pgadmin-org/pgadmin4 Dockerfile: `setcap CAP_NET_BIND_SERVICE=+eip
// /usr/local/bin/python3.[0-9][0-9]`), and every python of the image (gunicorn, run_pgadmin.py)
// is that binary. The kernel refuses to exec a binary whose file capabilities have the effective
// bit and are not all in the bounding set (security/commoncap.c, bprm_caps_from_vfs_caps: -EPERM),
// so with every capability dropped pgAdmin cannot start, on Docker as under Kubernetes'
// restricted profile. So NET_BIND_SERVICE stays in the bounding set, the one capability the
// restricted profile lets a container add. It is never granted or used: no-new-privileges
// (allowPrivilegeEscalation: false) keeps the file capability from being gained, and pgAdmin
// listens on 5050, an unprivileged port (PGADMIN_LISTEN_PORT).
export const pgadmin: CatalogType = {
    type: "pgadmin",
    image: "dpage/pgadmin4:9.8",
    ports: [{ name: "http", port: PGADMIN_PORT, access: "client" }],
    // PGADMIN_CONFIG_SERVER_MODE=False would run it without a login, and the
    // AUTHENTICATION_SOURCES setting chooses how it logs in.
    ownedEnv: ["PGADMIN_DEFAULT_*", "PGADMIN_LISTEN_*", "PGADMIN_DISABLE_POSTFIX", "PGADMIN_CONFIG_UPGRADE_CHECK_ENABLED", "PGADMIN_CONFIG_SERVER_MODE", "PGADMIN_CONFIG_AUTHENTICATION_SOURCES", "PGADMIN_SERVER_JSON_FILE"],
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
