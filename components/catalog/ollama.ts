import { bashHttpCheck, CatalogType } from "./types";

/** Models and the server's key live on the volume, not in /root/.ollama. */
export const OLLAMA_HOME = "/ollama";

// ollama/ollama: Ubuntu-based, ENTRYPOINT /bin/ollama, CMD serve, OLLAMA_HOST=0.0.0.0 (port
// 11434), runs as root by default with everything under /root/.ollama, and ships no user of its
// own and no curl. Run as 1000:1000 here: HOME and OLLAMA_MODELS point at the volume, which that
// user owns (the server writes its key to $HOME/.ollama). Ollama serves no Prometheus metrics and
// has no authentication.
export const ollama: CatalogType = {
    type: "ollama",
    image: "ollama/ollama:0.11.4",
    ports: [{ name: "http", port: 11434, access: "client" }],
    ownedEnv: ["HOME", "OLLAMA_MODELS", "OLLAMA_HOST"],
    scheme: "http",
    user: { uid: 1000, gid: 1000 },
    volumes: [{ name: "data", path: OLLAMA_HOME }],
    scratch: ["/tmp"],
    readOnlyRootFilesystem: false,
    health: { kind: "http", path: "/api/version" },
    // No HTTP client in the image (bash via /dev/tcp; `ollama list` would also work but checks
    // another path).
    healthCommand: bashHttpCheck(11434, "/api/version"),
    startSeconds: 60,
    // Enough for small models on CPU; sizes scale it.
    resources: { cpu: 2, memoryMiB: 4096, storageGiB: 20 },
    configure: () => ({
        env: { HOME: OLLAMA_HOME, OLLAMA_MODELS: `${OLLAMA_HOME}/models` },
    }),
};
