import { CatalogType } from "./types";

// Jaeger v2 (jaegertracing/jaeger, an OpenTelemetry Collector build). Its Dockerfile: Alpine base
// (busybox wget), USER 10001 with no group (so group 0), JAEGER_LISTEN_HOST=0.0.0.0. The built-in
// all-in-one configuration keeps traces in memory (up to 100000; nothing persists, so no volume),
// serves health on 13133 (/status, healthcheckv2) and its own metrics on 8888.
// The first port is the one applications send to: OTLP over HTTP, whose default endpoint
// (OTEL_EXPORTER_OTLP_ENDPOINT=http://jaeger:4318) is exactly `S_URL`; OTLP/gRPC is 4317 and
// the UI and query API 16686.
export const jaeger: CatalogType = {
    type: "jaeger",
    image: "jaegertracing/jaeger:2.6.0",
    ports: [
        { name: "otlp-http", port: 4318, access: "client" },
        { name: "otlp-grpc", port: 4317, access: "client" },
        { name: "ui", port: 16686, access: "client" },
        { name: "health", port: 13133, access: "internal" },
        { name: "metrics", port: 8888, access: "internal" },
    ],
    scheme: "http",
    user: { uid: 10001, gid: 0 },
    ownedEnv: [],
    scratch: ["/tmp"],
    readOnlyRootFilesystem: true,
    health: { kind: "http", path: "/status" },
    healthPort: 13133,
    healthCommand: "wget -q -O /dev/null http://127.0.0.1:13133/status",
    // In-memory traces: size the memory limit for the 100000 traces the default keeps.
    resources: { cpu: 0.5, memoryMiB: 1024, storageGiB: 0 },
    metrics: () => ({ port: 8888, path: "/metrics" }),
};
