import * as pulumi from "@pulumi/pulumi";
import { CatalogType, secretInterpolate } from "./types";

// Neo4j runs as its image's neo4j user (7474) from the first start. Started as root, the image's
// entrypoint chowns and `chmod 700`s /var/lib/neo4j, which fails without CAP_FOWNER
// ("chmod: changing permissions of '/var/lib/neo4j'" in SEEDS.md); started as 7474 it skips that
// block and only checks that /data and /logs are writable, which the volume's owner makes true.
export const neo4j: CatalogType = {
    type: "neo4j",
    image: "neo4j:5.26.6-community",
    ports: [
        { name: "bolt", port: 7687, access: "client" },
        // The browser and HTTP API: a client of its own, which logs in like any other.
        { name: "http", port: 7474, access: "client" },
    ],
    scheme: "bolt",
    user: { uid: 7474, gid: 7474 },
    dataStore: true,
    // NEO4J_dbms_security_auth__enabled=false would turn authentication off (the image maps every
    // NEO4J_<setting> to neo4j.conf), so the security settings and the memory it sizes are its own.
    ownedEnv: ["NEO4J_AUTH", "NEO4J_dbms_security_*", "NEO4J_server_memory_*"],
    volumes: [{ name: "data", path: "/data" }],
    scratch: ["/logs", "/tmp"],
    // The entrypoint appends to conf/neo4j.conf and writes run/neo4j.pid under /var/lib/neo4j.
    readOnlyRootFilesystem: false,
    health: { kind: "http", path: "/" },
    healthPort: 7474,
    healthCommand: "wget -q --spider http://127.0.0.1:7474/",
    startSeconds: 120,
    resources: { cpu: 1, memoryMiB: 1024, storageGiB: 5 },
    owns: { password: true },
    connection: (ctx) => ({ username: "neo4j", password: ctx.credentials.password }),
    // A schema (constraints, indexes, seed nodes) the user supplies in slipway:seeds; write it to
    // run again safely (CREATE CONSTRAINT … IF NOT EXISTS). cypher-shell reads its address and
    // credentials from NEO4J_ADDRESS / NEO4J_USERNAME / NEO4J_PASSWORD.
    seed: {
        extension: ".cypher",
        task: (ctx, file, connection) => ({
            name: "seed",
            command: ["/bin/sh", "-c", 'until cypher-shell "RETURN 1" >/dev/null 2>&1; do sleep 2; done; cypher-shell -f /seed/seed.cypher'],
            env: { NEO4J_ADDRESS: pulumi.interpolate`bolt://${connection.host}:${connection.port}`, NEO4J_USERNAME: "neo4j" },
            secretEnv: { NEO4J_PASSWORD: ctx.credentials.password! },
            files: [{ path: "/seed/seed.cypher", content: file, secret: false }],
        }),
    },
    configure: (ctx) => {
        const mem = ctx.resources.memoryMiB;
        return {
            env: {
                // Heap and page cache inside the container's memory limit, leaving a quarter for the JVM itself.
                NEO4J_server_memory_heap_initial__size: `${Math.floor(mem * 0.5)}m`,
                NEO4J_server_memory_heap_max__size: `${Math.floor(mem * 0.5)}m`,
                NEO4J_server_memory_pagecache_size: `${Math.floor(mem * 0.25)}m`,
            },
            secretEnv: { NEO4J_AUTH: secretInterpolate`neo4j/${ctx.credentials.password}` },
        };
    },
};
