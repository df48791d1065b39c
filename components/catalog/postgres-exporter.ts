import * as pulumi from "@pulumi/pulumi";
import { CatalogType, usedPeer } from "./types";

/**
 * The exporter connects with lib/pq, whose default sslmode is `require`; the platform's own
 * postgres serves no TLS. A URL that already says which sslmode (a managed database) is kept.
 */
export function exporterDsn(url: string): string {
    if (/[?&]sslmode=/.test(url)) return url;
    return `${url}${url.includes("?") ? "&" : "?"}sslmode=disable`;
}

// prometheuscommunity/postgres-exporter: the Prometheus busybox image (wget), USER nobody (65534),
// stateless. The database it watches is the one it `uses`, like any consumer; the connection URL
// (with the password) reaches it only as a secret environment variable.
export const postgresExporter: CatalogType = {
    type: "postgres-exporter",
    needs: ["postgres"],
    image: "quay.io/prometheuscommunity/postgres-exporter:v0.17.1",
    ports: [{ name: "metrics", port: 9187, access: "client" }],
    ownedEnv: ["DATA_SOURCE_*", "PG_EXPORTER_*"],
    scheme: "http",
    user: { uid: 65534, gid: 65534 },
    readOnlyRootFilesystem: true,
    health: { kind: "http", path: "/" },
    healthCommand: "wget -q -O /dev/null http://127.0.0.1:9187/",
    resources: { cpu: 0.1, memoryMiB: 64, storageGiB: 0 },
    metrics: () => ({ port: 9187, path: "/metrics" }),
    configure: (ctx, peers) => {
        const pg = usedPeer(ctx, peers, "postgres");
        return {
            secretEnv: { DATA_SOURCE_NAME: pulumi.secret(pg.connection.url.apply(exporterDsn)) },
        };
    },
};
