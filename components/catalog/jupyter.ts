import { CatalogType } from "./types";

// quay.io/jupyter/base-notebook (Jupyter Docker Stacks): user jovyan, uid 1000 in group users
// (100), HOME /home/jovyan, port 8888, wget installed by docker-stacks-foundation. Jupyter Server
// takes its token from JUPYTER_TOKEN, so it never appears on the command line. /api answers
// without a token. Notebooks are kept in ~/work, the volume; the rest of HOME is the image's.
export const jupyter: CatalogType = {
    type: "jupyter",
    image: "quay.io/jupyter/base-notebook:2025-08-25",
    ports: [{ name: "http", port: 8888, access: "client" }],
    ownedEnv: ["JUPYTER_TOKEN"],
    scheme: "http",
    user: { uid: 1000, gid: 100 },
    volumes: [{ name: "work", path: "/home/jovyan/work" }],
    scratch: ["/tmp"],
    readOnlyRootFilesystem: false,
    health: { kind: "http", path: "/api" },
    healthCommand: "wget -q -O /dev/null http://127.0.0.1:8888/api",
    startSeconds: 60,
    resources: { cpu: 1, memoryMiB: 1024, storageGiB: 5 },
    owns: { token: true },
    connection: (ctx) => ({ token: ctx.credentials.token }),
    // Jupyter Server's /metrics asks for the token unless told not to; it carries no notebook
    // content, and only services network policy lets in reach it.
    metrics: () => ({ port: 8888, path: "/metrics" }),
    configure: (ctx) => ({
        secretEnv: { JUPYTER_TOKEN: ctx.credentials.token! },
        args: ["start-notebook.py", "--ServerApp.authenticate_prometheus=False"],
    }),
};
