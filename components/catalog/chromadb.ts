import { bashHttpCheck, CatalogType } from "./types";

// chromadb/chroma 1.x is the Rust server: `chroma run /config.yaml`, port 8000, data in /data
// (persist_path of the bundled docker_single_node.yaml). Its v1 HTTP API is gone (410), so the
// heartbeat is /api/v2/heartbeat; and the image (Debian slim) has bash but no curl, wget or
// python, which is why `curl .../api/v1/heartbeat` checks report it unhealthy (SEEDS.md).
// The image sets no USER; it runs here as 1000:1000, which owns the data volume. Chroma 1.x has
// no built-in authentication, so there is no credential: only services network policy lets in
// reach it.
export const chromadb: CatalogType = {
    type: "chromadb",
    image: "chromadb/chroma:1.0.15",
    ports: [{ name: "http", port: 8000, access: "client" }],
    dataStore: true,
    ownedEnv: [],
    scheme: "http",
    user: { uid: 1000, gid: 1000 },
    volumes: [{ name: "data", path: "/data" }],
    scratch: ["/tmp"],
    // Unconfirmed that the server writes nothing outside /data.
    readOnlyRootFilesystem: false,
    health: { kind: "http", path: "/api/v2/heartbeat" },
    healthCommand: bashHttpCheck(8000, "/api/v2/heartbeat"),
    startSeconds: 60,
    resources: { cpu: 0.5, memoryMiB: 1024, storageGiB: 10 },
};
